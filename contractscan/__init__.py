"""contractscan: offline, rule-based review of outsourcing contracts.

Names are imported on first use, so ``contractscan report`` or a re-scan answered from
the result store never loads spaCy or the PDF engines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "ContractScanError": ".errors",
    "Profile": ".profiles",
    "load_profile": ".profiles",
    "ClauseMatch": ".results",
    "Evidence": ".results",
    "Finding": ".results",
    "ScanError": ".results",
    "ScanResult": ".results",
    "ScanWarning": ".results",
    "Rule": ".rules",
    "Severity": ".severity",
    "load_rule_file": ".rules",
    "load_rules": ".rules",
    "Analyzer": ".scanner",
    "scan": ".scanner",
    "scan_folder": ".scanner",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

if TYPE_CHECKING:
    from .errors import ContractScanError
    from .profiles import Profile, load_profile
    from .results import ClauseMatch, Evidence, Finding, ScanError, ScanResult, ScanWarning
    from .rules import Rule, load_rule_file, load_rules
    from .scanner import Analyzer, scan, scan_folder
    from .severity import Severity


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'contractscan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
