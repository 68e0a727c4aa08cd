"""The public result models. Field names here are a contract other tools rely on."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, PrivateAttr, SerializerFunctionWrapHandler, field_validator, model_serializer

from .cache import compile_regex
from .escapes import printable
from .severity import Severity

if TYPE_CHECKING:
    from .document import Document


class Explanation(BaseModel):
    """Why a clause was found: the evidence that counted, what it was worth, what was checked."""

    rule: str
    pattern: str = Field(description="the strongest pattern's name, else its place in the rule "
                                     "('patterns.2'); 'headings' when a heading alone counted")
    kind: Literal["regex", "phrase", "tokens", "heading"]
    weight: float = Field(description="that pattern's weight, before any bonus")
    heading: str | None = Field(default=None, description="the heading above the passage that names the clause")
    heading_bonus: float = Field(default=0.0, description="what that heading added to the score")
    lead_in: bool = Field(default=False, description="the sentence matched when read after its list item's lead-in")
    vetoes: list[str] = Field(default_factory=list, description="the vetoes checked for the rule (none applied)")
    role: str | None = Field(default=None, description="the sentence's role: operative, heading, definition, "
                                                  "recital, representation, reference or signature")


class ClauseMatch(BaseModel):
    """Where a clause was found, and the words that show it: what a reviewer checks."""

    id: str = Field(description="the clause id from the taxonomy, e.g. 'liability.cap'")
    page: int | None = Field(default=None, description="1-based page; null for text, and for DOCX Word never laid out")
    start: int = Field(description="character offset in the document text where the quoted sentence starts")
    end: int = Field(description="character offset where it ends (exclusive)")
    section: str | None = Field(default=None, description="the heading path, e.g. '12. Limitation of Liability > 12.1'")
    text: str = Field(description="the sentence that shows the clause")
    score: float = Field(description="the rule's score for that sentence (at least its threshold)")
    value: str | None = Field(default=None, description="the extracted value: a jurisdiction, a period, a cap")
    days: int | None = Field(default=None, description="the value as a number of days, when it is a period")
    matched: list[str] = Field(default_factory=list, description="the rule patterns that fired")
    document: str | None = Field(default=None, exclude_if=lambda v: v is None,
                                 description="in a contract set: the document the clause was found in")
    explanation: Explanation | None = Field(
        default=None, description="why the clause was found (with --explain): the evidence that counted")


# A sentence that binds or entitles someone: a heading, a bare definition or a checkbox line does not.
_OPERATIVE = compile_regex(
    r"\b(?:shall|will|must|may|agrees?|undertakes?|covenants?|warrants?|represents?|acknowledges?|hereby|"
    r"is|are|be|has|have|will not|cannot|can|entitled|liable|responsible|required|obliged|governed)\b", re.I)
_DEFINES = compile_regex(
    r"^\s*(?:[\d.()a-z]{1,8}\s+)?[\"“][^\"”]{1,80}[\"”]\s*(?:\([^)]{0,40}\)\s*)?"
    r"(?:means|shall mean|has the meaning|shall have the meaning|refers to|includes|shall include)\b", re.I)


def strength(match: ClauseMatch) -> tuple[bool, float, bool]:
    """How well a passage shows its clause, for choosing what to quote first.

    An operative sentence beats a heading, a definition or a checkbox line whatever their scores
    (a lawyer checks the quote; "Statute of Limitations" alone proves nothing); then the score;
    then whether the sentence sits under a heading that names the clause."""
    words = re.findall(r"[A-Za-z]{2,}", match.text)
    operative = len(words) >= 6 and bool(_OPERATIVE.search(match.text)) and not _DEFINES.match(match.text)
    return operative, match.score, any(m.startswith("heading:") for m in match.matched)


def by_strength(matches: list[ClauseMatch]) -> list[ClauseMatch]:
    """The strongest evidence first; document order among equals."""
    def key(m: ClauseMatch) -> tuple[bool, float, bool, int]:
        operative, score, under_heading = strength(m)
        return not operative, -score, not under_heading, m.start

    return sorted(matches, key=key)


def _drop_unset(data: dict, keys: tuple[str, ...]) -> dict:
    """Leave out the second opinion's fields where they are empty: rules-only results keep
    the exact JSON they always had."""
    for k in keys:
        if data.get(k) is None:
            data.pop(k, None)
    return data


class Evidence(BaseModel):
    """A pointer from a finding to a clause found: where to look."""

    id: str = Field(description="the clause id of the passage")
    page: int | None = Field(default=None, description="1-based page, when the document has pages")
    section: str | None = Field(default=None, description="the heading path of the passage")
    start: int = Field(description="character offset where the passage starts")
    end: int = Field(description="character offset where it ends (exclusive)")
    quote: str | None = Field(default=None, description="the passage, when it is not one of the result's clauses "
                                                        "(the classifier chose it, or it names another agreement)")
    probability: float | None = Field(default=None, description="the classifier's, that the passage is the clause")
    document: str | None = Field(default=None, description="in a contract set: the document the clause was found in")

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _drop_unset(handler(self), ("quote", "probability", "document"))


class Finding(BaseModel):
    """Something a reviewer must look at: a required clause missing, a weak term, two documents
    of a set that disagree, or a clause only the learned second opinion saw."""

    rule: str = Field(description="the missing clause's id, or the risk's id (e.g. 'liability.cap.none')")
    # possibly_present: the rules found no such clause, the learned second opinion saw one
    kind: Literal["missing", "risk", "conflict", "possibly_present"] = Field(
        description="missing: a required clause was not found; risk: a clause found is weak; "
        "conflict: documents of a contract set disagree (two governing laws); possibly_present: "
        "the rules found no such clause, the learned second opinion saw one")
    severity: Severity = Field(description="high, medium, low or info (the profile's for a gap, the rule's for a risk)")
    message: str = Field(description="what is wrong, in plain words")
    recommendation: str = Field(default="", description="what to ask for in the contract")
    evidence: list[Evidence] = Field(default_factory=list, description="the passages the finding is about")
    uncertain: bool = Field(default=False,
                            description="part of the document could not be read, or most of it was read by OCR")
    source: Literal["classifier"] | None = Field(default=None, description="set when the verdict is the classifier's")

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _drop_unset(handler(self), ("source",))


class ScanWarning(BaseModel):
    """Part of the document may not have been read as it should (OCR, unreadable pages)."""

    type: str = Field(description="e.g. 'unreadable_pages', 'ocr'")
    message: str = Field(description="what happened and what it means for the findings")
    pages: list[int] = Field(default_factory=list, description="the pages concerned")

    _printable = field_validator("message")(printable)


class ScanError(BaseModel):
    """Why a file could not be scanned at all; the batch goes on."""

    type: str = Field(description="unsupported_format, corrupt, encrypted, too_large, no_text, timeout or io_error")
    message: str = Field(description="what went wrong, and what to do about it when that is known")

    _printable = field_validator("message")(printable)


class DocumentType(BaseModel):
    """What kind of document this is, and why contractscan thinks so."""

    type: str = Field(description="master_agreement, order_form, baa, dpa, nda, amendment, key_terms or schedule")
    name: str = Field(default="", description="the kind in words, e.g. 'Business associate agreement'")
    confidence: float = Field(default=0.0, description="0 to 1: how clearly the cues point to this kind")
    evidence: list[str] = Field(default_factory=list, description="the cues that fired: title lines, headings, phrases")
    scores: dict[str, float] = Field(default_factory=dict, description="the score of every kind")


class SetDocument(BaseModel):
    """One document of a contract set, as the set's result lists it."""

    source: str = Field(description="the document's path")
    document_type: str | None = Field(default=None, description="its kind (master_agreement, baa ...)")
    profile: str | None = Field(default=None, description="the checklist its kind brings to the set")
    error: ScanError | None = Field(default=None, description="set when the document could not be read")

    _printable = field_validator("source")(printable)


