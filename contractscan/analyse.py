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
from .literals import literal_options
from .lookaheads import core_regex
from .prefixes import StartGate, fold, start_gate
from .results import ClauseMatch
from .rules import Rule
from .segment import Clause
from .values import normalise_jurisdiction, recase_all_caps, to_days

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
        # (rule index, pattern index, is exclusion, compiled, the literal sets that can gate it)
        self.regexes: list[tuple[int, int, bool, re.Pattern[str], list[tuple[str, ...]]]] = []
        self._cores: list[re.Pattern[str] | None] = []  # per regex: itself without its look-aheads
        # per regex: the strings the matches of the pattern and of its core start with
        self._search_starts: list[tuple[StartGate | None, StartGate | None]] = []
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
                        rx = pat.compiled
                        self.regexes.append((ri, pi, neg, rx, literal_options(pat.regex, re.I)))
                        core = core_regex(pat.regex)  # type: ignore[arg-type]
                        self._cores.append(re.compile(core, re.I) if core else None)
                        own_start = start_gate(pat.regex, re.I)
                        core_start = start_gate(core, re.I) if core else None
                        self._search_starts.append((own_start, core_start))
        # Per regex, the literal set to gate it on: the one whose shortest literal is longest
        # (long words are rare words). Any choice gives the same matches; this one scanned the
        # dev contracts about as fast as counting literals in the first documents did, and
        # does not depend on which documents a worker happens to see first.
        self._gate_literals = [max(options, key=lambda o: min(len(w) for w in o)) if options else None
                               for *_, options in self.regexes]
        # ... and its other literal sets, each a filter a sentence must pass too (ASCII only:
        # case folding maps a few odd letters onto ASCII ones)
        self._other_literals = [
            [StartGate(set(o)) for o in options if o != gate and all(w.isascii() for w in o)]
            for (*_, options), gate in zip(self.regexes, self._gate_literals)]

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
        hits_with_lead: dict[tuple[int, int], _Hit] = {}  # the same, for a list item read after its lead-in

        def hit(ri: int, si: int, weight: float, name: str, neg: bool, with_lead: bool = False) -> None:
            h = (hits_with_lead if with_lead else hits).setdefault((ri, si), _Hit())
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
            found = (list(self.matcher(sdoc)) if len(self.matcher) else []) + (
                list(self.phrases(sdoc)) if len(self.phrases) else [])
            if not found:
                continue
            tok_sent = [0] * len(sdoc)
            for si, sent in enumerate(sdoc.sents, start=first):
                tok_sent[sent.start:sent.end] = [si] * (sent.end - sent.start)
            for kid, s, _e in found:
                ri, pi, neg = self._keys[kid]
                pat = self._pattern(ri, pi, neg)
                hit(ri, tok_sent[s], pat.weight, _name(pat), neg)
        # Regexes run per sentence (so ^ and $ anchor to it) with its whitespace collapsed,
        # and only on the sentences holding one of the literals the pattern cannot match without.
        # A list item is also read after its lead-in ("Licensor may terminate ... if:" + "(c)
        # Licensee is acquired by a third party"), so a pattern may span the two; the item
        # alone is judged too, so that words in the lead-in cannot veto what the item says.
        lead_of = _lead_ins(bodies, sent_clause)
        lowered = _lower_same_length(flat)
        # Each sentence as patterns read it: one space between words, as rule authors write
        # them; after its lead-ins (an item); case-folded for the gates.
        own_all = [_INNER_DOT.sub("\u00b7", " ".join(flat[s:e].split())) for s, e in zip(sent_starts, sent_ends)]
        full_all = list(own_all)
        items_in_order = sorted(lead_of)  # a lead-in comes before its items
        for si in items_in_order:
            full_all[si] = f"{full_all[lead_of[si]]} {own_all[si]}"
        folded_all = [fold(t) for t in full_all]
        folded_own_all = [fold(own_all[si]) if si in lead_of else folded_all[si] for si in range(len(own_all))]

        gates = self._gate_literals
        literal_index = _LiteralIndex(lowered, sent_starts, sent_ends)
        for (ri, pi, neg, rx, _options), literals, others, core, (rx_starts, core_starts) in zip(
                self.regexes, gates, self._other_literals, self._cores, self._search_starts):
            pat = self._pattern(ri, pi, neg)
            start = rx_starts or core_starts  # the core's starts when the pattern starts with a look-ahead
            candidates = _candidate_sentences(literals, literal_index)
            if literals is not None and lead_of:
                # An item is read after its lead-in, and that after its own: a literal anywhere
                # up the chain makes the item a candidate. (Only direct items were added before,
                # so results depended on which literal gated a pattern: on the first documents
                # a worker happened to scan.)
                found = set(candidates)
                for item in items_in_order:  # a lead-in comes before its items
                    if lead_of[item] in found:
                        found.add(item)
                candidates = sorted(found)
            # The gate is one literal set the pattern cannot match without; it needs its other
            # sets too, and a match starts with one of the pattern's start strings: a sentence
            # (read after its lead-ins) lacking either cannot match. These tests cost a
            # fraction of the searches they save, and the matches are the same.
            if start is not None:
                candidates = start.keep(candidates, folded_all)
            for needed in others:
                candidates = needed.keep(candidates, folded_all)
            for si in candidates:
                # The core (the pattern without its look-aheads) is cheap and rarely matches;
                # where it does not, the pattern cannot.
                sentence = own_all[si]
                alone = ((core is None or _search(core, sentence, core_starts, folded_own_all[si]) is not None)
                         and _search(rx, sentence, rx_starts, folded_own_all[si]) is not None)
                if alone:
                    hit(ri, si, pat.weight, _name(pat), neg)
                if si in lead_of and (alone or ((core is None or core.search(full_all[si]) is not None)
                                                and _reaches_item(rx, full_all[si], len(sentence), neg))):
                    hit(ri, si, pat.weight, _name(pat), neg, with_lead=True)

        # heading-only evidence: a strong heading accepts the first sentence below it
        for ri, rule in enumerate(self.rules):
            if rule.scoring.heading_only <= 0 or rule.heading_regex is None:
                continue
            done_headings: set[str] = set()
            for si, ci in enumerate(sent_clause):
                if not any(c.isalpha() for c in own_all[si]) or _is_heading_text(own_all[si], bodies[ci]):
                    continue  # "2." or the heading itself: the clause starts after it
                label = _matching_heading(rule.heading_regex, bodies[ci])
                if label and label not in done_headings:
                    done_headings.add(label)
                    hit(ri, si, rule.scoring.heading_only, f"heading: {label}", False)

        best: dict[tuple[int, int], ClauseMatch] = {}
        for key in hits.keys() | hits_with_lead.keys():
            alive = [h for h in (hits.get(key), hits_with_lead.get(key)) if h and not h.vetoed and h.score > 0]
            if not alive:
                continue
            (ri, si), h = key, max(alive, key=lambda x: x.score)
            rule = self.rules[ri]
            clause = bodies[sent_clause[si]]
            if rule.exclude_heading_regex is not None and _matching_heading(rule.exclude_heading_regex, clause):
                continue
            if not rule.in_definitions and _DEFINITION.match(own_all[si]):
                continue  # '"Client Data" means ... insurance data' defines a term; it binds no one
            score = h.score
            cue = _matching_heading(rule.heading_regex, clause) if rule.heading_regex is not None else None
            if cue and not h.names[0].startswith("heading:") and not _is_heading_text(own_all[si], clause):
                score += rule.scoring.heading_bonus
            if score < rule.scoring.threshold - 1e-9:  # 0.35 + 0.3 must reach 0.65
                continue
            s, e = sent_starts[si], sent_ends[si]
            key = (ri, sent_clause[si])
            prev = best.get(key)
            value, days = self._value(rule, text[s:e], text[clause.start:clause.end])
            if clause.body_start is not None and s < clause.body_start < e:
                # "12.3 Governing Law This Agreement ..." read as one sentence (a heading line
                # without a period): the quote starts where the clause does; the section names it
                s = clause.body_start
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
                text=_quote(text[s:e]),  # noise blanked: no running header in a quote
                score=round(min(score, 1.0), 3),
                value=value,
                days=days,
                matched=list(dict.fromkeys(h.names + ([f"heading: {cue}"] if cue else [])))[:6],
            )
        return sorted(best.values(), key=lambda m: (m.start, m.id))

    @staticmethod
    def _value(rule: Rule, sentence: str, clause: str) -> tuple[str | None, int | None]:
        """The value in the matched sentence, else in the rest of its clause.

        The clause fallback covers a heading the sentencizer cut off as its own
        sentence ("12. GOVERNING LAW." then "This Agreement shall be governed ...").
        """
        if rule.value is None:
            return None, None
        for text in (sentence, clause):
            text = recase_all_caps(" ".join(text.split()))
            for rx in rule.value.compiled:
                m = rx.search(text)
                if m and m.group("value"):
                    return _normalised(rule, m.group("value"))
        return None, None


