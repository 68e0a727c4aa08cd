"""How a sentence functions: its role, whether a trigger in it is negated or only permitted,
and which of its words merely mention another agreement or clause.

A lawyer reads at once that a heading alone, a definition, a recital or a signature block
obliges nobody; that "nothing shall prevent X from competing" is not a non-compete; that
"the Confidentiality provisions of the Supply Agreement" is a reference, not this contract's
confidentiality clause; and that an exclusion in one item of a semicolon list says nothing
about the others. The vocabulary (spaCy token patterns on ``spacy.blank("en")`` tokens, and
reference regexes) is in ``rules/reading/reading.yaml``; this module applies it, and only
to sentences that already hold a candidate match, so it costs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from typing import TYPE_CHECKING


from .cache import compile_regex
from .resources import data_dir
from .segment import Passage, _looks_like_title
from .token_patterns import TokenPatterns, UnsupportedPattern
from .tokens import english, is_blank

if TYPE_CHECKING:
    from spacy.language import Language

Role = Literal["operative", "heading", "definition", "recital", "representation", "reference", "signature"]
ROLES: tuple[str, ...] = ("operative", "heading", "definition", "recital", "representation", "reference",
                          "signature")
Polarity = Literal["positive", "negative", "permission"]

# '1.3 "Client Data" means', 'As used herein, the term "X" shall mean', 'Affiliate means', '"X" (as defined below) includes'
_DEFINITION = compile_regex(
    r"^\s*(?:[\d.\u00b7()a-z]{1,8}\s+)?(?:(?:as used (?:herein|in this \w+)|for (?:the )?purposes? of this \w+(?: \w+)?),?\s*)?"
    r"(?:the (?:terms?|words?|expressions?)\s+)?"
    r"(?:[\"“'‘][^\"”’]{1,80}[\"”’]|(?-i:[A-Z][\w’'-]*)(?:\s+(?:of|and|or|(?-i:[A-Z][\w’'-]*))){0,5}"
    # a term whose opening quote the text extraction lost: 'Change in control" shall include'
    r"|(?-i:[A-Z][\w’'-]*)(?:\s+[\w’'-]+){0,6}[\"”])\s*(?:\([^)]{0,40}\)\s*)?,?\s*"
    r"(?:means|shall mean|mean|has the meaning|shall have the meaning|have the meaning|refers to|shall refer to|"
    r"includes|shall include|is defined as)\b",
    re.I,
)
# a lead-in whose items are the parts of a definition: '"Services" means:' / 'includes the following:'
_DEFINING_LEAD = compile_regex(r"\b(?:means|shall mean|includes|shall include|refers to)\b[^.;]{0,40}:\s*$", re.I)
_RECITAL_HEADING = compile_regex(r"\b(?:recitals?|background|preamble|witnesseth)\b", re.I)
_NUMBER_PREFIX = compile_regex(
    r"^\s*(?:(?:section|article|clause|§)\s*)?(?:\d{1,3}(?:[.\u00b7]\d{1,3})*|[ivxlc]{1,6}|[a-z])?[.)\u00b7]?"
    r"(?:\s+|(?<=\d)(?=(?-i:[A-Z][a-z])))", re.I)  # "2.6Target Exclusivity.": the space lost in extraction
# a contents line ends in its page number: "11.3 Termination Upon a Change of Control ..... 36"
_PAGE_NUMBER = compile_regex(r"(?:\s*\.{2,}\s*|\s+)\d{1,3}$")
_OPERATIVE = compile_regex(r"\b(?:shall|will|must|agrees?|may|covenants?|undertakes?)\b", re.I)
_LABEL_VALUE = compile_regex(r"\S\s*(?::|\s[-–—])\s*\S")
_MODAL = compile_regex(r"\b(?:shall|will|must|may|agrees?|is|are|be|not|can|hereby)\b", re.I)


@dataclass(frozen=True)
class Mention:
    """A span of a sentence that names something else: another agreement, a section, a carve-out."""

    start: int
    end: int
    kind: str  # "agreement", "section", "carve_out"
    text: str


class Reader:
    """The reading vocabulary compiled for one spaCy pipeline (build once, reuse)."""

    def __init__(self, nlp: Language | None = None, spec: dict | None = None) -> None:
        """``nlp``: None (or ``build_nlp()``'s blank pipeline) reads tokens with ``tokens``,
        without spaCy; a model's pipeline is read with spaCy."""
        spec = spec if spec is not None else _load_spec()
        self.nlp = nlp
        self._spec = spec
        self.negators = frozenset(spec["negators"])
        self.restrictors = frozenset(spec["restrictors"])
        self.boundaries = frozenset(spec["boundaries"])
        self.joins = self.boundaries | frozenset(spec.get("clause_joins", []))
        denial = spec.get("denied_predicates", {})
        self.denial_aux = frozenset(denial.get("auxiliaries", ()))
        self.denials = frozenset(denial.get("denials", ()))
        self._spacy: Language | None = None  # the pipeline tokens are read with, when not ours
        self._our_permissions: TokenPatterns | None = None
        self._our_roles: TokenPatterns | None = None
        if is_blank(nlp):
            try:
                self._our_permissions = TokenPatterns()
                for i, pattern in enumerate(spec["permissions"]):
                    self._our_permissions.add(f"permission#{i}", pattern)
                self._our_roles = TokenPatterns()
                for role, entries in spec["roles"].items():
                    for i, entry in enumerate(entries):
                        self._our_roles.add(f"{role}#{i}", entry["tokens"])
            except UnsupportedPattern:  # a reading vocabulary beyond what ``tokens`` matches
                self._our_permissions = self._our_roles = None
        if self._our_roles is None:
            self._use_spacy(nlp)
        self._start_of = {f"{role}#{i}": bool(entry.get("start"))
                          for role, entries in spec["roles"].items() for i, entry in enumerate(entries)}
        gate: set[str] = set()
        for entries in spec["roles"].values():
            for entry in entries:
                gate |= _gate_words(entry["tokens"])
        # a sentence without one of these words (or characters) matches no role pattern (None: a
        # pattern has no words)
        self._role_gate = None if "" in gate else frozenset(w for w in gate if w.isalpha())
        self._role_chars = tuple(w for w in gate if w and not w.isalpha())
        self.references = {k: compile_regex(v) for k, v in spec["references"].items()}
        self._reference_gates = {k: tuple(spec.get("reference_gates", {}).get(k, ())) for k in self.references}
        self._docs: dict[str, object] = {}
        self.generic = frozenset(spec["generic_names"])

    # ------------------------------------------------------------ roles

    def role(self, sentence: str, clause: Passage | None = None, lead: str | None = None,
             is_heading: bool = False) -> Role:
        """What the sentence does, from its form. ``lead`` is the lead-in of a list item;
        ``is_heading`` that the segmenter found the sentence to be its clause's heading."""
        if is_heading or _is_bare_heading(sentence):
            return "heading"
        low = sentence.lower()
        if (any(w in low for w in _DEFINING_WORDS) and _DEFINITION.match(sentence)) or (
                lead is not None and _DEFINING_LEAD.search(lead)):
            return "definition"
        if (clause is not None and clause.headings and _RECITAL_HEADING.search(clause.headings[-1])
                and not _OPERATIVE.search(sentence)):
            # under a recitals heading, and not a duty: a heading such as "WITNESSETH" or
            # "RECITALS" stays open over the numbered sections that follow it
            return "recital"
        if self._role_gate is not None and self._role_gate.isdisjoint(_WORDS.findall(low)) and not (
                self._role_chars and any(c in sentence for c in self._role_chars)):
            return "operative"
        if self._our_roles is not None:
            doc = self._doc(sentence)
            lead_tokens = _lead_tokens(doc)
            roles = {key.split("#")[0] for key, start in self._our_roles.starts(doc)
                     if not (self._start_of[key] and start > lead_tokens)}
            if len(roles) <= 1:
                return roles.pop() if roles else "operative"  # type: ignore[return-value]
            # two roles fit: spaCy's order of matches decides, so ask spaCy (rare)
            self._use_spacy(self.nlp)
            return self._spacy_role(sentence)
        return self._spacy_role(sentence)

    def _spacy_role(self, sentence: str) -> Role:
        doc = self._spacy_doc(sentence)
        lead_tokens = _lead_tokens(doc)
        assert self._spacy is not None
        for key, start, _end in self.roles(doc):
            if self._at_start[key] and start > lead_tokens:
                continue
            return self._spacy.vocab.strings[key].split("#")[0]  # type: ignore[return-value]
        return "operative"

    def _use_spacy(self, nlp: Language | None) -> None:
        """Read with spaCy's own tokens and Matcher (a model's pipeline, or a tie to settle)."""
        if self._spacy is not None:
            return
        from spacy.matcher import Matcher

        if nlp is None:
            import spacy

            nlp = spacy.blank("en")
        self._spacy = nlp
        spec = self._spec
        self.permissions = Matcher(nlp.vocab, validate=True)
        self.permissions.add("permission", spec["permissions"])
        self.roles = Matcher(nlp.vocab, validate=True)
        self._at_start: dict[int, bool] = {}
        for role, entries in spec["roles"].items():
            for i, entry in enumerate(entries):
                key = nlp.vocab.strings.add(f"{role}#{i}")
                self.roles.add(f"{role}#{i}", [entry["tokens"]])
                self._at_start[key] = bool(entry.get("start"))

    # ------------------------------------------------------------ polarity

    def polarity(self, sentence: str, start: int, end: int) -> Polarity:
        """Whether the words at ``start:end`` are asserted, negated or only permitted.

        Negators before the trigger in its clause (not across ';', ':' or 'provided',
        'except', 'unless' ...) flip it; two cancel ("nothing shall prevent X from
        competing" negates the restriction). Negators the trigger itself contains are its
        own words ("shall not compete" asserts a non-compete). A predicate after the trigger
        that denies it ("unlimited liability is not permitted") negates it too. A permission
        word ("may", "is free to") with no negator after it makes it a permission.
        """
        doc = self._doc(sentence)
        first = next((t.i for t in doc if t.idx + len(t) > start), len(doc))
        scope = 0
        for t in doc[:first]:
            if t.lower_ in self.boundaries or (t.text == "," and t.i + 1 < first
                                               and doc[t.i + 1].lower_ in self.joins):
                scope = t.i + 1
        window = doc[scope:first]
        negations = sum(1 for t in window if t.lower_ in self.negators) + self._denied(doc, end)
        if negations % 2:
            return "negative"
        if self._our_permissions is not None:
            perms = [s for _k, s in self._our_permissions.starts(window)]
        else:
            perms = [s for _k, s, _e in self.permissions(window)]
        if perms:
            after = doc[scope + max(perms):first]
            if not any(t.lower_ in self.negators for t in after):
                return "permission"
        return "positive"

    def _denied(self, doc, end: int) -> int:
        """1 when the trigger's own predicate, after it in its clause, denies it: "Unlimited
        liability is not permitted", "exclusive rights are not granted"."""
        if not self.denials:
            return 0
        toks = [t for t in doc if t.idx >= end]
        for i, t in enumerate(toks[:-2]):
            low = t.lower_
            if low in self.boundaries or (t.text == "," and toks[i + 1].lower_ in self.joins) or t.text in ".;:":
                return 0
            if low in self.denial_aux:
                rest = [x.lower_ for x in toks[i + 1:i + 4] if x.lower_ != "be"]
                if len(rest) >= 2 and rest[0] in ("not", "n't", "never") and rest[1] in self.denials:
                    return 1
        return 0

    def _doc(self, sentence: str):
        """The sentence's tokens, kept while the same few sentences are read again."""
        doc = self._docs.get(sentence)
        if doc is None:
            if len(self._docs) > 256:
                self._docs.clear()
            doc = self._docs[sentence] = (english().tokens(sentence) if self._our_roles is not None
                                          else self._spacy.make_doc(sentence))  # type: ignore[union-attr]
        return doc

    def _spacy_doc(self, sentence: str):
        if self._our_roles is None:
            return self._doc(sentence)
        assert self._spacy is not None
        return self._spacy.make_doc(sentence)

    # ------------------------------------------------------------ references

    def mentions(self, sentence: str, own_names: frozenset[str] = frozenset()) -> list[Mention]:
        """Spans that name another agreement, a section by number and title, or a carve-out."""
        out: list[Mention] = []
        low = sentence.lower()
        for kind, rx in self.references.items():
            gates = self._reference_gates[kind]
            if gates and not any(g in low for g in gates):
                continue
            for m in rx.finditer(sentence):
                text = m.group(0)
                if kind == "agreement":
                    words = text.split()
                    before = sentence[:m.start()].rstrip().rsplit(" ", 1)[-1].lower()
                    named = [w for w in words[:-1] if w not in self.generic and w[:1].isupper()]
                    if before == "this" or words[0] in ("This", "this") or not named \
                            or _name_key(text) in own_names:
                        continue  # "this Agreement", "The Agreement", the document's own title
                out.append(Mention(m.start(), m.end(), kind, text))
        return out

    def within_mention(self, sentence: str, start: int, end: int,
                       own_names: frozenset[str] = frozenset()) -> Mention | None:
        """The mention the words at ``start:end`` lie in (mostly), if any."""
        for mention in self.mentions(sentence, own_names):
            inside = min(end, mention.end) - max(start, mention.start)
            if inside > 0 and inside >= 0.6 * (end - start):
                return mention
        return None


_SELF = compile_regex(r"^[^\n]{0,80}?\(\s*(?:the|this)?\s*[\"“](?:Agreement|Contract)[\"”]")


_WORDS = compile_regex(r"[a-z]+")
_DEFINING_WORDS = ("mean", "includ", "refer", "defined")
_COMMON = frozenset("a all an and any are as at be by each for from has have in is it may not of on or shall such "
                    "the this that to will with".split())


def _gate_words(tokens: list[dict]) -> set[str]:
    """Words one of which a sentence must hold for the token pattern to match it: those of its
    first required token that asks for words, preferring one that asks for no common word."""
    options = []
    for t in tokens:
        if t.get("OP") in ("?", "*"):
            continue
        for attr in ("LOWER", "ORTH"):
            v = t.get(attr)
            if isinstance(v, str):
                options.append({v.lower()})
            elif isinstance(v, dict) and "IN" in v:
                options.append({str(x).lower() for x in v["IN"]})
    if not options:
        return {""}  # a pattern without words: no gate can skip a sentence for it
    rare = [o for o in options if o.isdisjoint(_COMMON)]
    return (rare or options)[0]


def own_agreement_names(text: str, reader: Reader) -> frozenset[str]:
    """The names the document gives itself: an agreement name in its first lines (the title),
    and one followed by '(the "Agreement")' in its preamble."""
    rx = reader.references["agreement"]
    lines = []
    for line in (x.strip() for x in text[:2000].split("\n")):
        if not line:
            continue
        if len(line) > 100 or line.endswith((".", ";", ",")) or len(lines) == 3:
            break  # the title ends where sentences begin
        lines.append(line)
    names = {_name_key(m.group(0)) for m in rx.finditer("\n".join(lines))}
    for m in rx.finditer(text[:3000]):
        if _SELF.match(text, m.end()):
            names.add(_name_key(m.group(0)))
    return frozenset(names)


def _name_key(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", name.split(" dated")[0]) if w.lower() not in ("the", "this")]
    return " ".join(w.lower() for w in words)


def _is_bare_heading(sentence: str) -> bool:
    """'Section 9.02 Indemnification.', '12. GOVERNING LAW': a number and a title, no verb."""
    rest = _NUMBER_PREFIX.sub("", sentence, count=1).strip().rstrip(".:")
    rest = _PAGE_NUMBER.sub("", rest) if rest[:1].isupper() else rest
    if not rest or len(rest) > 80 or _MODAL.search(rest) or _LABEL_VALUE.search(rest):
        return False  # "GOVERNING LAW: NEW YORK" states the clause: a label and its value
    words = rest.replace(";", ",").split()  # "Employment; Noncompetition; Nondisclosure."
    return _looks_like_title(words) or (rest.isupper() and len(words) <= 8)


def _lead_tokens(doc) -> int:
    """Tokens of a list number before the sentence proper ('(a)', '12.3', 'Section 4')."""
    i = 0
    while i < len(doc) and i < 4 and (doc[i].is_punct or doc[i].like_num or len(doc[i]) <= 2
                                      or doc[i].lower_ in ("section", "article", "clause")):
        i += 1
    return i


@lru_cache(maxsize=1)
def _load_spec() -> dict:
    from . import cache

    return cache.load_yaml((data_dir() / "rules" / "reading" / "reading.yaml").read_bytes())


_ITEM_MARK = compile_regex(r";\s*(?:and|or)?\s*|\s\((?:[a-z]{1,2}|[ivx]{1,5}|(?P<digits>\d{1,2}))\)\s")
_NUMBER_WORD_BEFORE = compile_regex(
    r"(?i)\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)$")


def list_items(sentence: str) -> list[tuple[int, int]]:
    """The items of a sentence that lists: cut at ';' and at '(a)', '(ii)' item marks.

    An exclusion vetoes the item it fires in, not the whole sentence."""
    cuts = [0]
    for m in _ITEM_MARK.finditer(sentence):
        if m.group("digits") and _NUMBER_WORD_BEFORE.search(sentence, 0, m.start()):
            continue  # "one (1) year", "thirty (30) days": a number said twice, not item (1)
        cuts.append(m.start() + (1 if m.group(0)[0] == ";" else 0))
    cuts.append(len(sentence))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
