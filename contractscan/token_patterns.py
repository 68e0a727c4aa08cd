"""spaCy ``Matcher`` token patterns over ``tokens``' English tokens, without importing spaCy.

The reading steps (``reading``) find a sentence's role and polarity with a few Matcher
patterns; this is the subset of Matcher they use, so the default path needs no spaCy Doc.
"""

from __future__ import annotations

from .tokens import Token


class UnsupportedPattern(ValueError):
    """A token pattern uses spaCy Matcher syntax ``TokenPatterns`` does not implement."""


class TokenPatterns:
    """spaCy ``Matcher`` patterns over our tokens, for the syntax ``rules/reading`` uses:
    ``LOWER`` / ``ORTH`` (a string or ``{IN: [...]}``), ``IS_PUNCT`` (true/false), and ``OP``
    ``?``, ``*``, ``+``. Anything else raises ``UnsupportedPattern`` (read with spaCy then).

    ``starts`` gives where a pattern matches (spaCy returns every non-empty match; the callers
    use where they start, not in which order spaCy lists them)."""

    def __init__(self) -> None:
        # key, steps, and the words (lowercased) one of which starts every match, or None
        self._patterns: list[tuple[str, tuple[tuple[object, str | None], ...], frozenset[str] | None]] = []

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, key: str, pattern: list[dict]) -> None:
        if not pattern:
            raise UnsupportedPattern("an empty pattern")
        steps = []
        for spec in pattern:
            op = spec.get("OP")
            if op not in (None, "?", "*", "+"):
                raise UnsupportedPattern(f"OP {op!r}")
            steps.append((_predicate(spec), op))
        self._patterns.append((key, tuple(steps), _first_words(pattern[0])))

    def starts(self, tokens: list[Token]) -> list[tuple[str, int]]:
        """(key, start) of every pattern and token where a non-empty match starts."""
        n = len(tokens)
        lowers = [t.text.lower() for t in tokens]
        out = []
        for key, steps, first in self._patterns:
            for i in range(n):
                if first is not None and lowers[i] not in first:
                    continue
                if any(e > i for e in _ends(steps, 0, tokens, i, n)):
                    out.append((key, i))
        return out


def _first_words(spec: dict) -> frozenset[str] | None:
    """The lowercased words a token must be to match ``spec`` when the pattern cannot skip it
    (a superset: the full test still runs); None when any token may start a match."""
    if spec.get("OP") in ("?", "*"):
        return None
    for attr in ("LOWER", "ORTH"):
        value = spec.get(attr)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict):
            return frozenset(x.lower() for x in value["IN"])
    return None


def _ends(steps: tuple, k: int, tokens: list[Token], i: int, n: int):
    """The token positions where ``steps[k:]`` can end when started at ``i``."""
    if k == len(steps):
        yield i
        return
    test, op = steps[k]
    if op is None:
        if i < n and test(tokens[i]):
            yield from _ends(steps, k + 1, tokens, i + 1, n)
    elif op == "?":
        yield from _ends(steps, k + 1, tokens, i, n)
        if i < n and test(tokens[i]):
            yield from _ends(steps, k + 1, tokens, i + 1, n)
    else:
        j = i
        if op == "*":
            yield from _ends(steps, k + 1, tokens, j, n)
        while j < n and test(tokens[j]):
            j += 1
            yield from _ends(steps, k + 1, tokens, j, n)


def _predicate(spec: dict):
    """A test of one token for one pattern element."""
    checks = []
    for attr, value in spec.items():
        if attr == "OP":
            continue
        if attr == "IS_PUNCT":
            if not isinstance(value, bool):
                raise UnsupportedPattern(f"IS_PUNCT {value!r}")
            checks.append(lambda t, v=value: t.is_punct == v)
            continue
        if attr not in ("LOWER", "ORTH"):
            raise UnsupportedPattern(f"attribute {attr}")
        lower = attr == "LOWER"
        if isinstance(value, str):
            checks.append((lambda t, v=value: t.text.lower() == v) if lower else (lambda t, v=value: t.text == v))
        elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(x, str) for x in value["IN"]):
            words = frozenset(value["IN"])
            checks.append((lambda t, w=words: t.text.lower() in w) if lower else (lambda t, w=words: t.text in w))
        else:
            raise UnsupportedPattern(f"{attr} {value!r}")
    if not checks:
        return lambda t: True
    if len(checks) == 1:
        return checks[0]
    return lambda t: all(c(t) for c in checks)