def _normalised(rule: Rule, raw: str) -> tuple[str | None, int | None]:
    assert rule.value is not None
    if rule.value.normalise == "days":
        return " ".join(raw.split()), to_days(raw)
    if rule.value.normalise == "jurisdiction":
        return normalise_jurisdiction(raw, rule.value.aliases), None
    return " ".join(raw.split()).strip(" ,.;"), None


def _lead_ins(bodies: list[Clause], sent_clause: list[int]) -> dict[int, int]:
    """{first sentence of a list item: last sentence of the lead-in ending in ':' above it}."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for si, ci in enumerate(sent_clause):
        first.setdefault(ci, si)
        last[ci] = si
    out: dict[int, int] = {}
    lead: tuple[int, int, Clause] | None = None  # sentence index and outline level of the lead-in, its clause
    for ci, clause in enumerate(bodies):
        if ci not in first:
            continue
        if (lead is not None and clause.number is not None and _is_item_of(clause.level, lead[1])
                and _same_section(clause, lead[2])):
            out[first[ci]] = lead[0]
        else:
            lead = None
        if clause.text.rstrip().endswith(":") and clause.level > 0:  # not "agree as follows:"
            lead = (last[ci], clause.level, clause)
    return out


# A period inside a sentence ("Sections 2.7 and 8", "U.S.A.", "e.g. any") is not its end;
# it becomes a middle dot so that "[^.]" in a pattern can run across it.
_INNER_DOT = re.compile(r"\.(?=\w)|\.(?=\s+[a-z0-9(\[])")


def _search(rx: re.Pattern[str], text: str, starts: StartGate | None, folded: str) -> re.Match[str] | None:
    """``rx.search(text)``, trying only the positions where a match can start.

    ``re`` would try the pattern at every character; the start gate finds the few places
    one of the strings its matches start with occurs (in ``folded``, the case-folded text,
    which has the same offsets), and ``match`` there gives the leftmost match, as search would."""
    if starts is None or len(folded) != len(text):  # a letter whose lower case is longer: offsets differ
        return rx.search(text)
    for pos in starts.positions(folded):
        m = rx.match(text, pos)
        if m is not None:
            return m
    return None


def _is_heading_text(sentence: str, clause: Clause) -> bool:
    """The sentence is just the clause's heading ("12. Insurance."): the cue cannot also be evidence."""
    if not clause.heading:
        return False
    words = re.findall(r"[a-z]+", sentence.lower())
    return words == re.findall(r"[a-z]+", clause.heading.lower())


