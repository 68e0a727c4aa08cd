"""Find clauses: a spaCy pipeline with matchers compiled from the rule files.

Scoring is per sentence: the strongest pattern that fires gives the base score,
a heading cue above the clause adds a bonus, and an exclusion pattern in the
same sentence vetoes the rule there. Everything a rule knows comes from YAML.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from .document import Document
from .prefilter import PrefilteredRegex, fold
from .results import ClauseMatch
from .rules import Rule
from .segment import Clause
from .values import normalise_jurisdiction, to_days

MAX_QUOTE = 1200


def build_nlp(model: str | None = None) -> Language:
    """``spacy.blank("en")`` plus a sentencizer; never downloads anything."""
    if model:
        try:
            nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"])
        except OSError:
            raise ValueError(
                f"spaCy model {model!r} is not installed; install it yourself or omit --model "
                "(contractscan never downloads models)"
            ) from None
    else:
        nlp = spacy.blank("en")
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    nlp.max_length = 20_000_000
    return nlp


@dataclass
class _Hit:
    score: float = 0.0
    names: list[str] = field(default_factory=list)
    vetoed: bool = False


class ClauseAnalyzer:
    """Compiled matchers for a rule set; build once, reuse for every document."""

    def __init__(self, rules: list[Rule], nlp: Language) -> None:
        self.rules = rules
        self.nlp = nlp
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[int, int, bool, PrefilteredRegex]] = []
        self._keys: dict[int, tuple[int, int, bool]] = {}
        for ri, rule in enumerate(rules):
            for neg, pats in ((False, rule.patterns), (True, rule.exclude)):
                for pi, pat in enumerate(pats):
                    key = f"{rule.id}{'!' if neg else '#'}{pi}"
                    kid = nlp.vocab.strings.add(key)
                    self._keys[kid] = (ri, pi, neg)
                    if pat.phrase is not None:
                        self.phrases.add(key, [nlp.make_doc(pat.phrase)])
                    elif pat.tokens is not None:
                        try:
                            self.matcher.add(key, [pat.tokens])
                        except Exception as exc:  # spaCy raises ValueError/MatchPatternError
                            from .errors import RuleError

                            raise RuleError(
                                f"{rule.source_file}: rule {rule.id}: field "
                                f"{'exclude' if neg else 'patterns'}.{pi}.tokens: {exc}"
                            ) from None
                    else:
                        self.regexes.append((ri, pi, neg, PrefilteredRegex(pat.regex, re.I)))  # type: ignore[arg-type]

    def _pattern(self, ri: int, pi: int, neg: bool):
        rule = self.rules[ri]
        return (rule.exclude if neg else rule.patterns)[pi]

    def analyse(self, doc: Document, clauses: list[Clause], text: str) -> list[ClauseMatch]:
        """``text`` is the document text with noise blanked (same offsets)."""
        bodies = [c for c in clauses if not c.in_toc and not c.heading_only and c.text.strip()]
        flat = text.replace("\n", " ")
        sent_starts: list[int] = []
        sent_ends: list[int] = []
        sent_clause: list[int] = []
        hits: dict[tuple[int, int], _Hit] = {}  # (rule index, sentence index)

        def hit(ri: int, si: int, weight: float, name: str, neg: bool) -> None:
            h = hits.setdefault((ri, si), _Hit())
            if neg:
                h.vetoed = True
            elif weight > h.score:
                h.score = weight
                h.names.insert(0, name)
            else:
                h.names.append(name)

        texts = (flat[c.start:c.end] for c in bodies)
        for ci, sdoc in enumerate(self.nlp.pipe(texts, batch_size=256)):
            base = bodies[ci].start
            first = len(sent_starts)
            for sent in sdoc.sents:
                sent_starts.append(base + sent.start_char)
                sent_ends.append(base + sent.end_char)
                sent_clause.append(ci)
            tok_sent = [0] * len(sdoc)
            si = first
            for sent in sdoc.sents:
                for t in range(sent.start, sent.end):
                    tok_sent[t] = si
                si += 1
            found = (list(self.matcher(sdoc)) if len(self.matcher) else []) + (
                list(self.phrases(sdoc)) if len(self.phrases) else [])
            for kid, s, _e in found:
                ri, pi, neg = self._keys[kid]
                pat = self._pattern(ri, pi, neg)
                hit(ri, tok_sent[s], pat.weight, _name(pat), neg)
        folded = fold(flat)
        for ri, pi, neg, rx in self.regexes:
            pat = self._pattern(ri, pi, neg)
            for m in rx.finditer(flat, folded):
                si = bisect.bisect_right(sent_starts, m.start()) - 1
                if si >= 0 and m.start() < sent_ends[si]:
                    hit(ri, si, pat.weight, _name(pat), neg)

        # heading-only evidence: a strong heading accepts the first sentence below it
        for ri, rule in enumerate(self.rules):
            if rule.scoring.heading_only <= 0 or rule.heading_regex is None:
                continue
            done_headings: set[str] = set()
            for si, ci in enumerate(sent_clause):
                c = bodies[ci]
                own = _matching_heading(rule.heading_regex, c)
                if own and own not in done_headings:
                    done_headings.add(own)
                    hit(ri, si, rule.scoring.heading_only, f"heading: {own}", False)

        best: dict[tuple[int, int], ClauseMatch] = {}
        for (ri, si), h in hits.items():
            if h.vetoed or h.score <= 0:
                continue
            rule = self.rules[ri]
            clause = bodies[sent_clause[si]]
            if rule.exclude_heading_regex is not None and _matching_heading(rule.exclude_heading_regex, clause):
                continue
            score = h.score
            cue = _matching_heading(rule.heading_regex, clause) if rule.heading_regex is not None else None
            if cue and not h.names[0].startswith("heading:"):
                score += rule.scoring.heading_bonus
            if score < rule.scoring.threshold:
                continue
            s, e = sent_starts[si], sent_ends[si]
            key = (ri, sent_clause[si])
            prev = best.get(key)
            value, days = self._value(rule, doc.text[s:e])
            if prev is not None:
                if prev.value is None and value is not None:
                    prev.value, prev.days = value, days
                if score <= prev.score:
                    continue
                value, days = (prev.value, prev.days) if value is None else (value, days)
            best[key] = ClauseMatch(
                id=rule.id,
                page=doc.page_at(s),
                start=s,
                end=e,
                section=clause.section,
                text=_quote(doc.text[s:e]),
                score=round(min(score, 1.0), 3),
                value=value,
                days=days,
                matched=list(dict.fromkeys(h.names + ([f"heading: {cue}"] if cue else [])))[:6],
            )
        return sorted(best.values(), key=lambda m: (m.start, m.id))

    @staticmethod
    def _value(rule: Rule, sentence: str) -> tuple[str | None, int | None]:
        if rule.value is None:
            return None, None
        m = re.search(rule.value.regex, " ".join(sentence.split()), re.I)
        if not m or not m.group("value"):
            return None, None
        raw = m.group("value")
        if rule.value.normalise == "days":
            days = to_days(raw)
            return " ".join(raw.split()), days
        if rule.value.normalise == "jurisdiction":
            return normalise_jurisdiction(raw, rule.value.aliases), None
        return " ".join(raw.split()).strip(" ,.;"), None


def _name(pat) -> str:
    if pat.phrase is not None:
        return f"phrase: {pat.phrase}"
    if pat.regex is not None:
        return f"regex: {pat.regex[:60]}"
    return "tokens: " + " ".join(str(list(t.values())[0]) for t in pat.tokens)[:60]


def _matching_heading(rx: re.Pattern[str], clause: Clause) -> str | None:
    for label in reversed(clause.headings[-3:]):
        if rx.search(label.lower()):
            return label
    return None


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"
