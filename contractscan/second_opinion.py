"""A learned second opinion: a small spaCy text classifier that reads the passages of a
contract and says which look like a clause the rules did not find.

The rules say where a clause is and why; the classifier only speaks up for a required
clause the rules left missing, turning that into ``possibly_present`` with the passages it
read as the clause, their page, section, quote and probability. It ships inside the package
(trained on CUAD, CC BY 4.0: see the README) and is loaded from disk, never downloaded.
Excerpts (segment's passages, long ones cut at sentence ends) are made here, for training
and scanning alike, so the model learns from text as the scanner will show it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .document import Document
from .segment import Passage

from .results import Evidence, Finding
from .severity import Severity

if TYPE_CHECKING:
    from spacy.language import Language

    from .rules import Rule

MODEL_DIR = Path(__file__).resolve().parent / "models" / "second_opinion"
MAX_EXCERPT = 800  # characters; a longer paragraph is cut at sentence ends
MIN_ALPHA = 20  # a passage with fewer letters (a bare number, a signature line) is not read
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(\"“])")
NEVER = 2.0  # a threshold no probability reaches: the label is not used
DEFAULT_ON = False  # decided by benchmarks/second_opinion.py: see the README


@dataclass(frozen=True)
class Excerpt:
    """A stretch of contract text, with where it sits; ``text`` is what the classifier reads."""

    start: int
    end: int
    section: str | None
    text: str


def excerpts(passages: list[Passage], text: str) -> list[Excerpt]:
    """The body paragraphs of ``segment``'s passages (``text``: noise blanked), long ones cut
    at sentence ends; each read with its section label in front, since a heading is often
    the strongest clue to what a paragraph is."""
    out: list[Excerpt] = []
    for c in passages:
        if c.in_toc or c.heading_only:
            continue
        for s, e in _pieces(text, c.start, c.end):
            body = " ".join(text[s:e].split())
            if sum(ch.isalpha() for ch in body) < MIN_ALPHA:
                continue
            out.append(Excerpt(s, e, c.section, f"{c.section} | {body}" if c.section else body))
    return out


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_EXCERPT:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    s = last = start
    for cut in [m.start() for m in _SENTENCE_END.finditer(text, start, end)] + [end]:
        if cut - s > MAX_EXCERPT and last > s:
            out.append((s, last))
            s = last
        while cut - s > MAX_EXCERPT * 2:  # no sentence end for a long way: cut hard
            out.append((s, s + MAX_EXCERPT))
            s += MAX_EXCERPT
        last = cut
    out.append((s, end))
    return [(a, b) for a, b in ((_skip_space(text, a, b), b) for a, b in out) if b > a]


def _skip_space(text: str, a: int, b: int) -> int:
    while a < b and text[a].isspace():
        a += 1
    return a


@dataclass(frozen=True)
class Opinion:
    """A passage the classifier reads as clause ``id``."""

    id: str
    passage: Excerpt
    probability: float


class SecondOpinion:
    """The trained classifier and its per-clause thresholds (chosen in cross-validation)."""

    def __init__(self, nlp: Language, thresholds: dict[str, float], max_evidence: int = 3) -> None:
        self.nlp = nlp
        self.thresholds = thresholds
        self.max_evidence = max_evidence

    @classmethod
    def load(cls, path: str | Path | None = None) -> SecondOpinion:
        import spacy

        path = Path(path) if path is not None else MODEL_DIR
        if not (path / "config.cfg").is_file():
            raise FileNotFoundError(f"no second-opinion model in {path}")
        meta = json.loads((path / "thresholds.json").read_text(encoding="utf-8"))
        # The tokenizer is spaCy's default English one and the bag of words hashes each token's
        # text: neither its saved special cases nor the string table are needed, and skipping
        # them loads the model in a third of the time (the same probabilities).
        nlp = spacy.load(path, exclude=["tokenizer", "vocab"])
        return cls(nlp, {k: float(v) for k, v in meta["thresholds"].items()})

    @property
    def labels(self) -> list[str]:
        return list(self.nlp.get_pipe("textcat_multilabel").labels)

    def score(self, items: list[Excerpt]) -> list[dict[str, float]]:
        """Per passage, each label's probability."""
        return [dict(d.cats) for d in self.nlp.pipe((p.text for p in items), batch_size=256)]

    def candidates(self, clause_id: str, rules: dict[str, Rule]) -> list[str]:
        """The labels that show ``clause_id`` and have a threshold: its own, and those of the
        clauses that imply it ('liability.cap' shows 'liability.limitation')."""
        return [lab for lab in self.labels if self.thresholds.get(lab, NEVER) <= 1.0
                and (lab == clause_id or (lab in rules and clause_id in rules[lab].ancestors()))]

    def review(self, passages: list[Passage], text: str, missing: list[str],
               rules: dict[str, Rule]) -> dict[str, list[Opinion]]:
        """For each clause id in ``missing``, the passages scored above its threshold, best first.

        Reads the document only when some missing clause has a label the model can judge.
        """
        wanted = {cid: self.candidates(cid, rules) for cid in missing}
        wanted = {cid: labs for cid, labs in wanted.items() if labs}
        if not wanted:
            return {}
        items = excerpts(passages, text)
        scores = self.score(items)
        out: dict[str, list[Opinion]] = {}
        for cid, labs in wanted.items():
            found = [Opinion(lab, p, round(s[lab], 3)) for p, s in zip(items, scores) for lab in labs
                     if s[lab] >= self.thresholds[lab]]
            if found:
                found.sort(key=lambda o: (-o.probability, o.passage.start))
                out[cid] = found[: self.max_evidence]
        return out

    def revise(self, doc: Document, passages: list[Passage], text: str, findings: list[Finding],
               rules: dict[str, Rule]) -> list[Finding]:
        """Each "missing" finding the classifier disagrees with becomes ``possibly_present``,
        one severity lower, with the passages it read as the clause as evidence."""
        missing = [f.rule for f in findings if f.kind == "missing"]
        opinions = self.review(passages, text, missing, rules) if missing else {}
        if not opinions:
            return findings
        out = []
        for f in findings:
            seen = opinions.get(f.rule) if f.kind == "missing" else None
            if not seen:
                out.append(f)
                continue
            best = seen[0]
            where = " on ".join(x for x in (best.passage.section and f"'{best.passage.section}'",
                                            doc.page_at(best.passage.start) and f"p. {doc.page_at(best.passage.start)}")
                                if x) or "a passage"
            rule = rules.get(f.rule)
            name = rule.name if rule else f.rule
            name = name if name[:2].isupper() else name[:1].lower() + name[1:]
            out.append(f.model_copy(update={
                "kind": "possibly_present",
                "severity": lower_severity(f.severity),
                "source": "classifier",
                "message": f"Not found by the rules, but {where} reads like {name} to the learned second "
                           f"opinion ({best.probability:.2f}): check it.",
                "evidence": [Evidence(id=o.id, page=doc.page_at(o.passage.start), section=o.passage.section,
                                      start=o.passage.start, end=o.passage.end, quote=_quote(text, o.passage),
                                      probability=o.probability) for o in seen],
            }))
        out.sort(key=lambda f: (-f.severity.rank, f.kind, f.rule))  # as judge orders them
        return out


def _quote(text: str, p: Excerpt) -> str:
    q = " ".join(text[p.start:p.end].split())
    return q if len(q) <= 400 else q[:399] + "…"


def lower_severity(severity: Severity) -> Severity:
    """One step below (info stays info): a clause the classifier saw is a smaller gap than
    one nobody saw."""
    rank = max(0, Severity(severity).rank - 1)
    return next(s for s in Severity if s.rank == rank)


@lru_cache(maxsize=2)
def shipped(path: str | None = None) -> SecondOpinion:
    """The model in the package, loaded once per process."""
    return SecondOpinion.load(path)


def load_document_excerpts(doc: Document) -> tuple[list[Passage], str, list[Excerpt]]:
    """Segment a loaded document as the scanner does, and cut its passages."""
    from .segment import _mask_noise, segment

    passages = segment(doc)
    text = _mask_noise(doc)
    return passages, text, excerpts(passages, text)