def _reaches_item(rx: re.Pattern[str], text: str, item_len: int, veto: bool) -> bool:
    """A pattern read across lead-in + item must reach into the item; a match inside the
    lead-in alone is the lead-in's own finding. A veto anywhere in the text counts."""
    if veto:
        return rx.search(text) is not None
    cut = len(text) - item_len
    return any(m.end() > cut for m in rx.finditer(text))


def _same_section(item: Clause, lead: Clause) -> bool:
    """The item sits in the lead-in's section: same headings, or one deeper that
    continues the lead-in's own number (3.2 -> 3.2.1)."""
    if item.headings == lead.headings:
        return True
    return (len(item.headings) == len(lead.headings) + 1 and item.headings[:-1] == lead.headings
            and bool(lead.number) and bool(item.number) and item.number.startswith(f"{lead.number}."))


def _is_item_of(level: int, lead_level: int) -> bool:
    """(a)/(i)/1.2.3 items (level 3) under a paragraph or item; 12.1 under 12."""
    return level == 3 if lead_level >= 3 else level > lead_level


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # e.g. "İ" lowers to 2 chars


_SPACE_OR_NUL = re.compile(r"[\s\x00]")


class _LiteralIndex:
    """Which sentences hold a literal, for one document.

    A literal is looked for in the document's distinct words (about a quarter of its
    text), each of which knows its sentences, instead of in the whole text: hundreds
    of literals are looked up per document, half of them absent."""

    def __init__(self, lowered: str, starts: list[int], ends: list[int]) -> None:
        self.lowered, self.starts, self.ends = lowered, starts, ends
        by_word: dict[str, list[int]] = {}
        for si, (s, e) in enumerate(zip(starts, ends)):
            for word in set(lowered[s:e].split()):
                by_word.setdefault(word, []).append(si)
        self._sentences = list(by_word.values())
        self._offsets: list[int] = []
        pos = 0
        for word in by_word:
            self._offsets.append(pos)
            pos += len(word) + 1
        self._words = "\x00".join(by_word)
        self._cache: dict[str, set[int]] = {}

    def sentences(self, lit: str) -> set[int]:
        found = self._cache.get(lit)
        if found is None:
            found = self._cache[lit] = (self._in_words(lit) if lit and not _SPACE_OR_NUL.search(lit)
                                        else self._in_text(lit))
        return found

    def _in_words(self, lit: str) -> set[int]:
        hits: set[int] = set()
        i = self._words.find(lit)
        while i >= 0:
            k = bisect.bisect_right(self._offsets, i) - 1
            hits.update(self._sentences[k])
            nxt = self._offsets[k + 1] if k + 1 < len(self._offsets) else len(self._words)
            i = self._words.find(lit, nxt)
        return hits

    def _in_text(self, lit: str) -> set[int]:
        """A literal with a space in it: search the text, keeping hits inside one sentence."""
        hits: set[int] = set()
        lowered, starts, ends = self.lowered, self.starts, self.ends
        i = lowered.find(lit)
        while i >= 0:
            si = bisect.bisect_right(starts, i) - 1
            if si >= 0 and i + len(lit) <= ends[si]:
                hits.add(si)
                i = lowered.find(lit, ends[si])
            else:
                i = lowered.find(lit, i + 1)
        return hits


def _candidate_sentences(literals: tuple[str, ...] | None, index: _LiteralIndex) -> list[int]:
    """Indexes of the sentences that contain one of ``literals`` (all of them if None)."""
    if literals is None:
        return list(range(len(index.starts)))
    found: set[int] = set()
    for lit in literals:
        found |= index.sentences(lit)
    return sorted(found)


# A sentence that defines a term: '1.3 "Client Data" means ...', '"Affiliate" shall mean ...'.
_DEFINITION = re.compile(
    r"^\s*(?:[\d.\u00b7()a-z]{1,8}\s+)?[\"“][^\"”]{1,80}[\"”]\s*(?:\([^)]{0,40}\)\s*)?"
    r"(?:means|shall mean|has the meaning|shall have the meaning|refers to|includes|shall include)\b",
    re.I,
)


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
