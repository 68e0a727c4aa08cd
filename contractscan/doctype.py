"""What kind of document a contract is (master agreement, order form, BAA, DPA, NDA, amendment,
key terms, schedule), told from its title, headings and text.

The cues and their weights are data, in ``rules/document_types/document_types.yaml``; this
module only scores them. ``--profile auto`` uses the result to pick the checklist: a standalone
BAA is checked for the BAA elements, not for payment terms.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .cache import compile_regex
from . import cache
from .errors import RuleError
from .resources import data_dir
from .results import DocumentType
from .rules import _pydantic_version


class Cue(BaseModel):
    """One regular expression and what it is worth when it fires."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    regex: str
    weight: float
    max: float | None = Field(default=None, description="cap on what the cue adds up to (headings, body)")
    generic: bool = Field(
        default=False,
        description="a title cue any agreement has ('... Agreement'): it does not count on a title line "
        "where another kind's specific cue fires ('Non-Disclosure Agreement')")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"bad regex {v!r}: {exc}") from None
        return v

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.regex)  # not a private attribute: pydantic's lookup of those is slow


@lru_cache(maxsize=None)
def _compiled(regex: str) -> re.Pattern[str]:
    return cache.compile_regex(regex, re.I | re.M)  # re.compile's pattern, its code from the disk cache


# What reading each cue's regex gave (its needed words, its start gate), as loaded with the cue
# file from the disk cache: parsing ~200 regexes again took a few tenths of a one-file run.
_NEEDED: dict[str, tuple[tuple[str, ...], ...]] = {}
_GATES: dict[tuple[str, int], object] = {}


@lru_cache(maxsize=None)
def _needed_words(regex: str) -> tuple[tuple[str, ...], ...]:
    """Sets of words such that every match of the cue holds one word of each (in ``fold``-ed
    text), most selective first."""
    known = _NEEDED.get(regex)
    if known is not None:
        return known
    # imported here: the speed-ups live with the matcher, which loads spaCy
    from .match.accel.literals import literal_options

    # ASCII words only: fold() maps onto ASCII every letter re.IGNORECASE equates with one
    return tuple(o for o in literal_options(regex, re.I | re.M) if all(w.isascii() for w in o))


class TypeCues(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    description: str = ""
    yields_title: bool = Field(
        default=False,
        description="a label that often heads another kind of document ('Exhibit B', then 'Business "
        "Associate Agreement'): its title cues count little when another kind's title cue fires too")
    title: list[Cue] = Field(default_factory=list)
    opening: list[Cue] = Field(default_factory=list)
    headings: list[Cue] = Field(default_factory=list)
    body: list[Cue] = Field(default_factory=list)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    title_lines: int = 14
    title_max_words: int = 18
    title_max_lower_words: int = 6
    body_start: str = r"^(?:this|these|whereas)\b"
    title_decay: float = 0.03
    whole_line_bonus: float = 1.5
    title_reference: str = r"\bto\b"
    reference_factor: float = 0.25
    opening_chars: int = 2500
    min_score: float = 2.0
    yield_min: float = 1.5
    fallback: str = "master_agreement"


class TypeRules(BaseModel):
    """The whole cue file."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    settings: Settings = Field(default_factory=Settings)
    types: dict[str, TypeCues]

    @field_validator("types")
    @classmethod
    def _some(cls, v: dict[str, TypeCues]) -> dict[str, TypeCues]:
        if not v:
            raise ValueError("no document types")
        return v


def cue_file() -> Path:
    return data_dir() / "rules" / "document_types" / "document_types.yaml"


@lru_cache(maxsize=4)
def load_type_rules(path: str | None = None) -> TypeRules:
    """The document-type cues (the built-in file unless ``path`` is given).

    Kept in the cache on disk with what reading each cue's regex gives, keyed by the file's
    bytes: parsing the file and its regexes is most of the first document's type detection."""
    p = Path(path) if path else cue_file()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RuleError(f"{p}: cannot read document types: {exc}") from None
    k = cache.key("doctype", str(p), data, cache.yaml_stamp(), _pydantic_version())
    stored = cache.load("doctype", k)
    if (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[0], TypeRules)
            and isinstance(stored[1], dict) and isinstance(stored[2], dict)):
        rules, needed, gates = stored
        _NEEDED.update(needed)
        _GATES.update(gates)
        return rules
    rules = _parse_type_rules(p, data)
    cues = {c.regex for t in rules.types.values() for part in (t.title, t.opening, t.headings, t.body) for c in part}
    needed = {rx: _needed_words(rx) for rx in cues}
    gates = {(rx, _compiled(rx).flags): _start_gate(_compiled(rx)) for rx in cues}
    cache.store("doctype", k, (rules, needed, gates))
    cache.save()
    return rules


