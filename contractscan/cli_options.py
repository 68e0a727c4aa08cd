"""The command line's options: the parsers of ``contractscan PATH ...`` and ``contractscan
report``, the checks of their values, and the exit codes."""

from __future__ import annotations

import argparse
import math

from . import __version__
from .profiles import builtin_profiles
from .render import RENDERERS
from .severity import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell shows for a program the pipe stopped
FAIL_ON = [s.value for s in Severity.by_rank()] + ["never"]


def scan_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="contractscan",
        description="Check contracts for required clauses, offline. "
        "Other commands: 'contractscan report --db FILE', 'contractscan rules list', "
        "'contractscan rules check|lint FILE.yaml', 'contractscan rules docs', "
        "'contractscan schema' (the JSON schema of the results).",
        epilog="Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad usage, 3 some files unreadable.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="contract files (PDF, DOCX, TXT) or folders")
    p.add_argument("--format", "-f", choices=sorted([*RENDERERS, "xlsx"]), default="table",
                   help="output format (xlsx: an Excel workbook, needs -o FILE.xlsx)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--annotate", metavar="OUT.docx",
                   help="for one DOCX input: write a copy with a Word comment on each clause found and the "
                        "missing clauses at the top; for a PDF or text input: a DOCX summary of the review")
    p.add_argument("--profile", "-p", default="auto",
                   help=f"built-in profile ({', '.join(builtin_profiles())}) or a profile YAML file; "
                   "default auto: the profile for each document's kind (master agreement, BAA, NDA ...)")
    p.add_argument("--rules", "-r", action="append", default=[], metavar="FILE.yaml",
                   help="extra rule file (repeatable); a rule with a built-in id replaces it")
    p.add_argument("--sets", metavar="folder|MANIFEST.yaml",
                   help="check contract sets, not single documents: 'folder' = each sub-folder of the folders "
                   "given is one vendor's set; or a YAML manifest listing each set's documents")
    p.add_argument("--fail-on", choices=FAIL_ON, default="high",
                   help="exit 1 when a finding is at least this severe (default: high)")
    p.add_argument("--model", help="an installed spaCy model to use instead of spacy.blank('en')")
    p.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber"], default="pdfium",
                   help="PDF text engine (default: pdfium, the faster)")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help="OCR with Tesseract (if installed): auto = pages without a text layer (default), "
                   "always = every page, never")
    p.add_argument("--time-limit", type=time_limit_option, default=120.0, metavar="SECONDS",
                   help="stop a file that takes longer than this (error type timeout; default 120, 0 = none); "
                   "OCR time does not count (Tesseract has its own limit per page)")
    p.add_argument("--second-opinion", choices=["on", "off"], default=None,
                   help="for a required clause the rules did not find, ask the learned classifier (shipped, "
                   "offline); passages it reads as the clause turn 'missing' into 'possibly_present', one "
                   "severity lower (default: off, see the README for the measurement)")
    p.add_argument("--workers", "-j", type=_positive_int, metavar="N",
                   help="documents scanned in parallel, each in its own process (default: the number of cores; "
                   "1 scans in this process)")
    p.add_argument("--db", metavar="FILE",
                   help="keep results in this SQLite file and reuse them for files whose bytes, rules, "
                   "profile and version are unchanged")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where documents are scanned: local processes, or a Dask cluster "
                   "(pip install 'contractscan[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--follow-links", action="store_true",
                   help="in folders, follow symbolic links that lead outside the folder (default: report them)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    p.add_argument("--version", action="version", version=f"contractscan {__version__}")
    return p


def time_limit_option(text: str) -> float:
    """Finite, above 0 (or 0 for none), and no more than the system timer takes."""
    from .deadline import MAX_TIME_LIMIT

    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if seconds == 0:
        return 0.0
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a number of seconds above 0 and at most {MAX_TIME_LIMIT:,.0f}, or 0 for no limit")
    return seconds


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("give 1 or more")
    return n


def report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="contractscan report",
        description="Render the latest stored result of every document in a result store, without scanning.",
        epilog="Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad usage, 3 some files unreadable.",
    )
    p.add_argument("--db", required=True, metavar="FILE", help="the SQLite file written by 'contractscan --db'")
    p.add_argument("--format", "-f", choices=sorted([*RENDERERS, "xlsx"]), default="table",
                   help="output format (xlsx: an Excel workbook, needs -o FILE.xlsx)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--fail-on", choices=FAIL_ON, default="high",
                   help="exit 1 when a finding is at least this severe (default: high)")
    p.add_argument("--profile", "-p", metavar="NAME|FILE.yaml",
                   help="only the results judged under this profile (needed when the store holds several)")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    p.set_defaults(annotate=None, rules=[])
    return p