class ScanResult(BaseModel):
    """The review of one document (or one contract set): what was found, where, and what is
    missing or weak. One JSON object per document in ``--format json``/``jsonl``."""

    source: str = Field(description="the path as given (for a contract set: the set's name)")
    format: str | None = Field(default=None, description="pdf, docx or text as read from the content; 'set' for a set")
    pages: int | None = Field(default=None, description="number of pages, when the format has pages")
    profile: str | None = Field(default=None, description="the checklist applied; under auto, 'auto: <profile>'")
    document_type: DocumentType | None = Field(
        default=None, description="the kind of document, detected from its title, headings and text")
    present: list[str] = Field(default_factory=list,
                               description="sorted clause ids found, parents included ('liability.cap' implies 'liability')")
    clauses: list[ClauseMatch] = Field(default_factory=list, description="every passage that shows a clause")
    findings: list[Finding] = Field(default_factory=list, description="gaps and weak terms, most severe first")
    warnings: list[ScanWarning] = Field(default_factory=list, description="parts that may not have been read well")
    error: ScanError | None = Field(default=None, description="set when the file could not be scanned")
    documents: list[SetDocument] = Field(
        default_factory=list, exclude_if=lambda v: not v,
        description="for a contract set (--sets): its documents; the findings are the set's")

    _printable = field_validator("source")(printable)

    # Kept out of the JSON: the text that reports showing the contract itself (HTML,
    # Markdown, Word comments) need. The profile and rules are not kept here: reports get
    # them as a ``render.ReportContext``.
    _document: Document | None = PrivateAttr(default=None)

    @property
    def ok(self) -> bool:
        """True when the file was read (findings may still exist)."""
        return self.error is None

    def attach(self, document: Document | None) -> ScanResult:
        """Keep the loaded document with the result, for reports that show the contract text."""
        self._document = document
        return self

    @property
    def document(self) -> Document | None:
        """The loaded document (text and pages) this result came from, when the scanner kept it."""
        return self._document

    def clauses_for(self, clause_id: str) -> list[ClauseMatch]:
        """The passages of a clause and of its children ('liability' gives 'liability.cap' too)."""
        return [c for c in self.clauses if c.id == clause_id or c.id.startswith(clause_id + ".")]

    def strongest(self, clause_id: str) -> list[ClauseMatch]:
        """The clauses of an id and its children, the strongest evidence first."""
        return by_strength(self.clauses_for(clause_id))
