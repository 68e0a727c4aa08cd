"""The public result models. Field names here are a contract other tools rely on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, PrivateAttr, field_serializer

from .escapes import fs_text
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
    explanation: Explanation | None = None


class Evidence(BaseModel):
    id: str
    page: int | None = None
    section: str | None = None
    start: int
    end: int


class Finding(BaseModel):
    rule: str
    kind: Literal["missing", "risk"]
    severity: Severity
    message: str
    recommendation: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    uncertain: bool = Field(default=False, description="part of the document could not be read")


class ScanWarning(BaseModel):
    type: str
    message: str
    pages: list[int] = Field(default_factory=list)

    @field_serializer("message", when_used="json")
    def _printable(self, v: str) -> str:
        return fs_text(v)


class ScanError(BaseModel):
    type: str
    message: str

    @field_serializer("message", when_used="json")
    def _printable(self, v: str) -> str:
        return fs_text(v)  # it may name a file


class ScanResult(BaseModel):
    source: str
    format: str | None = None
    pages: int | None = None
    profile: str | None = None
    present: list[str] = Field(default_factory=list)
    clauses: list[ClauseMatch] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[ScanWarning] = Field(default_factory=list)
    error: ScanError | None = None

    @field_serializer("source", when_used="json")
    def _printable_source(self, v: str) -> str:
        # A file name that is not UTF-8 shows its bytes as \xNN: JSON cannot carry them.
        return fs_text(v)

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