def _parse_type_rules(p: Path, data: bytes) -> TypeRules:
    try:
        raw = cache.load_yaml(data) or {}
        rules = TypeRules.model_validate(raw)
    except (UnicodeDecodeError, cache.BadYAML) as exc:
        raise RuleError(f"{p}: cannot read document types: {exc}") from None
    except ValidationError as exc:
        msgs = [f"{p}: field {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise RuleError("\n".join(msgs)) from None
    if rules.settings.fallback not in rules.types:
        raise RuleError(f"{p}: fallback {rules.settings.fallback!r} is not one of the types")
    return rules


_NUMBERED = compile_regex(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]?\s+\S|(?:article|section)\s+[\dIVX]+\b)", re.I)
_TOC_END = compile_regex(r"(?:\.{4,}|\s{3,}|\t)\s*\d{1,3}\s*$")
_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
_CONTENTS = compile_regex(r"^(?:table of )?contents$", re.I)
_MARKUP = compile_regex(r"^[#>*\s|_-]+|[*_|]+$")


def title_lines(text: str, settings: Settings) -> list[str]:
    """The short lines at the top of the document, before the first numbered clause or the
    first full sentence; markup (Markdown hashes, bold marks) stripped."""
    out: list[str] = []
    for raw in text.splitlines():
        line = _MARKUP.sub("", raw.strip()).strip()
        if not line or line in ("---",) or not any(c.isalpha() for c in line):
            continue
        if _TOC_END.search(raw):
            continue
        if _CONTENTS.match(line):
            break
        words = line.split()
        lower = sum(1 for w in words if w[:1].islower() and w.lower() not in _SMALL_WORDS)
        if (len(words) > settings.title_max_words or lower >= settings.title_max_lower_words
                or _NUMBERED.match(line) or (len(words) >= 5 and cache.compile_regex(settings.body_start, re.I).match(line))):
            break  # the body has begun: a numbered clause or a sentence
        out.append(line)
        if len(out) >= settings.title_lines:
            break
    return out


def _title_score(cue: Cue, lines: list[str], settings: Settings,
                 taken: set[int] = frozenset()) -> tuple[float, str | None]:  # type: ignore[assignment]
    reference = cache.compile_regex(settings.title_reference, re.I)
    for i, line in enumerate(lines):
        m = cue.pattern.search(line)
        if not m or (cue.generic and i in taken):
            continue
        w = cue.weight * max(0.3, 1 - settings.title_decay * i)
        ref = reference.search(line)
        if ref and ref.end() <= m.start():
            w *= settings.reference_factor
        elif (m.end() - m.start()) >= 0.7 * len(line):
            w *= settings.whole_line_bonus
        return w, line
    return 0.0, None


@lru_cache(maxsize=None)
def _start_gate(pattern: re.Pattern[str]):
    known = _GATES.get((pattern.pattern, pattern.flags), False)
    if known is not False:
        return known
    from .match.accel.prefixes import start_gate  # with the matcher, which loads spaCy

    gate = start_gate(pattern.pattern, pattern.flags)
    return None if gate is None or "" in gate.strings else gate


def count_matches(rx: re.Pattern[str], text: str, folded: str | None = None) -> int:
    """``len(rx.findall(text))``, trying the pattern only where a match can start.

    ``findall`` tries a cue at every character of the contract; the start gate (the strings
    its matches start with, see ``match.accel.prefixes``) finds the few places worth a try,
    and ``match`` there gives the match ``findall`` would find next."""
    from .match.accel.prefixes import fold

    gate = _start_gate(rx)
    if gate is None:
        folded = ""
    elif folded is None:
        folded = fold(text)
    if gate is None or len(folded) != len(text):  # a letter whose lower case is longer: offsets differ
        return len(rx.findall(text))
    n, pos = 0, 0
    for p in gate.positions(folded):
        if p < pos:
            continue
        m = rx.match(text, p)
        if m is not None:
            if m.end() == m.start():  # an empty match: findall's rules for those, not these
                return len(rx.findall(text))
            n, pos = n + 1, m.end()
    return n


