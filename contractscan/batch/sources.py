"""The files a batch scans, listed in the order given, with an error for those it cannot."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import ContractScanError
from ..results import ScanResult
from .settings import ScanSettings
from .work import failed


def list_sources(paths: Iterable[str], profile_name: str) -> list[tuple[str, ScanResult | None]]:
    """Each file to scan, in order, or the error result for a path that cannot be listed."""
    from ..scanner import iter_files

    out: list[tuple[str, ScanResult | None]] = []
    for p in paths:
        if Path(p).is_dir():
            for path, problem in iter_files(p):
                out.append((str(path), failed(str(path), profile_name, problem.type, problem.message)
                            if problem is not None else None))
        elif Path(p).exists() or Path(p).is_symlink():
            out.append((p, None))
        else:
            out.append((p, failed(p, profile_name, "io_error", f"no such file or folder: {p}")))
    return out


def local_error(settings: ScanSettings, name: str) -> ScanResult:
    """The exact error of a file that could not be read: a local load of its path says it."""
    from ..loaders import load_path

    try:
        load_path(name, settings.load_options())
    except ContractScanError as exc:
        return failed(name, settings.profile.name, exc.type, exc.message)
    return failed(name, settings.profile.name, "io_error", f"cannot read {name}")
