"""contractscan: offline, rule-based review of outsourcing contracts."""

from .errors import ContractScanError
from .profiles import Profile, load_profile
from .results import ClauseMatch, Evidence, Finding, ScanError, ScanResult, ScanWarning
from .rules import Rule, load_rule_file, load_rules
from .scanner import Analyzer, scan, scan_folder

__version__ = "0.1.0"

__all__ = [
    "Analyzer",
    "ClauseMatch",
    "ContractScanError",
    "Evidence",
    "Finding",
    "Profile",
    "Rule",
    "ScanError",
    "ScanResult",
    "ScanWarning",
    "load_profile",
    "load_rule_file",
    "load_rules",
    "scan",
    "scan_folder",
    "__version__",
]
