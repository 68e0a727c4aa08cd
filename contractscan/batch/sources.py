"""The files a batch scans, listed in the order given, with an error for those it cannot."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

from ..results import ScanResult
from .work import failed


def list_sources(paths: Iterable[str], profile_name: str, follow_links: bool = False,
                 skip: Collection[tuple[int, int]] = ()) -> list[tuple[str, ScanResult | None]]:
    """Each file to scan, in order, or the error result for a path that cannot be listed.

    Files named explicitly are scanned as given; in folders, links that lead outside them are
    followed only with ``follow_links``, and the files ``skip`` names by (device, inode) are
    left out (the run's own report and store)."""
    from ..inputs import iter_files

    out: list[tuple[str, ScanResult | None]] = []
    for p in paths:
        if Path(p).is_dir():
            for path, problem in iter_files(p, follow_links):
                if skip and problem is None and _key(path) in skip:
                    continue
                out.append((str(path), failed(str(path), profile_name, problem.type, problem.message)
                            if problem is not None else None))
        elif Path(p).exists() or Path(p).is_symlink():
            out.append((p, None))
        else:
            out.append((p, failed(p, profile_name, "io_error", f"no such file or folder: {p}")))
    return out


def _key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino
