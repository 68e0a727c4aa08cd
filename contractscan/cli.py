"""Command line: ``contractscan FILE|FOLDER ...``, ``contractscan report --db FILE``,
``contractscan rules list|check|lint|docs``.

Exit codes (like a linter): 0 nothing at or above --fail-on; 1 findings at or above
it; 2 bad usage; 3 some files could not be scanned (the others were).
"""

from __future__ import annotations

import argparse
import os
import sys

# No pydantic plugin takes part in a scan: do not look through every installed package for one
# at start-up (workers inherit it)
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _skip_plugin_loader() -> None:
    """pydantic imports its plugin loader when it builds the first model, and that module
    imports ``importlib.metadata`` (~40 ms, 5% of a one-file run) although plugins are off.
    With plugins off, stand in for it: the same answer (no plugins), and should plugins be
    turned on later, the real loader is imported and answers."""
    import sys
    import types

    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true") or name in sys.modules:
        return
    stand_in = types.ModuleType(name, "contractscan's stand-in while pydantic plugins are off")

    def get_plugins():  # pydantic's signature: () -> Iterable[PydanticPluginProtocol]
        if os.getenv("PYDANTIC_DISABLE_PLUGINS") in ("__all__", "1", "true"):
            return ()
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        import importlib

        return importlib.import_module(name).get_plugins()

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


_skip_plugin_loader()
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from .cli_options import (
    EXIT_BROKEN_PIPE, EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, report_parser, scan_parser,
)
from .cli_rules import rules_command
from .errors import ContractScanError
from .outputs import FileKey, OutputConflict, check_targets, file_key, looks_like_report, replace_on_success
from .profiles import Profile, builtin_profiles
from .render import DOCUMENT_FORMATS, RENDERERS, ReportContext
from .results import ScanResult
from .severity import Severity


class _CtrlC:
    """Whether Ctrl-C came during this run. A KeyboardInterrupt raised inside a library's
    callback can come out wrapped in that library's error (pydantic turns it into a
    PydanticSerializationError, a ValueError, when it lands in a model's serialiser): the run
    was still interrupted, and exits 130, not 2 as a usage error."""

    seen = False

    @classmethod
    def handler(cls, signum: int, frame: object) -> None:
        cls.seen = True
        raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    import signal
    import threading

    _CtrlC.seen = False
    ours = threading.current_thread() is threading.main_thread() and \
        signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if ours:
        signal.signal(signal.SIGINT, _CtrlC.handler)
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
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def console_main() -> None:
    """The command's entry point (``contractscan``, ``python -m contractscan``): ``main()``, then
    exit without tearing the interpreter down. Freeing every module and object one by one at exit
    (the compiled rules, pydantic's schemas, the Hyperscan database) took ~0.15 s of a one-file
    run, and the operating system reclaims the memory at once. The output is flushed and the exit
    handlers run first; with another thread still running, or a flush that fails (a closed pipe),
    the interpreter exits as usual."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        sys.exit(code)
    import atexit
    import threading

    if threading.active_count() != 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        sys.exit(code)
    os._exit(code)


def _main(argv: list[str]) -> int:
    if argv[:1] == ["rules"]:
        return rules_command(argv[1:])
    if argv[:1] == ["schema"]:
        import json

        from .results import ScanResult

        print(json.dumps(ScanResult.model_json_schema(), indent=2))  # the JSON contract, with descriptions
        return EXIT_OK
    report = argv[:1] == ["report"]
    args = report_parser().parse_args(argv[1:]) if report else scan_parser().parse_args(argv)
    try:
        return _report(args) if report else _run(args)
    except BrokenPipeError:
        raise
    except ContractScanError as exc:
        if args.debug:
            raise
        if _CtrlC.seen:  # the interrupt, wrapped by the code it landed in
            print("contractscan: interrupted", file=sys.stderr)
            return 130
        print(f"contractscan: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, OSError) as exc:
        if args.debug:
            raise
        if _CtrlC.seen:  # the interrupt, wrapped by the code it landed in
            print("contractscan: interrupted", file=sys.stderr)
            return 130
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


def _check_output(args: argparse.Namespace) -> None:
    if args.format == "xlsx" and not (args.output and args.output.lower().endswith(".xlsx")):
        raise ValueError("--format xlsx writes an Excel file: give -o FILE.xlsx")


def _run(args: argparse.Namespace) -> int:
    from .batch import ScanSettings, default_workers, scan_sources

    _check_annotate(args)
    _check_output(args)
    check_targets({"-o": args.output, "--annotate": args.annotate}, args.paths, args.db)
    skip = _written_here(args)
    settings = ScanSettings.from_options(
        profile=args.profile, rules=args.rules, model=args.model, pdf_engine=args.pdf_engine,
        password=args.password, debug=args.debug, ocr=args.ocr, time_limit=args.time_limit,
        second_opinion=None if args.second_opinion is None else args.second_opinion == "on",
    )
    if args.annotate:  # needs the loaded document itself, so one file scanned right here
        analyzer = settings.build()
        return _render([analyzer.scan(args.paths[0])], args, analyzer.report_context())
    rules = _rules_for_report(args)
    if args.profile not in builtin_profiles():  # the built-in profiles are checked by the tests
        from .profiles import check_profile
        from .rules import load_rules

        check_profile(settings.profile, rules or load_rules(args.rules))
    context = ReportContext.of(settings.profile, rules)
    sets = None
    if args.sets:
        from .sets import find_sets

        sets = find_sets(args.sets, args.paths)
        for s in sets:  # this run's own report is no member of a set
            s.paths = [p for p in s.paths if file_key(p) not in skip]
        sets = [s for s in sets if s.paths]
        if not sets:
            raise ValueError("--sets: no documents found to group into sets")
    with _store(args.db, create=True) as store:
        results = scan_sources(
            [p for s in sets for p in s.paths] if sets else args.paths, settings,
            workers=args.workers or default_workers(), store=store, skip=skip,
            executor=args.executor, scheduler=args.scheduler,
            progress=not args.quiet and sys.stderr.isatty(),
            # reports that show the contract itself need the loaded document back
            attach=args.format in DOCUMENT_FORMATS and not sets, follow_links=args.follow_links,
        )
        if sets:
            results = _combine_sets(sets, results, settings)
        return _render(results, args, context)


def _combine_sets(sets, results: Iterable[ScanResult], settings) -> Iterator[ScanResult]:
    """Group the documents' results (they come in input order) into one result per set."""
    from .rules import load_rules
    from .sets import combine

    rules = {r.id: r for r in load_rules(settings.rule_paths())}  # the workers' rules, extra files included
    it = iter(results)
    for s in sets:
        yield combine(s, [next(it) for _ in s.paths], settings.profile, rules)