class _Folded:
    """Texts case-folded (``fold``) and joined, to find the ones holding a word without a
    search per text."""

    def __init__(self, texts: list[str]) -> None:
        from .match.accel.prefixes import fold  # with the matcher, which loads spaCy

        self.folded = folded = [fold(t) for t in texts]
        self.joined = "\n".join(folded)  # a needed word holds no white space: it never spans two
        self.starts = list(accumulate([0] + [len(f) + 1 for f in folded[:-1]]))

    def holding(self, words: tuple[str, ...]) -> set[int]:
        found: set[int] = set()
        joined, starts = self.joined, self.starts
        for w in words:
            i = joined.find(w)
            while i >= 0:
                k = bisect_right(starts, i) - 1
                found.add(k)
                i = joined.find(w, starts[k + 1] if k + 1 < len(starts) else len(joined))
        return found


def _count_score(cue: Cue, texts: list[str], folded: _Folded | None = None) -> tuple[float, int]:
    """What the cue adds up to in ``texts``, and its hits. ``folded``: the same texts, folded:
    a text lacking the cue's needed words is not searched (it cannot match; searching every
    heading and the whole contract with every cue was most of the time)."""
    needed = _needed_words(cue.regex) if folded is not None else ()
    if folded is None:
        hits = sum(count_matches(cue.pattern, t) for t in texts)
    else:  # folded once per document, not once per cue
        keep = sorted(set.intersection(*(folded.holding(words) for words in needed))) if needed else range(len(texts))
        hits = sum(count_matches(cue.pattern, texts[i], folded.folded[i]) for i in keep)
    cap = cue.max if cue.max is not None else cue.weight
    return min(cap, hits * cue.weight), hits


def detect_type(text: str, headings: list[str], rules: TypeRules | None = None) -> DocumentType:
    """Score every kind on the document's title lines, opening, headings and body."""
    rules = rules or load_type_rules()
    s = rules.settings
    lines = title_lines(text, s)
    folded, folded_headings = _Folded([text]), _Folded(headings)
    opening = text[: s.opening_chars]
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    titles: dict[str, tuple[float, list[str]]] = {}
    specific: dict[str, set[int]] = {
        kind: {i for i, line in enumerate(lines) for cue in cues.title
               if not cue.generic and cue.pattern.search(line)}
        for kind, cues in rules.types.items() if not cues.yields_title
    }
    for kind, cues in rules.types.items():
        taken = set().union(*(v for k, v in specific.items() if k != kind))
        hits = [_title_score(cue, lines, s, taken) for cue in cues.title]
        titles[kind] = (sum(w for w, _ in hits), [f'title "{line[:80]}"' for w, line in hits if w and line])
    for kind, cues in rules.types.items():
        total, ev = titles[kind][0], list(titles[kind][1])
        if cues.yields_title and total and any(
                w >= s.yield_min for other, (w, _) in titles.items() if other != kind):
            total *= s.reference_factor
        for cue in cues.opening:
            m = cue.pattern.search(opening)
            if m:
                total += cue.weight
                ev.append(f'opening "{m.group(0)}"')
        for cue in cues.headings:
            w, n = _count_score(cue, headings, folded_headings)
            if w:
                total += w
                first = next(h for h in headings if cue.pattern.search(h))
                ev.append(f'heading "{first[:60]}"' + (f" (+{n - 1})" if n > 1 else ""))
        for cue in cues.body:
            w, n = _count_score(cue, [text], folded)
            if w:
                total += w
                m = cue.pattern.search(text)
                ev.append(f'text "{m.group(0) if m else cue.regex}" x{n}')
        scores[kind] = round(total, 2)
        evidence[kind] = list(dict.fromkeys(ev))
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if top < s.min_score:
        kind = s.fallback
        confidence = 0.3
        why = [f"no strong cue (best: {best} {top:g}); taken as {rules.types[kind].name.lower()}"]
        return DocumentType(type=kind, name=rules.types[kind].name, confidence=confidence,
                            evidence=why + evidence.get(kind, [])[:3], scores=scores)
    share = top / (top + second) if top + second else 1.0
    strength = min(1.0, top / (2 * s.min_score + 2))
    confidence = round(share * (0.5 + 0.5 * strength), 2)
    return DocumentType(type=best, name=rules.types[best].name, confidence=confidence,
                        evidence=evidence[best][:6], scores=scores)
