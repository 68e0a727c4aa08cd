"""Find the shipped rule and profile files, in a wheel or a source checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """Folder holding ``rules/`` (with ``rules/profiles/``).

    A wheel installs them as ``contractscan/_data``; an editable install or a
    source checkout reads them from the repository's top level.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if (packaged / "rules").is_dir():
        return packaged
    return here.parent
