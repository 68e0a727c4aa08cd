"""``contractscan rules list|check|lint|docs``: rule files listed, their examples run, linted
as CI lints them, and the Markdown rule reference written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, time_limit_option
from .errors import ContractScanError


def rules_command(argv: list[str]) -> int:
    from .rules import load_rules

    p = argparse.ArgumentParser(prog="contractscan rules", description="List, check, lint or document rule files.")
    sub = p.add_subparsers(dest="cmd", required=True)
    ls = sub.add_parser("list", help="show the rules in use")
    ls.add_argument("--rules", "-r", action="append", default=[], metavar="FILE.yaml")
    ck = sub.add_parser("check", help="validate rule files and run their examples")
    ck.add_argument("files", nargs="+", metavar="FILE.yaml")
    ck.add_argument("--time-limit", type=time_limit_option, default=30.0, metavar="SECONDS",
                    help="time a rule's examples may take; a pattern that backtracks without end fails "
                    "(default 30, 0 = none)")
    ln = sub.add_parser("lint", help="check rule files (default: the built-in ones) as CI does: examples, "
                        "a match example for every pattern, repeated alternations; exit 1 on a problem")
    ln.add_argument("files", nargs="*", metavar="FILE.yaml")
    ln.add_argument("--strict", action="store_true", help="warnings count as problems too")
    dc = sub.add_parser("docs", help="write the Markdown rule reference of the built-in rules")
    dc.add_argument("-o", "--output", metavar="FILE.md", help="write here (default: stdout)")
    args = p.parse_args(argv)
    try:
        if args.cmd == "list":
            for r in sorted(load_rules(args.rules), key=lambda r: r.id):
                src = Path(r.source_file or "").name
                print(f"{r.id:<32} {r.name:<34} {src}")
            return EXIT_OK
        if args.cmd == "docs":
            from .docs import rules_reference

            text = rules_reference()
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return EXIT_OK
        if args.cmd == "lint":
            return _lint(args.files, args.strict)
        return _check(args.files, args.time_limit)
    except ContractScanError as exc:
        print(f"contractscan: {exc.message}", file=sys.stderr)
        return EXIT_USAGE


def _check(files: list[str], seconds: float = 30.0) -> int:
    """Each file's examples, read with the built-in rules as the test suite reads them (a
    child rule that makes its parent present takes part); a file's rule replaces a built-in
    one with the same id. A rule whose examples take longer than ``seconds`` fails: a pattern
    that backtracks without end must not hang the check."""
    from .errors import ScanTimeout
    from .examples import run_examples
    from .match import ClauseMatcher
    from .rules import load_rule_file, load_rules
    from .deadline import time_limit

    nlp = None  # spaCy is built by the matcher when a rule has token patterns
    loaded = {f: load_rule_file(f) for f in files}
    context = {r.id: r for r in load_rules()}
    context.update((r.id, r) for rules in loaded.values() for r in rules)
    failures = 0
    for f, rules in loaded.items():
        ClauseMatcher(rules, nlp)  # compiles every pattern: spaCy errors surface here
        for rule in rules:
            try:
                with time_limit(seconds):
                    problems = run_examples(rule, nlp, list(context.values()))
            except ScanTimeout:
                problems = [f"its examples took more than {seconds:g} s (--time-limit): does a pattern "
                            "backtrack catastrophically, such as (a+)+ or (\\w+\\s?)*?"]
            n = len(rule.examples.match) + len(rule.examples.no_match)
            if problems:
                failures += len(problems)
                for msg in problems:
                    print(f"FAIL {f}: rule {rule.id}: {msg}")
            else:
                print(f"ok   {f}: rule {rule.id}: {n} example(s) pass")
    return EXIT_FINDINGS if failures else EXIT_OK


def _lint(files: list[str], strict: bool) -> int:
    from .lint import lint
    from .rules import builtin_rule_files

    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        print(f"contractscan: no such rule file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    paths = files or [str(p) for p in builtin_rule_files()]
    problems = lint(paths)
    for problem in problems:
        print(problem)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{len(paths)} file(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_FINDINGS if errors or (strict and warnings) else EXIT_OK
