"""The public result models. Field names here are a contract other tools rely on."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, PrivateAttr, SerializerFunctionWrapHandler, field_validator, model_serializer

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


# A sentence that binds or entitles someone: a heading, a bare definition or a checkbox line does not.
_OPERATIVE = re.compile(
    r"\b(?:shall|will|must|may|agrees?|undertakes?|covenants?|warrants?|represents?|acknowledges?|hereby|"
    r"is|are|be|has|have|will not|cannot|can|entitled|liable|responsible|required|obliged|governed)\b", re.I)
_DEFINES = re.compile(
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
    id: str
    page: int | None = None
    section: str | None = None
    start: int
    end: int
    quote: str | None = Field(default=None, description="the passage, when the classifier chose it")
    probability: float | None = Field(default=None, description="the classifier's, that the passage is the clause")

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _drop_unset(handler(self), ("quote", "probability"))


class Finding(BaseModel):
    rule: str
    # possibly_present: the rules found no such clause, the learned second opinion saw one
    kind: Literal["missing", "risk", "possibly_present"]
    severity: Severity
    message: str
    recommendation: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    uncertain: bool = Field(default=False, description="part of the document could not be read")
    source: Literal["classifier"] | None = Field(default=None, description="set when the verdict is the classifier's")

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict:
        return _drop_unset(handler(self), ("source",))


class ScanWarning(BaseModel):
    type: str
    message: str
    pages: list[int] = Field(default_factory=list)


def printable(text: str) -> str:
    """A file name as JSON-safe text: bytes that are not UTF-8 (which Python keeps as lone
    surrogates) shown as ``\\xNN``, so one odd name cannot stop a batch's output."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")


class ScanError(BaseModel):
    type: str
    message: str

    _printable = field_validator("message")(printable)


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

    _printable = field_validator("source")(printable)

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
        """The clauses of an id and its children, in document order (see ``strongest``)."""
        return [c for c in self.clauses if c.id == clause_id or c.id.startswith(clause_id + ".")]

    def strongest(self, clause_id: str) -> list[ClauseMatch]:
        """The clauses of an id and its children, the strongest evidence first."""
        return by_strength(self.clauses_for(clause_id))
