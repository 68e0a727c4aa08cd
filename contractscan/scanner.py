"""The public entry points: scan one document, or many with one pipeline."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from .deadline import DEFAULT_TIME_LIMIT, check_time_limit, time_limit
from .doctype import detect_type
from .document import Document, OffsetMap
from .errors import ContractScanError, CorruptFile, InternalError, OutOfMemory
from .inputs import RuleFiles, Source, check_source, is_pathlike, iter_files, rule_files
from .judge import judge
from .loaders import LoadOptions, load_bytes, load_path
from .profiles import Profile, check_profile, load_profile
from .results import ScanError, ScanResult, ScanWarning
from .rules import Rule, load_rules
from .second_opinion import DEFAULT_ON, SecondOpinion, shipped
from .segment import _mask_noise, segment
from .terms import TermIndex, resolve_values
from .xrefs import SectionIndex

if TYPE_CHECKING:
    from .render.context import ReportContext


class Analyzer:
    """Build the pipeline once (rules, matchers, spaCy) and scan many documents.

    ``nlp`` is the spaCy pipeline of ``model``; None without one (sentences and tokens are
    then read by ``contractscan.tokens``, and spaCy is not imported)."""

    def __init__(
        self,
        profile: str | Path | Profile = "auto",
        rules: RuleFiles | None = None,
        model: str | None = None,
        load_options: LoadOptions | None = None,
        debug: bool = False,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
        second_opinion: bool | SecondOpinion | None = None,
    ) -> None:
        """``rules``: an extra rule file or a list of them. ``time_limit``: seconds one file may
        take (load + analysis); None or 0 for no limit, else finite and at most MAX_TIME_LIMIT.
        ``second_opinion``: consult the learned classifier on clauses the rules left missing
        (True: the shipped model; None: the default, see ``second_opinion.DEFAULT_ON``)."""
        # Imported here, not at the top: listing files or answering from the result store
        # must not pay for loading spaCy.
        from .match import ClauseMatcher, build_nlp

        self.debug = debug
        self.time_limit = check_time_limit(time_limit)
        self.profile = load_profile(profile)
        self.rules: list[Rule] = load_rules(rule_files(rules))
        check_profile(self.profile, self.rules)

        self.load_options = load_options or LoadOptions()
        self.nlp, self.matcher = _pipeline(model, self.rules, build_nlp, ClauseMatcher)
        if second_opinion is None:
            second_opinion = DEFAULT_ON
        self.second_opinion = shipped() if second_opinion is True else second_opinion or None
        self._rules_by_id = {r.id: r for r in self.rules}

    def warm(self) -> None:
        """Do the work a first document pays for (the tokenizer's data, the rules' heading and
        type regexes, the PDF engine's import) now: a parent that forks its workers after this
        does it once for all of them instead of once in each."""
        if self.load_options.pdf_engine == "pdfium":
            import pypdfium2  # noqa: F401

            from .loaders import pdf  # noqa: F401
        self.analyse_document(load_bytes(_WARM_UP.encode("utf-8"), "<warm-up>", self.load_options))

    def rule(self, clause_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == clause_id), None)

    def report_context(self) -> ReportContext:
        """The profile and rules of this pipeline, for the renderers and ``annotate``."""
        from .render.context import ReportContext

        return ReportContext.of(self.profile, self.rules)

    def load(self, source: Source, name: str | None = None) -> Document:
        """Bytes; a path (an os.PathLike, or a str that looks like one, see ``scan``); else text."""
        check_source(source)
        if isinstance(source, bytes):
            return load_bytes(source, name or "<bytes>", self.load_options)
        if is_pathlike(source):
            return load_path(source, self.load_options)
        return load_bytes(str(source).encode("utf-8"), name or "<text>", self.load_options)

    def analyse_document(self, doc: Document) -> ScanResult:
        view, offsets = doc.corrected()
        result = self._analyse(view)
        if offsets is not None:
            _quote_original(result, doc, offsets)
        # regexes compiled on first use (heading words, start gates) go to the cache on disk, so
        # the next process does not compile them again (~130, 0.3 s, per process); cheap when none
        cache.save()
        return result.attach(doc)

    def _analyse(self, doc: Document) -> ScanResult:
        passages = segment(doc)
        text = _mask_noise(doc)
        kind = detect_type(text, [p.heading for p in passages if p.heading and not p.in_toc])
        profile = self.profile.for_type(kind.type)
        matches, references = self.matcher.match_with_references(doc, passages, text)
        resolve_values(matches, self._rules_by_id, TermIndex.build(text))
        sections = SectionIndex(passages, len(text))
        sections.add_matches(matches, self._rules_by_id)
        present, findings = judge(doc, matches, self.rules, profile, text, sections, references)
        if self.second_opinion is not None:
            findings = self.second_opinion.revise(doc, passages, text, findings, self._rules_by_id)
        return ScanResult(
            source=doc.source,
            format=doc.format,
            pages=doc.page_count,
            profile=f"{self.profile.name}: {profile.name}" if self.profile.automatic else profile.name,
            document_type=kind,
            present=present,
            clauses=matches,
            findings=findings,
            warnings=[ScanWarning(type=w.type, message=w.message, pages=w.pages) for w in doc.warnings],
        )

    def scan(self, source: Source, name: str | None = None) -> ScanResult:
        """Scan a path, bytes or text. Bad input gives a result with ``error`` set; a source of
        another type (None, a number, an open file) is a TypeError.

        A str is a path when such a file exists; text when it has a line break; and a path
        still when it is one line ending in a file extension contractscan reads (".pdf",
        ".docx", ".txt", ...): if no such file exists, the result's error is ``io_error``
        "no such file". To scan one line of text that ends so, pass it as bytes.
        """
        check_source(source)
        label = name or (str(source) if not isinstance(source, bytes) and is_pathlike(source) else None)
        loaded = False
        try:
            with time_limit(self.time_limit):
                doc = self.load(source, name)
                loaded = True
                if name:
                    doc.source = name
                return self.analyse_document(doc)
        except ContractScanError as exc:
            return self._failed(label, exc.type, exc.message)
        except Exception as exc:
            if self.debug:
                raise
            problem = classify_exception(exc, while_loading=not loaded)
            return self._failed(label, problem.type, problem.message)

    def _failed(self, label: str | None, kind: str, message: str) -> ScanResult:
        return ScanResult(source=label or "<input>", profile=self.profile.name,
                          error=ScanError(type=kind, message=" ".join(message.split())[:500]))

    def scan_folder(self, folder: str | os.PathLike[str]) -> Iterator[ScanResult]:
        for path, problem in iter_files(folder):
            if problem is not None:
                yield ScanResult(source=str(path), profile=self.profile.name,
                                 error=ScanError(type=problem.type, message=problem.message))
            else:
                yield self.scan(path)


def _quote_original(result: ScanResult, doc: Document, offsets: OffsetMap) -> None:
    """Offsets and quotes of a result found on the corrected text, moved back to what OCR read."""
    from .match.matcher import _quote

    text = _mask_noise(doc)
    for clause in result.clauses:
        clause.start, clause.end = offsets.to_original(clause.start), offsets.to_original(clause.end, end=True)
        clause.text = _quote(text[clause.start:clause.end])
    for finding in result.findings:
        for evidence in finding.evidence:
            evidence.start = offsets.to_original(evidence.start)
            evidence.end = offsets.to_original(evidence.end, end=True)
            if evidence.quote is None:
                continue
            if finding.source == "classifier":  # the second opinion's passage, quoted as it quotes it
                quote = " ".join(text[evidence.start:evidence.end].split())
                evidence.quote = quote if len(quote) <= 400 else quote[:399] + "…"
            else:  # a sentence the matcher found (a reference to another agreement)
                evidence.quote = _quote(text[evidence.start:evidence.end])


# A few lines with a heading, a number and sentences: enough to reach every step once.
_WARM_UP = ("MASTER SERVICES AGREEMENT\n\n1. Governing Law\n\nThis Agreement is governed by the laws of the State "
            "of New York. Either party may terminate it on thirty (30) days' notice.\n")

_PIPELINES: dict[tuple, tuple] = {}
_PIPELINES_LOCK = threading.Lock()


def _pipeline(model: str | None, rules: list[Rule], build_nlp, matcher) -> tuple:
    """spaCy and the compiled matcher for these rules, built once per process: every
    ``contractscan.scan()`` call, and every Analyzer with other settings, reuses them
    (building them costs more than scanning a short contract). ``load_rules`` gives the
    same Rule objects for the same rule files, which the key holds on to."""
    k = (model, tuple(map(id, rules)))
    with _PIPELINES_LOCK:
        found = _PIPELINES.get(k)
        if found is None:
            # spaCy's pipeline does not depend on the rules: share it
            # (no model: None, read without spaCy; see ClauseMatcher)
            nlp = next((v[1] for kk, v in _PIPELINES.items() if kk[0] == model), None) or (
                build_nlp(model) if model else None)
            found = (tuple(rules), nlp, matcher(rules, nlp))
            if len(_PIPELINES) >= 4:  # other rule files come and go: keep the latest few
                del _PIPELINES[next(iter(_PIPELINES))]
            _PIPELINES[k] = found
    return found[1], found[2]


_OWN_CODE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_PARSE_ERRORS = (RecursionError, ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError,
                 OSError, EOFError)


def classify_exception(exc: BaseException, while_loading: bool) -> ContractScanError:
    """The typed error for an unexpected exception, which decides whether the result may be reused.

    A parser library choking on a malformed file is ``corrupt``: the same bytes fail the
    same way, so the store keeps it. Running out of memory may not happen next time; an
    exception from contractscan's own code (analysing text must never fail) is a bug to
    report. Neither is kept.
    """
    what = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, MemoryError):
        return OutOfMemory(f"ran out of memory on this file ({what}); not kept in the result store, "
                           "so the next run tries again")
    if while_loading and isinstance(exc, _PARSE_ERRORS) and not _raised_in_own_code(exc):
        return CorruptFile(f"the file could not be parsed ({what})")
    return InternalError(f"contractscan failed on this file ({what}); this is a bug in contractscan, not "
                         "a problem with the file: run again with --debug for the traceback and report it")


def _raised_in_own_code(exc: BaseException) -> bool:
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_OWN_CODE)


def scan(
    source: Source,
    profile: str | Path | Profile = "auto",
    rules: RuleFiles | None = None,
    model: str | None = None,
) -> ScanResult:
    """Scan one contract and return its review.

    ``source`` is a path (PDF, DOCX or text, recognised by content), the file's bytes, or the
    contract's text. ``profile`` is the checklist: "auto" (the default) picks the profile for
    the document's kind (master agreement, BAA, NDA ...; see ``ScanResult.document_type``),
    "core", "outsourcing", "healthcare" or a profile YAML file apply one checklist. ``rules``
    adds a rule file or a list of them (a rule with a built-in id replaces it); ``model`` names
    an installed spaCy model. A file that cannot be read gives a result with ``error`` set,
    never an exception; a source of another type (None, a number, an open file) is a
    TypeError (see ``Analyzer.scan``).
    To scan many files, build an ``Analyzer`` once and call its ``scan``.
    """
    check_source(source)
    return Analyzer(profile=profile, rules=rules, model=model).scan(source)


def scan_folder(
    path: str | os.PathLike[str],
    profile: str | Path | Profile = "auto",
    rules: RuleFiles | None = None,
    model: str | None = None,
) -> Iterator[ScanResult]:
    """Scan every supported file below ``path`` (recursively, sorted), yielding one result per
    file, with the same options as ``scan``."""
    yield from Analyzer(profile=profile, rules=rules, model=model).scan_folder(path)
