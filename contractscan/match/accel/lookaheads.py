"""A cheaper regex that every match of a rule pattern implies: its look-ahead conditions dropped.

Rule authors write conditions on the whole sentence as leading look-aheads:
``^(?=.*\\b(?:patents?|inventions?|...)\\b).*?\\bshall vest in\\b`` ("vest" in a sentence
about IP) or ``^(?!.*\\b(?:breach|default|...)\\b).*?\\bat any time\\b``. Python's ``re``
tries such a look-ahead's long alternation at every character of the sentence, so
these few patterns cost a third of all regex time. The rest of the pattern ("shall
vest in") is far cheaper and usually absent; where it is absent the whole pattern
cannot match, so the search tries the core first and the full pattern only where
the core matched. Matches are the same; only work on sentences that cannot match is saved.
"""

from __future__ import annotations

import re

_LEADING_ANY = (".*?", ".*")
_STEP = {"(": 1, ")": -1, "|": 0}


def core_regex(pattern: str) -> str | None:
    """``pattern`` with each top-level branch's leading look-aheads (and the ``^.*?``
    around them) removed; None when there are none, or the core would match anything."""
    if pattern.startswith("(?") and re.match(r"\(\?[aiLmsux]+\)", pattern):
        return None  # global inline flags (verbose mode, say): leave the pattern alone
    branches = _top_level_branches(pattern)
    if branches is None:
        return None
    cores: list[str] = []
    stripped = False
    for branch in branches:
        core, did = _strip_branch(branch)
        if did and not core:
            return None  # a branch of conditions only: its core matches anything
        stripped |= did
        cores.append(core)
    if not stripped:
        return None
    core = "|".join(cores)
    try:
        re.compile(core)
    except re.error:
        return None
    return core


def _strip_branch(branch: str) -> tuple[str, bool]:
    rest = branch
    anchored = False
    if rest.startswith("^"):
        anchored, rest = True, rest[1:]
    elif rest.startswith("\\A"):
        anchored, rest = True, rest[2:]
    did = False
    while rest.startswith(("(?=", "(?!")):
        end = _group_end(rest, 0)
        if end is None:
            return branch, False
        rest = rest[end + 1:]
        did = True
    if not did:
        return branch, False
    for any_prefix in _LEADING_ANY:
        if rest.startswith(any_prefix) and not rest.startswith(any_prefix + "+"):
            # "^.*?R" matches where R matches anywhere
            return rest[len(any_prefix):], True
    if not rest:
        return "", True
    return ("^" + rest if anchored else rest), True


def _skip_class(pattern: str, i: int) -> int | None:
    """Index of the ``]`` closing the character class that opens at ``i``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1  # a "]" first in the class is a literal
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j
        j += 1
    return None


def _structure(pattern: str, start: int = 0):
    """(index, character, depth before it) for each ``(``, ``)`` and ``|`` that is syntax:
    escapes and character classes skipped. Raises ValueError on an unclosed class."""
    depth = 0
    j = start
    while j < len(pattern):
        c = pattern[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            k = _skip_class(pattern, j)
            if k is None:
                raise ValueError("unclosed character class")
            j = k + 1
            continue
        if c in "()|":
            yield j, c, depth
            depth += _STEP[c]
        j += 1


def _group_end(pattern: str, i: int) -> int | None:
    """Index of the ``)`` closing the group that opens at ``i``."""
    try:
        for j, c, depth in _structure(pattern, i):
            if c == ")" and depth == 1:
                return j
    except ValueError:
        return None
    return None


def _top_level_branches(pattern: str) -> list[str] | None:
    out: list[str] = []
    start = 0
    level = 0
    try:
        for j, c, depth in _structure(pattern):
            if c == "|" and depth == 0:
                out.append(pattern[start:j])
                start = j + 1
            level = depth + _STEP[c]
    except ValueError:
        return None
    if level != 0:
        return None
    out.append(pattern[start:])
    return out
