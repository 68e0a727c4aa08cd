"""The clause matcher: rule patterns run over a document's sentences, in named steps.

``ClauseMatcher.match`` finds candidate hits (spaCy token and phrase patterns, regexes,
strong headings), gathers them per rule and sentence, applies vetoes, adds bonuses,
drops what stays under the rule's threshold and keeps the best sentence per passage.
Everything a rule knows comes from YAML; the steps only say how evidence adds up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..document import Document
from ..errors import RuleError
from ..results import ClauseMatch, Explanation
from ..rules import Rule
from ..segment import Passage
from ..tokens import is_blank
from ..values import normalise_jurisdiction, recase_all_caps, to_days
from .patterns import CompiledPattern, Hit, compile_patterns
from .search import PlainSearch, RegexSearch
from .sentences import Sentences, read_sentences
from ..reading import Reader
from .reading_steps import reading_vetoes
from .steps import BONUSES, Bonus, Candidate, Reading, Veto, is_heading_text, matching_heading

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MAX_QUOTE = 1200


class ClauseMatcher:
    """Compiled matchers for a rule set; build once, reuse for every document.

    ``accelerate=False`` runs every regex on every sentence with plain ``re.search``: the
    reference the accelerated search is tested against (same output, only slower).

    ``nlp``: None reads sentences and tokens with ``contractscan.tokens`` (what
    ``build_nlp()``'s blank pipeline gives, without importing spaCy); spaCy's blank pipeline
    is built only when a rule has token or phrase patterns. A model's pipeline (``--model``)
    is read with spaCy."""

    def __init__(self, rules: list[Rule], nlp: Language | None = None, accelerate: bool = True,
                 vetoes: Sequence[Veto] | None = None, bonuses: Sequence[Bonus] = BONUSES) -> None:
        self.rules = rules
        self.nlp = nlp
        self.bonuses = tuple(bonuses)
        self.patterns = compile_patterns(rules)
        # by default the vetoes read each candidate sentence as a lawyer does (reading_steps)
        self.vetoes = tuple(vetoes) if vetoes is not None else reading_vetoes(Reader(nlp), self.patterns, rules)
        # per rule, the vetoes it has (whether a veto applies depends on the rule only)
        self._vetoes_of = [tuple(v for v in self.vetoes if v.applies(rule)) for rule in rules]
        self._veto_names_of = [tuple(v.name for v in vetoes) for vetoes in self._vetoes_of]
        self._tokens = self._phrases = None  # spaCy's matchers, for token and phrase patterns
        self._by_key: dict[int, CompiledPattern] = {}
        spacy_patterns = [p for p in self.patterns if p.kind != "regex"]
        if spacy_patterns:
            from spacy.matcher import Matcher, PhraseMatcher

            from .nlp import blank_nlp

            if self.nlp is None:
                self.nlp = blank_nlp()
            self._tokens = Matcher(self.nlp.vocab, validate=True)
            self._phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            for p in spacy_patterns:
                self._add_spacy(p)
        self.regexes = [p for p in self.patterns if p.kind == "regex"]
        if accelerate:
            from .accel import AcceleratedSearch

            self.search: RegexSearch = AcceleratedSearch(self.regexes)
        else:
            self.search = PlainSearch(self.regexes)

    def _add_spacy(self, p: CompiledPattern) -> None:
        rule = self.rules[p.rule]
        pat = getattr(rule, p.field)[p.index]
        key = f"{rule.id}{'!' if p.veto else '#'}{p.index}"
        assert self.nlp is not None and self._tokens is not None and self._phrases is not None
        self._by_key[self.nlp.vocab.strings.add(key)] = p
        if pat.phrase is not None:
            self._phrases.add(key, [self.nlp.make_doc(pat.phrase)])
            return
        try:
            self._tokens.add(key, [pat.tokens])
        except Exception as exc:  # spaCy raises ValueError/MatchPatternError
            raise RuleError(f"{rule.source_file}: rule {rule.id}: field {p.field}.{p.index}.tokens: {exc}") from None

    def match(self, doc: Document, passages: list[Passage], text: str) -> list[ClauseMatch]:
        """The clauses found in ``passages``; ``text`` is the document text with noise blanked
        (same offsets)."""
        return self.match_with_references(doc, passages, text)[0]

    def match_with_references(self, doc: Document, passages: list[Passage],
                              text: str) -> tuple[list[ClauseMatch], list[Reference]]:
        """The clauses found, and the sentences that only name another agreement holding one
        ("as set out in the Business Associate Agreement"): not evidence, but a reviewer of a
        "missing" finding wants to know where the contract says the clause is."""
        spacy_hits: list[Hit] = []
        if self._tokens is not None:
            sentences = read_sentences(self.nlp, passages, text,
                                       lambda sdoc, first: spacy_hits.extend(self._spacy_hits(sdoc, first)))
        elif not is_blank(self.nlp):  # a model's parser splits the sentences
            sentences = read_sentences(self.nlp, passages, text)
        else:  # no token patterns, no model: the same sentences without spaCy
            sentences = read_sentences(None, passages, text)
        regex_hits: dict[int, set[tuple[int, bool, int]]] = {}
        hits = [*spacy_hits, *self._regex_hits(sentences, regex_hits), *self._heading_hits(sentences)]
        sentences = dataclasses.replace(sentences, regex_hits=regex_hits)
        candidates = self._gather(hits)
        referring: list[Candidate] = []
        candidates = self._apply_vetoes(candidates, sentences, referring)
        candidates = self._add_bonuses(candidates, sentences)
        candidates = [c for c in candidates if c.score >= c.rule.scoring.threshold - 1e-9]  # 0.35 + 0.3 reach 0.65
        return (self._best_per_passage(candidates, sentences, doc, text),
                self._references(referring, sentences, doc, text))

    # --- step 1: candidate hits -----------------------------------------------------------

    def _spacy_hits(self, sdoc: Doc, first: int) -> list[Hit]:
        """Token and phrase patterns in one parsed passage whose first sentence is ``first``."""
        assert self._tokens is not None and self._phrases is not None
        found = (list(self._tokens(sdoc)) if len(self._tokens) else []) + (
            list(self._phrases(sdoc)) if len(self._phrases) else [])
        if not found:
            return []
        tok_sent = [0] * len(sdoc)
        for si, sent in enumerate(sdoc.sents, start=first):
            tok_sent[sent.start:sent.end] = [si] * (sent.end - sent.start)
        return [self._by_key[kid].hit(tok_sent[s]) for kid, s, _e in found]

    def _regex_hits(self, sentences: Sentences, found: dict[int, set[tuple[int, bool, int]]]) -> Iterator[Hit]:
        """Regexes run per sentence (so ^ and $ anchor to it), alone and after a lead-in;
        ``found`` gets which patterns hit which sentence."""
        for i, si, alone, with_lead in self.search(sentences):
            pattern = self.regexes[i]
            found.setdefault(si, set()).add((pattern.rule, pattern.veto, pattern.index))
            if alone:
                yield pattern.hit(si)
            if with_lead:
                yield pattern.hit(si, lead_in=True)

    def _heading_hits(self, sentences: Sentences) -> Iterator[Hit]:
        """A strong heading (``scoring.heading_only``) accepts the first sentence below it."""
        for ri, rule in enumerate(self.rules):
            if rule.scoring.heading_only <= 0 or rule.heading_regex is None:
                continue
            done: set[str] = set()
            for si, own in enumerate(sentences.own):
                passage = sentences.passage(si)
                if not any(c.isalpha() for c in own) or is_heading_text(own, passage):
                    continue  # "2." or the heading itself: the clause starts after it
                label = matching_heading(rule.heading_regex, passage)
                if label and label not in done:
                    done.add(label)
                    yield Hit(ri, si, rule.scoring.heading_only, f"heading: {label}", "headings", "heading")

    # --- the hits per rule and sentence ---------------------------------------------------

    def _gather(self, hits: Iterable[Hit]) -> list[Candidate]:
        alone: dict[tuple[int, int], Reading] = {}
        with_lead: dict[tuple[int, int], Reading] = {}
        for hit in hits:
            readings = with_lead if hit.lead_in else alone
            key = (hit.rule, hit.sentence)
            reading = readings.get(key)
            if reading is None:
                reading = readings[key] = Reading(hit.lead_in)
            reading.add(hit)
        # The order candidates are visited in decides ties between sentences of one passage
        # (the first wins). It is the set order 0.1 used, kept so that results stay the same.
        out = []
        rules = self.rules
        for key in alone.keys() | with_lead.keys():
            readings = [r for r in (alone.get(key), with_lead.get(key)) if r is not None and r.score > 0]
            if readings:  # else only exclusion patterns fired there
                out.append(Candidate(rules[key[0]], key[0], key[1], readings))
        return out

    # --- step 2: vetoes; step 3: bonuses --------------------------------------------------

    def _apply_vetoes(self, candidates: list[Candidate], sentences: Sentences,
                      referring: list[Candidate]) -> list[Candidate]:
        kept = []
        for c in candidates:
            weight = max(r.score for r in c.readings)  # a veto may zero it
            if not any(veto(c, sentences) for veto in self._vetoes_of[c.rule_index]):
                c.vetoes = self._veto_names_of[c.rule_index]
                kept.append(c)
            elif c.reference and weight >= c.rule.scoring.threshold - 1e-9:
                c.score = weight
                referring.append(c)  # strong enough to count, but only naming another agreement
        return kept

    @staticmethod
    def _references(referring: list[Candidate], sentences: Sentences, doc: Document,
                    text: str) -> list[Reference]:
        """The first sentence per rule that names another agreement instead of stating the clause."""
        out: dict[str, Reference] = {}
        for c in sorted(referring, key=lambda c: c.sentence):
            if c.rule.id in out or c.reference is None:
                continue
            s, e = sentences.starts[c.sentence], sentences.ends[c.sentence]
            quote = ClauseMatch(id=c.rule.id, page=doc.page_at(s), start=s, end=e,
                                section=sentences.passage(c.sentence).section, text=_quote(text[s:e]),
                                score=round(min(c.score, 1.0), 3))
            out[c.rule.id] = Reference(quote, c.reference)
        return sorted(out.values(), key=lambda r: (r.sentence.start, r.sentence.id))

    def _add_bonuses(self, candidates: list[Candidate], sentences: Sentences) -> list[Candidate]:
        for c in candidates:
            c.score = c.reading.score
            for bonus in self.bonuses:
                amount = bonus(c, sentences)
                if amount:
                    c.bonuses[bonus.name] = amount
                    c.score += amount
        return candidates

    # --- step 4: the best sentence per passage --------------------------------------------

    def _best_per_passage(self, candidates: list[Candidate], sentences: Sentences, doc: Document,
                          text: str) -> list[ClauseMatch]:
        best: dict[tuple[int, int], ClauseMatch] = {}
        for c in candidates:
            rule, si = c.rule, c.sentence
            passage = sentences.passage(si)
            s, e = sentences.starts[si], sentences.ends[si]
            key = (c.rule_index, sentences.passage_of[si])
            prev = best.get(key)
            value, days = self._value(rule, text[s:e], text[passage.start:passage.end])
            if passage.body_start is not None and s < passage.body_start < e:
                # "12.3 Governing Law This Agreement ..." read as one sentence (a heading line
                # without a period): the quote starts where the clause does; the section names it
                s = passage.body_start
            if prev is not None:
                if prev.value is None and value is not None:
                    prev.value, prev.days = value, days
                if c.score <= prev.score:
                    continue
                value, days = (prev.value, prev.days) if value is None else (value, days)
            cue = c.heading
            best[key] = ClauseMatch(
                id=rule.id,
                page=doc.page_at(s),
                start=s,
                end=e,
                section=passage.section,
                text=_quote(text[s:e]),  # noise blanked: no running header in a quote
                score=round(min(c.score, 1.0), 3),
                value=value,
                days=days,
                matched=list(dict.fromkeys(c.reading.labels + ([f"heading: {cue}"] if cue else [])))[:6],
                explanation=_explain(c),
            )
        return sorted(best.values(), key=lambda m: (m.start, m.id))

    @staticmethod
    def _value(rule: Rule, sentence: str, passage: str) -> tuple[str | None, int | None]:
        """The value in the matched sentence, else in the rest of its passage.

        The passage fallback covers a heading the sentencizer cut off as its own
        sentence ("12. GOVERNING LAW." then "This Agreement shall be governed ...").
        """
        if rule.value is None:
            return None, None
        for text in (sentence, passage):
            text = recase_all_caps(" ".join(text.split()))
            for rx in rule.value.compiled:
                m = rx.search(text)
                if m and m.group("value"):
                    return _normalised(rule, m.group("value"))
        return None, None


class Reference(NamedTuple):
    """A sentence that names another agreement where it would state a clause."""

    sentence: ClauseMatch  # the sentence, under the clause id it would have shown
    agreement: str  # the agreement it names, as written ("the Business Associate Agreement")


def _explain(c: Candidate) -> Explanation:
    reading = c.reading
    assert reading.best is not None
    return Explanation(rule=c.rule.id, pattern=reading.best.ref, kind=reading.best.kind, weight=reading.score,
                       heading=c.heading, heading_bonus=c.bonuses.get("heading", 0.0), lead_in=reading.lead_in,
                       vetoes=list(c.vetoes), role=c.role)


def _normalised(rule: Rule, raw: str) -> tuple[str | None, int | None]:
    assert rule.value is not None
    if rule.value.normalise == "days":
        return " ".join(raw.split()), to_days(raw)
    if rule.value.normalise == "jurisdiction":
        return normalise_jurisdiction(raw, rule.value.aliases), None
    return " ".join(raw.split()).strip(" ,.;"), None


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"