def _written_here(args: argparse.Namespace) -> set[FileKey]:
    """The files this run writes (-o, the --db store) that already exist, to leave out of the
    folders it scans: a report written into the folder it reports on would otherwise be read
    as a contract on the next run. An existing target there that is not a previous report (a
    contract) is refused rather than overwritten."""
    from .loaders import SUPPORTED_SUFFIXES

    folders = [os.path.join(os.path.realpath(p), "") for p in args.paths if os.path.isdir(p)]
    keys: set[FileKey] = set()
    for target in (args.output, args.db):
        key = file_key(target) if target else None
        if key is None:
            continue
        keys.add(key)
        scanned = target.lower().endswith(SUPPORTED_SUFFIXES + (".doc", ".rtf")) and any(
            os.path.realpath(target).startswith(f) for f in folders)
        if scanned and target != args.db and not looks_like_report(target):
            raise OutputConflict(f"-o {target} is a file in the folder being scanned, not a previous report: "
                                 "writing the report there would destroy it; choose another file name")
    return keys


def _report(args: argparse.Namespace) -> int:
    from .batch import results_from_store

    _check_output(args)
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

    def judged_by(r: ScanResult) -> str:
        return (r.profile or "-").split(": ")[0]  # an automatic profile names its choice: "auto: baa"

    wanted = load_profile(args.profile) if args.profile else None
    if wanted is not None:
        results = [r for r in results if judged_by(r) == wanted.name]
        if not results:
            raise ValueError(f"{args.db} holds no results judged under the profile {wanted.name!r}")
        return results, wanted
    counts = Counter(judged_by(r) for r in results)
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
    if args.format not in DOCUMENT_FORMATS | {"table", "xlsx"}:  # these name clauses by their rules
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

    if args.format == "xlsx":
        from .render.xlsx import write_xlsx

        with replace_on_success(args.output) as tmp:
            write_xlsx(tracked(results), tmp, context)
    elif args.output:
        with replace_on_success(args.output) as tmp, open(tmp, "w", encoding="utf-8") as out:
            RENDERERS[args.format](tracked(results), out, context)
    else:
        RENDERERS[args.format](tracked(results), _Stdout() if sys.stdout.isatty() else sys.stdout, context)
    annotate_path = getattr(args, "annotate", None)
    if annotate_path and scanned and scanned[0].error is not None:
        print(f"contractscan: nothing written to {annotate_path}: the contract could not be read", file=sys.stderr)
    elif annotate_path and scanned:
        from .errors import ScanTimeout
        from .render import annotate as annotating
        from .deadline import time_limit

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
    console_main()
