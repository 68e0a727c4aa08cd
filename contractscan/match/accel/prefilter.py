"""One pass of Hyperscan over a sentence: which regexes can match it at all.

The literal and start gates try each regex on every sentence that holds a common word the
regex needs ("shall", "not"); most such sentences still fail the regex, and running ``re``
there was most of the search's cost. Hyperscan reads a sentence once for all regexes and
names the few that can match it; ``re`` then runs only on those.

Hyperscan gets a looser version of each regex (``superset``), which matches every string
the regex matches, and more: look-arounds are dropped, counted repeats become ``*`` or ``+``
(exact counts make Hyperscan's automata huge and slow to build), atomic groups and
possessive repeats become ordinary ones. It reads bytes, so the filter judges only
sentences of ASCII and a few common punctuation marks (curly quotes, dashes, the middle
dot of inner periods), each mapped to one byte; every other sentence stays a candidate for
every regex. Each character class, literal and dot becomes the exact set of those bytes
that ``re`` itself matches (its case folding included), so nothing is lost in translation.
A regex Hyperscan cannot take (a back-reference) keeps the other gates only. The filter
drops only (regex, sentence) pairs the regex cannot match: the matches are ``re``'s.
Without the ``hyperscan`` package there is no filter, only the gates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from ...cache import compile_regex
from ._re_internals import constants as _c
from ._re_internals import parser as _sre_parse

try:
    import hyperscan as _hs
except ImportError:  # an optional speed-up (wheels for Linux x86-64): the gates alone give the same matches
    _hs = None

# The characters the filter reads: ASCII, and punctuation and symbols that are neither word
# characters, spaces nor cased (so ``re`` and Hyperscan's ASCII \b agree about them), one byte each.
_EXTRA = "".join(ch for ch in dict.fromkeys(
    "\u2018\u2019\u201c\u201d\u00b7\u00a7\u2013\u2014\u2022\u2026\u00b6\u00ae\u00a9\u2122\u00b0\u037e"
    "\u25e6\u00a5\u20ac\u00a3\u25cf\u2011\u2010\u201e\u201a\u25aa\u00bb\u00ab\u2039\u203a\u2032\u2033"
    "\u00a2\u00b1\u00d7\u00f7\u00ac\u00a6\u00a8\u00b4\u2020\u2021\u2030\u25a0\u25a1\u2610\u2612\u2713"
    "\u2714\u00a1\u00bf\u2012\u2015\u2044\u2219\u2264\u2265\u2260\u2192\u00a4\u2212\uf0b7\ufffd")
    if not (ch.isalnum() or ch.isspace() or ch == "_" or ch.lower() != ch or ch.upper() != ch))
_ALPHABET = [chr(i) for i in range(128)] + list(_EXTRA)
_TO_BYTES = {ord(ch): 0x80 + k for k, ch in enumerate(_EXTRA)}
_UNSAFE = compile_regex("[^\x00-\x7f" + _EXTRA + "]")  # a large class: its code from the disk cache
assert len(_ALPHABET) < 255
_NEVER = r"\xff"  # a byte no translated sentence holds: an atom that cannot match
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_AT = {_c.AT_BEGINNING: "^", _c.AT_BEGINNING_STRING: r"\A", _c.AT_END: r"\z", _c.AT_END_STRING: r"\z",
       _c.AT_BOUNDARY: r"\b", _c.AT_NON_BOUNDARY: r"\B"}
_CATEGORY = {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
             _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W"}


class _Unsupported(Exception):
    pass


def available() -> bool:
    return _hs is not None


def superset(pattern: str, flags: int = 0) -> str | None:
    """A Hyperscan pattern that matches a translated sentence (``to_bytes``) wherever
    ``re.compile(pattern, flags)`` matches the sentence; None when it cannot say it."""
    try:
        tree = _sre_parse.parse(pattern, flags)
        return _emit(tree, bool(tree.state.flags & re.IGNORECASE))
    except (_Unsupported, re.error, RecursionError, OverflowError, ValueError):
        return None


def to_bytes(text: str) -> bytes | None:
    """The sentence as the filter reads it, or None when it holds other characters."""
    if text.isascii():
        return text.encode("ascii")
    if _UNSAFE.search(text):
        return None
    return text.translate(_TO_BYTES).encode("latin-1")


def _emit(items, ignore_case: bool) -> str:
    return "".join(_emit_item(op, av, ignore_case) for op, av in items)


def _set_of(source: str, ignore_case: bool) -> str:
    """The bytes of the alphabet that the one-character regex ``source`` matches, as a class."""
    return _class(_members(source, ignore_case))


@functools.lru_cache(maxsize=4096)
def _members(source: str, ignore_case: bool) -> tuple[int, ...]:
    rx = re.compile(source, re.IGNORECASE if ignore_case else 0)
    return tuple(_TO_BYTES.get(ord(ch), ord(ch)) for ch in _ALPHABET if rx.fullmatch(ch))


def _class(members: tuple[int, ...]) -> str:
    if not members:
        return _NEVER
    if len(members) == 1 and chr(members[0]).isalnum():
        return chr(members[0])
    return "[" + "".join("\\x%02x" % b for b in members) + "]"


def _class_source(av) -> str:
    """A character class of the parse tree written back as ``re`` source."""
    out = []
    for op, a in av:
        if op is _c.NEGATE:
            out.append("^")
        elif op is _c.LITERAL:
            out.append("\\U%08x" % a)
        elif op is _c.RANGE:
            out.append("\\U%08x-\\U%08x" % a)
        elif op is _c.CATEGORY:
            out.append(_CATEGORY[a])
        else:
            raise _Unsupported(str(op))
    return "[" + "".join(out) + "]"


def _emit_item(op, av, ignore_case: bool) -> str:
    if op is _c.LITERAL:
        return _set_of("\\U%08x" % av, ignore_case)
    if op is _c.NOT_LITERAL:
        return _set_of("[^\\U%08x]" % av, ignore_case)
    if op is _c.ANY:
        return _set_of(".", False)
    if op is _c.IN:
        return _set_of(_class_source(av), ignore_case)
    if op is _c.BRANCH:
        return "(?:" + "|".join(_emit(b, ignore_case) for b in av[1]) + ")"
    if op is _c.SUBPATTERN:
        _group, add, remove, sub = av
        case = True if add & re.IGNORECASE else False if remove & re.IGNORECASE else ignore_case
        return "(?:" + _emit(sub, case) + ")"
    if op in _REPEATS:
        lo, hi, sub = av
        if hi == 0:
            return ""
        inner = "(?:" + _emit(sub, ignore_case) + ")"
        if lo == 1 and hi == 1:
            return inner
        # counts dropped: {2,200} reads as +, so the automaton stays small (a looser pattern)
        return inner + ("?" if lo == 0 and hi == 1 else "*" if lo == 0 else "+")
    if op is _c.AT:
        if av not in _AT:
            raise _Unsupported(str(av))
        return _AT[av]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return ""  # a look-around only narrows where the rest matches
    if op is _c.GROUPREF_EXISTS:
        _group, yes, no = av
        return "(?:" + _emit(yes, ignore_case) + "|" + (_emit(no, ignore_case) if no else "") + ")"
    if _ATOMIC is not None and op is _ATOMIC:
        return "(?:" + _emit(av, ignore_case) + ")"
    raise _Unsupported(str(op))  # a back-reference


class SentenceFilter:
    """Which of the given regexes can match a sentence; ``covered[i]`` says whether regex
    ``i`` is judged (else it must be tried wherever its gates let it)."""

    def __init__(self, supersets: Sequence[str | None], compiled: bytes | None = None) -> None:
        assert _hs is not None
        distinct: dict[str, int] = {}
        self._of: list[list[int]] = []  # per expression id: the regexes it stands for
        for i, source in enumerate(supersets):
            if source is None:
                continue
            eid = distinct.setdefault(source, len(distinct))
            if eid == len(self._of):
                self._of.append([])
            self._of[eid].append(i)
        self.covered = [False] * len(supersets)
        self.db = None
        if not distinct:
            return
        if compiled is not None:
            try:
                self.db = _hs.loadb(compiled, _hs.HS_MODE_BLOCK)
            except Exception:  # another Hyperscan version, a damaged entry: build it
                self.db = None
        if self.db is None:
            self.db = self._compile(list(distinct))
        if self.db is not None:
            for regexes in self._of:
                for i in regexes:
                    self.covered[i] = True
            self._scratch = _hs.Scratch(self.db)

    def _compile(self, expressions: list[str]):
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        flags = _hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_ALLOWEMPTY
        try:
            db.compile(expressions=[e.encode("latin-1") for e in expressions], ids=list(range(len(expressions))),
                       elements=len(expressions), flags=[flags] * len(expressions))
        except Exception:  # one expression it cannot take: leave the filter out
            return None
        return db

    def dumps(self) -> bytes | None:
        return None if self.db is None else _hs.dumpb(self.db)

    def __call__(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Per regex, the indexes of the texts it may match (covered regexes only, in order),
        and the texts the filter cannot judge (any regex may match them)."""
        found: list[list[int]] = [[] for _ in self.covered]
        unjudged: list[int] = []
        if self.db is None:
            return found, list(range(len(texts)))
        hits: list[int] = []
        add = hits.append

        def on_match(eid: int, _start: int, _end: int, _flags: int, _context: object) -> None:
            add(eid)

        scan, of = self.db.scan, self._of
        for ti, text in enumerate(texts):
            data = to_bytes(text)
            if data is None:
                unjudged.append(ti)
                continue
            scan(data, match_event_handler=on_match, scratch=self._scratch)
            for eid in hits:
                for i in of[eid]:
                    found[i].append(ti)
            hits.clear()
        return found, unjudged


def version() -> str:
    """Hyperscan's version: a database saved by another one is not loaded."""
    return "" if _hs is None else str(getattr(_hs, "__version__", "")) + "/" + str(getattr(_hs, "HS_VERSION", ""))
