"""Steps that read a candidate sentence as a lawyer does: its role, the polarity of its
trigger, whether the trigger only mentions another agreement or clause, and which list item
an exclusion fires in. They run after the hits are gathered, on candidate sentences only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..reading import Reader, list_items, own_agreement_names
from ..rules import Rule
from .patterns import CompiledPattern
from .sentences import Sentences
from .steps import Candidate, Reading, is_heading_text


@dataclass
class _Span:
    pattern: CompiledPattern
    start: int
    end: int


class SentenceReading:
    """What the reading steps share for one document: roles, spans, own names (cached)."""

    def __init__(self, reader: Reader, patterns: list[CompiledPattern], rules: list[Rule]) -> None:
        self.reader = reader
        self.rules = rules
        self.by_rule: dict[int, list[CompiledPattern]] = {}
        for p in patterns:
            self.by_rule.setdefault(p.rule, []).append(p)
        self._doc: Sentences | None = None
        self._roles: dict[int, str] = {}
        self._spans: dict[tuple[int, int, bool], list[_Span]] = {}
        self.own_names: frozenset[str] = frozenset()

    def prepare(self, sentences: Sentences) -> None:
        if sentences is not self._doc:
            self._doc = sentences
            self._roles = {}
            self._spans = {}
            self.own_names = own_agreement_names(sentences.flat, self.reader)

    def role(self, sentences: Sentences, si: int) -> str:
        self.prepare(sentences)
        role = self._roles.get(si)
        if role is None:
            passage = sentences.passage(si)
            own = sentences.own[si]
            lead = sentences.own[sentences.lead_of[si]] if si in sentences.lead_of else None
            role = self._roles[si] = self.reader.role(own, passage, lead, is_heading_text(own, passage))
        return role

    def spans(self, sentences: Sentences, rule: int, si: int, lead_in: bool) -> list[_Span]:
        """Where the rule's regex patterns (positive and exclusions) match the reading."""
        self.prepare(sentences)
        key = (rule, si, lead_in)
        found = self._spans.get(key)
        if found is None:
            text = sentences.full[si] if lead_in else sentences.own[si]
            cut = len(text) - len(sentences.own[si]) if lead_in else 0
            found = []
            # a pattern the search did not find in the sentence, alone or after its lead-in,
            # has no span in either reading
            hit = None if sentences.regex_hits is None else sentences.regex_hits.get(si, set())
            for p in self.by_rule.get(rule, []):
                if p.regex is None or (hit is not None and (p.rule, p.veto, p.index) not in hit):
                    continue
                for m in p.regex.finditer(text):
                    if m.end() > cut or p.veto:  # a lead-in reading must reach into the item
                        found.append(_Span(p, m.start(), m.end()))
            self._spans[key] = found
        return found

    def text(self, sentences: Sentences, si: int, lead_in: bool) -> str:
        return sentences.full[si] if lead_in else sentences.own[si]


def out_of_reach(candidate: Candidate) -> bool:
    """Even with its heading bonus the candidate stays under the rule's threshold: the
    threshold step drops it anyway, so reading it closely would be wasted."""
    scoring = candidate.rule.scoring
    best = max((r.score for r in candidate.readings), default=0.0)
    return best + scoring.heading_bonus < scoring.threshold - 1e-9


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _positive(spans: list[_Span]) -> list[_Span]:
    return [s for s in spans if not s.pattern.veto]


def _keep(reading: Reading, spans: list[_Span], si: int) -> bool:
    """Make ``reading`` rest on ``spans`` alone (the strongest); False when none is left."""
    if not spans:
        reading.score, reading.best = 0.0, None
        return False
    best = max(spans, key=lambda s: s.pattern.weight)
    reading.score = best.pattern.weight
    reading.best = best.pattern.hit(si, reading.lead_in)
    return True


class _SentenceVeto:
    """A veto that reads the candidate's sentence through the document's shared reading.
    Subclasses write ``read``; a candidate out of reach is passed over unread."""

    name = ""

    def __init__(self, shared: SentenceReading) -> None:
        self.shared = shared

    def applies(self, rule: Rule) -> bool:
        return True

    def __call__(self, candidate: Candidate, sentences: Sentences) -> bool:
        if out_of_reach(candidate):
            return False
        return self.read(candidate, sentences)

    def read(self, candidate: Candidate, sentences: Sentences) -> bool:
        """True when the candidate is vetoed."""
        raise NotImplementedError


def _regex_readings(candidate: Candidate) -> list[Reading]:
    """The readings still alive whose best evidence is a regex (the only kind with spans)."""
    return [r for r in candidate.readings if r.alive and r.best is not None and r.best.kind == "regex"]


