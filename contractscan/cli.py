"""Command line: ``contractscan FILE|FOLDER ...``, ``contractscan report --db FILE``,
``contractscan rules list|check``.

Exit codes (like a linter): 0 nothing at or above --fail-on; 1 findings at or above
it; 2 bad usage; 3 some files could not be scanned (the others were).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from . import __version__
from .errors import ContractScanError
from .profiles import Profile, builtin_profiles
from .render import DOCUMENT_FORMATS, RENDERERS, ReportContext
from .results import ScanResult
from .severity import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell shows for a program the pipe stopped
FAIL_ON = [s.value for s in Severity.by_rank()] + ["never"]


def _scan_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="contractscan",
        description="Check contracts for required clauses, offline. "
        "Other commands: 'contractscan report --db FILE', 'contractscan rules list', "
        "'contractscan rules check FILE.yaml'.",
        epilog="Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad usage, 3 some files unreadable.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="contract files (PDF, DOCX, TXT) or folders")
    p.add_argument("--format", "-f", choices=sorted(RENDERERS), default="table", help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--annotate", metavar="OUT.docx",
                   help="for one DOCX input: write a copy with a Word comment on each clause found and the "
                        "missing clauses at the top; for a PDF or text input: a DOCX summary of the review")
    p.add_argument("--profile", "-p", default="core",
                   help=f"built-in profile ({', '.join(builtin_profiles())}) or a profile YAML file")
    p.add_argument("--rules", "-r", action="append", default=[], metavar="FILE.yaml",
                   help="extra rule file (repeatable); a rule with a built-in id replaces it")
    p.add_argument("--fail-on", choices=FAIL_ON, default="high",
                   help="exit 1 when a finding is at least this severe (default: high)")
    p.add_argument("--model", help="an installed spaCy model to use instead of spacy.blank('en')")
    p.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber"], default="pdfium",
                   help="PDF text engine (default: pdfium, the faster)")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help="OCR with Tesseract (if installed): auto = pages without a text layer (default), "
                   "always = every page, never")
    p.add_argument("--time-limit", type=_time_limit, default=120.0, metavar="SECONDS",
                   help="stop a file that takes longer than this (error type timeout; default 120, 0 = none)")
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
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    p.add_argument("--version", action="version", version=f"contractscan {__version__}")
    return p


def _time_limit(text: str) -> float:
    """Finite, above 0 (or 0 for none), and no more than the system timer takes."""
    from .scanner import MAX_TIME_LIMIT

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


def _report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="contractscan report",
        description="Render the latest stored result of every document in a result store, without scanning.",
        epilog="Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad usage, 3 some files unreadable.",
    )
    p.add_argument("--db", required=True, metavar="FILE", help="the SQLite file written by 'contractscan --db'")
    p.add_argument("--format", "-f", choices=sorted(RENDERERS), default="table", help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--fail-on", choices=FAIL_ON, default="high",
                   help="exit 1 when a finding is at least this severe (default: high)")
    p.add_argument("--profile", "-p", metavar="NAME|FILE.yaml",
                   help="only the results judged under this profile (needed when the store holds several)")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    p.set_defaults(annotate=None, rules=[])
    return p


def _rules_command(argv: list[str]) -> int:
    from .errors import ScanTimeout
    from .match import ClauseMatcher, build_nlp
    from .examples import run_examples
    from .rules import load_rule_file, load_rules
    from .scanner import time_limit

    p = argparse.ArgumentParser(prog="contractscan rules", description="List or check rule files.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ls = sub.add_parser("list", help="show the rules in use")
    ls.add_argument("--rules", "-r", action="append", default=[], metavar="FILE.yaml")
    ck = sub.add_parser("check", help="validate rule files and run their examples")
    ck.add_argument("files", nargs="+", metavar="FILE.yaml")
    ck.add_argument("--time-limit", type=_time_limit, default=30.0, metavar="SECONDS",
                    help="time a rule's examples may take; a pattern that backtracks without end fails "
                    "(default 30, 0 = none)")
    args = p.parse_args(argv)
    try:
        if args.cmd == "list":
            for r in sorted(load_rules(args.rules), key=lambda r: r.id):
                src = Path(r.source_file or "").name
                print(f"{r.id:<32} {r.name:<34} {src}")
            return EXIT_OK
        nlp = build_nlp()
        failures = 0
        for f in args.files:
            rules = load_rule_file(f)
            ClauseMatcher(rules, nlp)  # compiles every pattern: spaCy errors surface here
            for rule in rules:
                try:
                    with time_limit(args.time_limit):
                        problems = run_examples(rule, nlp)
                except ScanTimeout:
                    problems = [f"its examples took more than {args.time_limit:g} s (--time-limit): does a "
                                "pattern backtrack catastrophically, such as (a+)+ or (\\w+\\s?)*?"]
                n = len(rule.examples.match) + len(rule.examples.no_match)
                if problems:
                    failures += len(problems)
                    for msg in problems:
                        print(f"FAIL {f}: rule {rule.id}: {msg}")
                else:
                    print(f"ok   {f}: rule {rule.id}: {n} example(s) pass")
        return EXIT_FINDINGS if failures else EXIT_OK
    except ContractScanError as exc:
        print(f"contractscan: {exc.message}", file=sys.stderr)
        return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # The reader went away (``contractscan ... | head``): stop quietly, as cat does.
        # Point stdout at /dev/null so the interpreter's last flush does not complain.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE


def _main(argv: list[str]) -> int:
    if argv[:1] == ["rules"]:
        return _rules_command(argv[1:])
    report = argv[:1] == ["report"]
    args = _report_parser().parse_args(argv[1:]) if report else _scan_parser().parse_args(argv)
    try:
        return _report(args) if report else _run(args)
    except BrokenPipeError:
        raise
    except ContractScanError as exc:
        if args.debug:
            raise
        print(f"contractscan: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, OSError) as exc:
        if args.debug:
            raise
        print(f"contractscan: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("contractscan: interrupted", file=sys.stderr)
        return 130


def _check_annotate(args: argparse.Namespace) -> None:
    if not args.annotate:
        return
    if len(args.paths) != 1 or not Path(args.paths[0]).is_file():
        raise ValueError("--annotate needs exactly one contract file (not a folder)")
    if not args.annotate.lower().endswith(".docx"):
        raise ValueError("--annotate writes a Word file: give a name ending in .docx")


def _run(args: argparse.Namespace) -> int:
    from .batch import ScanSettings, default_workers, scan_sources
    from .outputs import check_targets

    _check_annotate(args)
    check_targets({"-o": args.output, "--annotate": args.annotate}, args.paths, args.db)
    sources = _sources(args)
    settings = ScanSettings.from_options(
        profile=args.profile, rules=args.rules, model=args.model, pdf_engine=args.pdf_engine,
        password=args.password, debug=args.debug, ocr=args.ocr, time_limit=args.time_limit,
    )
    if args.annotate:  # needs the loaded document itself, so one file scanned right here
        analyzer = settings.build()
        return _render([analyzer.scan(args.paths[0])], args, analyzer.report_context())
    rules = _rules_for_report(args)
    if args.profile not in builtin_profiles():  # a built-in profile is checked by the tests
        from .profiles import check_profile
        from .rules import load_rules

        check_profile(settings.profile, rules or load_rules(args.rules))
    context = ReportContext.of(settings.profile, rules)
    with _store(args.db, create=True) as store:
        results = scan_sources(
            sources, settings, workers=args.workers or default_workers(), store=store,
            executor=args.executor, scheduler=args.scheduler,
            progress=not args.quiet and sys.stderr.isatty(),
            # reports that show the contract itself need the loaded document back
            attach=args.format in DOCUMENT_FORMATS,
        )
        return _render(results, args, context)


def _sources(args: argparse.Namespace) -> list[str]:
    """The paths to scan, without the files this run writes where a scanned folder holds them.

    A report written into the folder it reports on would otherwise be read as a contract on
    the next run. An existing target there that is not a previous report (a contract) is
    refused rather than overwritten.
    """
    from .outputs import OutputConflict, file_key, looks_like_report
    from .scanner import iter_files

    ours = {k: t for t in (args.output, args.annotate, args.db) if t and (k := file_key(t)) is not None}
    if not ours or not any(os.path.isdir(p) for p in args.paths):
        return list(args.paths)
    out: list[str] = []
    for p in args.paths:
        if not os.path.isdir(p):
            out.append(p)
            continue
        for path, problem in iter_files(p):
            key = file_key(path) if problem is None else None
            if key in ours:
                if not looks_like_report(path) and ours[key] != args.db:
                    raise OutputConflict(f"{ours[key]} is {path}, a contract in the folder being scanned, not a "
                                         "previous report: choose another file name")
                continue
            out.append(str(path))
    return out


def _report(args: argparse.Namespace) -> int:
    from .batch import results_from_store
    from .outputs import check_targets

    check_targets({"-o": args.output}, [], args.db)
    with _store(args.db, create=False) as store:
        results = list(results_from_store(store))
    results, profile = _one_profile(results, args)
    return _render(results, args, ReportContext.of(profile, _rules_for_report(args)))


def _one_profile(results: list[ScanResult], args: argparse.Namespace) -> tuple[list[ScanResult], Profile | None]:
    """The stored results judged under one profile, and that profile when it can be known.

    A report applies one profile's checklist, so results judged under different profiles
    are not mixed: the user picks one with ``--profile``. The store keeps a profile's name,
    not its content: a built-in profile is loaded by that name, a profile file must be given.
    """
    from collections import Counter

    from .profiles import load_profile

    wanted = load_profile(args.profile) if args.profile else None
    if wanted is not None:
        results = [r for r in results if r.profile == wanted.name]
        if not results:
            raise ValueError(f"{args.db} holds no results judged under the profile {wanted.name!r}")
        return results, wanted
    counts = Counter(r.profile or "-" for r in results)
    if len(counts) > 1:
        mix = ", ".join(f"{name} ({n} result{'s' if n > 1 else ''})" for name, n in sorted(counts.items()))
        raise ValueError(f"{args.db} holds results judged under different profiles: {mix}; a report applies "
                         "one profile's checklist, so choose one with --profile NAME")
    name = next(iter(counts), None)
    return results, (load_profile(name) if name in builtin_profiles() else None)


def _store(path: str | None, create: bool):
    if path is None:
        return nullcontext(None)
    from .store import ResultStore

    return ResultStore(path, create=create)


def _rules_for_report(args: argparse.Namespace) -> list:
    """The rules, for the reports that name clauses by them (loading them takes a moment)."""
    if args.format not in DOCUMENT_FORMATS:
        return []
    from .rules import load_rules

    return load_rules(args.rules)


def _render(results: Iterable[ScanResult], args: argparse.Namespace, context: ReportContext) -> int:
    stats = {"errors": 0, "worst": -1}
    scanned: list[ScanResult] = []

    def tracked(results: Iterable[ScanResult]) -> Iterator[ScanResult]:
        for r in results:
            if getattr(args, "annotate", None):
                scanned.append(r)
            if r.error is not None:
                stats["errors"] += 1
            for f in r.findings:
                stats["worst"] = max(stats["worst"], f.severity.rank)
            yield r

    if args.output:
        from .outputs import replace_on_success

        with replace_on_success(args.output) as tmp, open(tmp, "w", encoding="utf-8") as out:
            RENDERERS[args.format](tracked(results), out, context)
    else:
        RENDERERS[args.format](tracked(results), _Stdout() if sys.stdout.isatty() else sys.stdout, context)
    annotate_path = getattr(args, "annotate", None)
    if annotate_path and scanned and scanned[0].error is not None:
        print(f"contractscan: nothing written to {annotate_path}: the contract could not be read", file=sys.stderr)
    elif annotate_path and scanned:
        from .errors import ScanTimeout
        from .outputs import replace_on_success
        from .render import annotate as annotating
        from .scanner import time_limit

        try:
            with time_limit(args.time_limit), replace_on_success(annotate_path) as tmp:
                written = annotating.annotate(scanned[0], tmp, context)
        except ScanTimeout:
            print(f"contractscan: nothing written to {annotate_path}: adding the comments took longer than "
                  f"the time limit ({args.time_limit:g} s, see --time-limit)", file=sys.stderr)
            return EXIT_UNREADABLE
        what = f"{written.comments} comments" if written.kind == "comments" else "a review summary"
        print(f"contractscan: wrote {annotate_path} ({what})", file=sys.stderr)
    if stats["errors"]:
        return EXIT_UNREADABLE
    if args.fail_on != "never" and stats["worst"] >= Severity(args.fail_on).rank:
        return EXIT_FINDINGS
    return EXIT_OK


class _Stdout:
    """A terminal's stdout looked up at each write: while the progress bar runs, rich puts
    a proxy there that prints the report's lines above the bar instead of through it."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
