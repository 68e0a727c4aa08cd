"""Size and load time of the HTML report of a folder, opened in headless Chromium.

    python benchmarks/html_report.py ../../shared/cuad-dev [--runs 3] [--keep report.html]

For the cuad-dev layout (a pdf/ folder inside) the 308 PDFs are scanned, as a user would.
Scans the folder once, renders the report with the default full-text budget (and, for
comparison, with a tight budget so later contracts show excerpts), and prints each file's
size and the median time from navigation to the load event, to the first moment the page
answers a script, and to jump to the last highlighted clause. Targets: under 30 MB and
under 3 s.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from chromium_cdp import Chromium  # noqa: E402

from contractscan import Analyzer  # noqa: E402
from contractscan.render.html import FULL_TEXT_BUDGET, render_html  # noqa: E402

SIZE_TARGET = 30 * 1024 * 1024
TIME_TARGET = 3.0


def measure(path: Path, runs: int) -> tuple[float, float, float]:
    """Median seconds to the load event, to a page ready for scripts, and for a jump to a
    clause two thirds down the report to show that clause on screen (sections are laid
    out on demand, so this is the case to watch)."""
    loads, readies, jumps = [], [], []
    with Chromium() as browser:
        for _ in range(runs):
            started = time.monotonic()
            loads.append(browser.open(path, timeout=120))
            target = browser.evaluate("(t => t[Math.floor(t.length * 2 / 3)].id)"
                                      "([...document.querySelectorAll('.tag[id]')])")  # needs a free main thread
            readies.append(time.monotonic() - started)
            started = time.monotonic()
            browser.evaluate(f"location.hash = '#{target}'")
            while not browser.evaluate(ON_SCREEN.replace("ID", target)):
                if time.monotonic() - started > 10:
                    raise AssertionError(f"the jump to #{target} did not show the clause")
                time.sleep(0.02)
            jumps.append(time.monotonic() - started)
    return statistics.median(loads), statistics.median(readies), statistics.median(jumps)


ON_SCREEN = """(() => { const t = document.getElementById('ID'), r = t.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && document.elementFromPoint(r.left + 2, r.top + 2) === t; })()"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", metavar="FILE", help="also save the default report here")
    args = ap.parse_args()

    folder = Path(args.folder)
    if (folder / "pdf").is_dir():
        folder = folder / "pdf"
    started = time.monotonic()
    analyzer = Analyzer()
    results = list(analyzer.scan_folder(folder))
    scan_s = time.monotonic() - started
    text_chars = sum(len(r.document.text) for r in results if r.document is not None)
    print(f"scanned {len(results)} files in {folder} ({text_chars:,} characters of text) in {scan_s:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        for label, budget in (("default budget", FULL_TEXT_BUDGET), ("tight budget", 4_000_000)):
            buf = io.StringIO()
            t0 = time.monotonic()
            render_html(results, buf, analyzer.report_context(), full_text_budget=budget)
            render_s = time.monotonic() - t0
            path = Path(tmp) / f"report-{budget}.html"
            path.write_text(buf.getvalue(), encoding="utf-8")
            size = path.stat().st_size
            load, ready, jump = measure(path, args.runs)
            excerpts = buf.getvalue().count('">Clause excerpts</h3>')
            print(f"{label:<17} budget {budget:>14,} chars: {size / 1e6:6.1f} MB "
                  f"({size / SIZE_TARGET:.2f} of the 30 MB target), render {render_s:.1f} s, "
                  f"load event {load:.2f} s, ready {ready:.2f} s ({ready / TIME_TARGET:.2f} of the 3 s target), "
                  f"jump to a clause {jump:.2f} s, {excerpts} contracts as excerpts")
            if args.keep and budget == FULL_TEXT_BUDGET:
                Path(args.keep).write_text(buf.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