class ItemExclusionVeto(_SentenceVeto):
    """An exclusion pattern vetoes the list item or clause it fires in, not the whole sentence:
    "(a) comply with competition laws; and (b) not compete with the Customer" keeps (b).
    Where the evidence or the exclusion is not a regex, the whole reading is vetoed, as before."""

    name = "exclude"

    def applies(self, rule: Rule) -> bool:
        return bool(rule.exclude)

    def __call__(self, candidate: Candidate, sentences: Sentences) -> bool:
        # every candidate, in reach or not: a veto lifted here is what the later steps see
        si = candidate.sentence
        for reading in candidate.readings:
            if reading.veto is None or reading.veto.kind != "regex" or reading.best is None \
                    or reading.best.kind != "regex":
                continue
            spans = self.shared.spans(sentences, candidate.rule_index, si, reading.lead_in)
            vetoes = [(s.start, s.end) for s in spans if s.pattern.veto]
            positive = _positive(spans)
            if not vetoes or not positive:
                continue
            items = list_items(self.shared.text(sentences, si, reading.lead_in))
            barred = [it for it in items if any(_overlaps(it, v) for v in vetoes)]
            free = [s for s in positive if not any(_overlaps((s.start, s.end), it) for it in barred)]
            if free and _keep(reading, free, si):
                reading.veto = None
        return not any(r.alive for r in candidate.readings)


class RoleVeto(_SentenceVeto):
    """Rules match operative sentences (a duty, right, permission or prohibition) unless they
    opt in to others with ``roles``: a heading alone, a definition, a recital, a bring-down
    representation, a pointer elsewhere or a signature block obliges nobody."""

    name = "role"

    def read(self, candidate: Candidate, sentences: Sentences) -> bool:
        role = candidate.role = self.shared.role(sentences, candidate.sentence)
        return role not in candidate.rule.sentence_roles


class PolarityVeto(_SentenceVeto):
    """A trigger under a negation or a permission counts only where the rule (or the
    pattern) says so: ``polarity: positive`` drops "nothing shall prevent X from competing"
    and "X is free to compete"; a negation the pattern itself spells ("shall not compete") is
    part of the trigger."""

    name = "polarity"

    def applies(self, rule: Rule) -> bool:
        return rule.polarity != "any" or any(p.polarity not in (None, "any") for p in rule.patterns)

    def read(self, candidate: Candidate, sentences: Sentences) -> bool:
        rule, si = candidate.rule, candidate.sentence
        # A list item is negated or permitted by its lead-in ("X shall not be required to:" +
        # "(a) maintain insurance"), whichever way the item was read: polarity is judged on the
        # item after its lead-in, the colon that ends the lead-in not cutting the clause.
        context = _lead_in_context(sentences, si)
        for reading in _regex_readings(candidate):
            shift = 0 if reading.lead_in else len(context) - len(sentences.own[si])
            ok = []
            for s in _positive(self.shared.spans(sentences, candidate.rule_index, si, reading.lead_in)):
                wanted = rule.patterns[s.pattern.index].polarity or rule.polarity
                if wanted == "any" or _fits(self.shared.reader.polarity(context, s.start + shift, s.end + shift),
                                            wanted):
                    ok.append(s)
            _keep(reading, ok, si)
        return not any(r.alive for r in candidate.readings)


def _lead_in_context(sentences: Sentences, si: int) -> str:
    """The sentence after its lead-ins (``full``), each lead-in's closing colon blanked so that
    the lead-in's negation or permission reaches the item (same length, same offsets)."""
    text = sentences.full[si]
    chars = None
    s = si
    while s in sentences.lead_of:
        lead = sentences.lead_of[s]
        end = len(sentences.full[lead]) - 1
        if end >= 0 and text[end] == ":":
            chars = chars or list(text)
            chars[end] = " "
        s = lead
    return "".join(chars) if chars else text


def _fits(polarity: str, wanted: str) -> bool:
    return polarity == "positive" if wanted == "positive" else polarity != "positive"


class ReferenceVeto(_SentenceVeto):
    """A trigger inside a mention is not evidence: another agreement's name ("the Master
    Supply Agreement"), a section cited by title ("Section 12 (Governing Law)"), a carve-out
    naming a clause ("other than Confidentiality")."""

    name = "references"

    def read(self, candidate: Candidate, sentences: Sentences) -> bool:
        si = candidate.sentence
        reader = self.shared.reader
        self.shared.prepare(sentences)
        for reading in _regex_readings(candidate):
            text = self.shared.text(sentences, si, reading.lead_in)
            mentions = reader.mentions(text, self.shared.own_names)
            if not mentions:
                continue
            spans = _positive(self.shared.spans(sentences, candidate.rule_index, si, reading.lead_in))
            free = [s for s in spans if not any(
                min(s.end, m.end) - max(s.start, m.start) >= 0.6 * (s.end - s.start) for m in mentions)]
            if not _keep(reading, free, si) and any(m.kind == "agreement" for m in mentions):
                candidate.reference = next(m.text for m in mentions if m.kind == "agreement")
        return not any(r.alive for r in candidate.readings)


def reading_vetoes(reader: Reader, patterns: list[CompiledPattern], rules: list[Rule]) -> tuple:
    """The vetoes in the order they run: exclusions (by list item), excluded headings, the
    sentence's role, mentions, polarity."""
    from .steps import ExcludedHeadingVeto

    shared = SentenceReading(reader, patterns, rules)
    return (ItemExclusionVeto(shared), ExcludedHeadingVeto(), RoleVeto(shared), ReferenceVeto(shared),
            PolarityVeto(shared))
