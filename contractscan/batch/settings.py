"""What decides a scan's result, and its fingerprint for the result store."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..cache import code_hash
from ..errors import RuleError
from ..loaders import LoadOptions
from ..profiles import Profile, load_profile

if TYPE_CHECKING:
    from ..scanner import Analyzer

_ENGINE_PACKAGES = {"pdfium": "pypdfium2", "pdfplumber": "pdfplumber"}


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, eq=False)
class ScanSettings:
    """Everything that decides a scan's result, picklable so any worker can rebuild it.

    Extra rule files travel as bytes, so a worker on another machine scans with exactly
    the rules given here.
    """

    profile: Profile
    rule_files: tuple[tuple[str, bytes], ...] = ()
    model: str | None = None
    pdf_engine: str = "pdfium"
    password: str | None = None
    debug: bool = False
    ocr: str = "auto"
    time_limit: float | None = None
    second_opinion: bool | None = None  # None: the default (second_opinion.DEFAULT_ON)

    @classmethod
    def from_options(cls, profile: str | Path = "auto", rules: Iterable[str | Path] = (),
                     model: str | None = None, pdf_engine: str = "pdfium", password: str | None = None,
                     debug: bool = False, ocr: str = "auto", time_limit: float | None = None,
                     second_opinion: bool | None = None) -> ScanSettings:
        files = []
        for path in rules:
            try:
                files.append((str(path), Path(path).read_bytes()))
            except OSError:
                raise RuleError(f"{path}: no such rule file") from None
        return cls(load_profile(profile), tuple(files), model, pdf_engine, password, debug, ocr, time_limit,
                   second_opinion)

    def load_options(self) -> LoadOptions:
        return LoadOptions(pdf_engine=self.pdf_engine, password=self.password, ocr=self.ocr)

    def fingerprint(self) -> str:
        """sha256 of the rules and profile in effect, the version and code, and the libraries that read text."""
        from importlib.metadata import PackageNotFoundError, version

        from ..rules import builtin_rule_files

        h = hashlib.sha256()

        def add(*parts: str | bytes) -> None:
            for part in parts:
                data = part.encode("utf-8") if isinstance(part, str) else part
                h.update(len(data).to_bytes(8, "big") + data)

        add("contractscan", __version__, code_hash(), self.pdf_engine, self.model or "",
            "password" if self.password else "", "ocr:" + self.ocr)
        if self._second_opinion_on():
            from ..second_opinion import MODEL_DIR

            add("second-opinion", *(p.read_bytes() for p in sorted(MODEL_DIR.rglob("*")) if p.is_file()))
        for path in builtin_rule_files():
            add("builtin", path.name, path.read_bytes())
        for name, data in self.rule_files:
            add("extra", Path(name).name, data)
        add("profile", self.profile.model_dump_json(exclude={"source_file"}))
        for kind, sub in sorted(self.profile.type_profiles().items()):  # under --profile auto
            add("profile for " + kind, sub.model_dump_json(exclude={"source_file"}))
        from ..doctype import cue_file

        add("document types", cue_file().read_bytes())
        for package in ("spacy", "python-docx", _ENGINE_PACKAGES.get(self.pdf_engine, ""), self.model or ""):
            try:
                add(package, version(package) if package else "")
            except PackageNotFoundError:
                add(package, "")
        return h.hexdigest()

    def build(self) -> Analyzer:
        from ..scanner import Analyzer

        return Analyzer(profile=self.profile, rules=self.rule_paths(), model=self.model,
                        load_options=self.load_options(), debug=self.debug, time_limit=self.time_limit,
                        second_opinion=self._second_opinion_on())

    def _second_opinion_on(self) -> bool:
        from ..second_opinion import DEFAULT_ON

        return DEFAULT_ON if self.second_opinion is None else self.second_opinion

    def rule_paths(self) -> list[str]:
        """The rule files given, or copies of them where this machine lacks those bytes."""
        paths = []
        for name, data in self.rule_files:
            p = Path(name)
            try:
                same = p.is_file() and p.read_bytes() == data
            except OSError:
                same = False
            if not same:
                p = Path(_rule_copies_dir()) / f"{hashlib.sha256(data).hexdigest()[:16]}-{p.name}"
                p.write_bytes(data)
            paths.append(str(p))
        return paths


_COPIES: tempfile.TemporaryDirectory[str] | None = None


def _rule_copies_dir() -> str:
    global _COPIES
    if _COPIES is None:
        _COPIES = tempfile.TemporaryDirectory(prefix="contractscan-rules-")
    return _COPIES.name
