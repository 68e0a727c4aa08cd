"""The public result models. Field names here are a contract other tools rely on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, PrivateAttr

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


class ClauseMatch(BaseModel):
    """Where a clause was found, and the words that show it."""

    id: str
    page: int | None = None
    start: int
    end: int
    section: str | None = None
    text: str
    score: float
    value: str | None = None
    days: int | None = Field(default=None, description="the value as a number of days, when it is a period")
    matched: list[str] = Field(default_factory=list, description="the rule patterns that fired")
    document: str | None = Field(default=None, exclude_if=lambda v: v is None,
                                 description="in a contract set: the document the clause was found in")
    explanation: Explanation | None = None


class Evidence(BaseModel):
    id: str
    page: int | None = None
    section: str | None = None
    start: int
    end: int
    document: str | None = Field(default=None, exclude_if=lambda v: v is None,
                                 description="in a contract set: the document the clause was found in")


class Finding(BaseModel):
    rule: str
    kind: Literal["missing", "risk", "conflict"] = Field(
        description="missing: a required clause was not found; risk: a clause found is weak; "
        "conflict: documents of a contract set disagree (two governing laws)")
    severity: Severity
    message: str
    recommendation: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    uncertain: bool = Field(default=False, description="part of the document could not be read")


class ScanWarning(BaseModel):
    type: str
    message: str
    pages: list[int] = Field(default_factory=list)


class ScanError(BaseModel):
    type: str
    message: str


class DocumentType(BaseModel):
    """What kind of document this is, and why contractscan thinks so."""

    type: str = Field(description="master_agreement, order_form, baa, dpa, nda, amendment, key_terms or schedule")
    name: str = Field(default="", description="the kind in words, e.g. 'Business associate agreement'")
    confidence: float = Field(default=0.0, description="0 to 1: how clearly the cues point to this kind")
    evidence: list[str] = Field(default_factory=list, description="the cues that fired: title lines, headings, phrases")
    scores: dict[str, float] = Field(default_factory=dict, description="the score of every kind")


class SetDocument(BaseModel):
    """One document of a contract set, as the set's result lists it."""

    source: str
    document_type: str | None = Field(default=None, description="its kind (master_agreement, baa ...)")
    profile: str | None = Field(default=None, description="the checklist its kind brings to the set")
    error: ScanError | None = None


class ScanResult(BaseModel):
    source: str
    format: str | None = None
    pages: int | None = None
    profile: str | None = None
    document_type: DocumentType | None = Field(
        default=None, description="the kind of document, detected from its title, headings and text")
    present: list[str] = Field(default_factory=list)
    clauses: list[ClauseMatch] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[ScanWarning] = Field(default_factory=list)
    error: ScanError | None = None
    documents: list[SetDocument] = Field(
        default_factory=list, exclude_if=lambda v: not v,
        description="for a contract set (--sets): its documents; the findings are the set's")

    # Kept out of the JSON: the text that reports showing the contract itself (HTML,
    # Markdown, Word comments) need. The profile and rules are not kept here: reports get
    # them as a ``render.ReportContext``.
    _document: Document | None = PrivateAttr(default=None)

    @property
    def ok(self) -> bool:
        return self.error is None

    def attach(self, document: Document | None) -> ScanResult:
        self._document = document
        return self

    @property
    def document(self) -> Document | None:
        """The loaded document (text and pages) this result came from, when the scanner kept it."""
        return self._document

    def clauses_for(self, clause_id: str) -> list[ClauseMatch]:
        return [c for c in self.clauses if c.id == clause_id or c.id.startswith(clause_id + ".")]
