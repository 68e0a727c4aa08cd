#!/usr/bin/env python3
"""Scan a folder of broken and hostile files (plus good contracts) with the CLI.

Usage: python benchmarks/hostile.py [--keep DIR] [--time-limit SECONDS]

Builds the folder (generated, nothing downloaded): zero-byte, truncated PDF and
DOCX, random bytes, wrong extensions, a DOCX that inflates to 2 GB (honest and
lying zip headers), an XML entity bomb, a DOCX of 15 million empty paragraphs, a
PDF whose content stream inflates to 1 GB, a 5 MB single-line text, a 5,001-page
PDF, an encrypted PDF, a text that takes longer than the time limit, symbolic
link loops, links out of the folder (to a file, to /dev/zero), a named pipe, a file name
that is not UTF-8, a folder tree 1,100 levels deep, and good contracts (PDF, DOCX, text,
two-column, scanned). Then runs
``python -m contractscan FOLDER -f json`` as a subprocess and prints wall time,
peak memory of the child (getrusage RUSAGE_CHILDREN) and, per file, the result.
Exit 1 when a file has no result, more than one, or not the expected error type,
or when the targets (90 s, 1.5 GB) are missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from fixtures import build  # noqa: E402

from contractscan.testing.pdf import numbered_pages_pdf  # noqa: E402

TARGET_SECONDS = 90
DEPTH = 1100  # folders, one inside the other
TARGET_BYTES = 1.5 * 1024**3


def make_folder(root: Path) -> dict[str, str | None]:
    """Write the files; return {relative path: expected error type or None}."""
    paras = [f"{h}. {b}" for h, b in build.CLAUSES]
    docx = build.contract_docx()
    pdf = build.contract_pdf()
    files: dict[str, tuple[bytes, str | None]] = {
        "broken/zero-byte.pdf": (b"", "no_text"),
        "broken/truncated.pdf": (pdf[: len(pdf) // 2], "corrupt"),
        "broken/truncated.docx": (docx[: len(docx) * 2 // 3], "corrupt"),
        "broken/random.pdf": (build.random_bytes(1 << 20, seed=3), "unsupported_format"),
        "broken/random.docx": (build.random_bytes(1 << 16, seed=4), "unsupported_format"),
        "broken/random.txt": (build.random_bytes(1 << 16, seed=5), "unsupported_format"),
        "broken/legacy.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "unsupported_format"),
        "broken/legacy.rtf": (b"{\\rtf1\\ansi Governing law: Texas.}", "unsupported_format"),
        "hostile/zip-bomb-2gb.docx": (build.zip_bomb_docx(2 * 1024**3 - 1024), "too_large"),
        "hostile/zip-bomb-lying-headers.docx": (build.lying_zip_bomb_docx(2 * 1024**3 - 1024), "corrupt"),
        "hostile/billion-laughs.docx": (build.billion_laughs_docx(), "corrupt"),
        "hostile/xml-tag-flood.docx": (build.docx("<w:p/>" * 15_000_000), "too_large"),
        "hostile/pdf-stream-bomb-1gb.pdf": (build.pdf_stream_bomb(1024**3), "too_large"),
        "hostile/single-line-5mb.txt": (build.single_line_text(), "too_large"),
        "hostile/5001-pages.pdf": (numbered_pages_pdf(5001), "too_large"),
        "hostile/encrypted.pdf": (build.contract_pdf(password="secret"), "encrypted"),
        "hostile/slow-6mb.txt": ("\n\n".join(build.contract_text() for _ in range(6000)).encode(), "timeout"),
        "good/contract.pdf": (pdf, None),
        "good/contract.docx": (docx, None),
        "good/contract.txt": (build.contract_text().encode("cp1252"), None),
        "good/contract-utf16.txt": (build.contract_text().encode("utf-16"), None),
        "good/pdf-named.docx": (pdf, None),
        "good/docx-named.pdf": (docx, None),
        "good/headers.pdf": (build.contract_pdf(header="ACME - CONFIDENTIAL", page_numbers=True), None),
        "good/two-column.pdf": (build.two_column_pdf(" ".join(paras[:3]) * 2, " ".join(paras[3:]) * 3,
                                                     "MASTER SERVICES AGREEMENT", "Signed by both parties."),
                                None),
        "good/scanned.pdf": (build.scanned_contract_pdf(), None if shutil.which("tesseract") else "no_text"),
    }
    for name, (data, _) in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    links = {
        "links/loop": (root, None),  # a folder that contains itself: not followed
        "links/ring-a.pdf": (root / "links/ring-b.pdf", "io_error"),
        "links/ring-b.pdf": (root / "links/ring-a.pdf", "io_error"),
        "links/dangling.pdf": (root / "links/gone.pdf", "io_error"),
    }
    outside = root.parent / (root.name + "-outside.txt")  # a file next to the folder, not in it
    outside.write_text("The secret word is SWORDFISH.")
    links.update({
        "links/to-outside.txt": (outside, "io_error"),  # not followed without --follow-links
        "links/dev-zero.pdf": (Path("/dev/zero"), "io_error"),  # outside the folder too: never opened
    })
    (root / "links").mkdir(exist_ok=True)
    for name, (target, _) in links.items():
        os.symlink(target, root / name)
    expected = {name: kind for name, (_, kind) in files.items()}
    expected.update({name: kind for name, (_, kind) in links.items() if name != "links/loop"})
    (root / "special").mkdir()
    os.mkfifo(root / "special/named-pipe.txt")  # would block a reader for ever
    expected["special/named-pipe.txt"] = "unsupported_format"
    with open(os.path.join(os.fsencode(root / "good"), b"non-utf8-caf\xe9.txt"), "wb") as f:
        f.write(build.contract_text().encode())
    expected["good/non-utf8-caf\\xe9.txt"] = None  # the name shown escaped
    deep = str(root / "deep")
    os.mkdir(deep)
    for _ in range(DEPTH):  # one by one: makedirs recurses
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
    Path(deep, "contract.txt").write_bytes(build.contract_text().encode())
    expected[os.path.relpath(os.path.join(deep, "contract.txt"), root)] = None
    return expected


def remove_tree(top: Path) -> None:
    """shutil.rmtree recurses, and the deep folder is deeper than Python's recursion limit."""
    stack, order = [str(top)], []
    while stack:
        d = stack.pop()
        order.append(d)
        for entry in os.scandir(d):
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                os.unlink(entry.path)
    for d in reversed(order):
        os.rmdir(d)
    outside = top.parent / (top.name + "-outside.txt")
    if outside.exists():
        outside.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, help="build the folder here and keep it")
    ap.add_argument("--time-limit", type=float, default=3.0,
                    help="--time-limit passed to the CLI (the slow file, about 10 s of work, must exceed it; default 3)")
    args = ap.parse_args(argv)
    tmp = None
    if args.keep:
        root = args.keep
        if root.exists():
            remove_tree(root)
        root.mkdir(parents=True)
    else:
        tmp = tempfile.mkdtemp(prefix="contractscan-hostile-")
        root = Path(tmp)
    try:
        t0 = time.perf_counter()
        expected = make_folder(root)
        print(f"built {len(expected)} files in {time.perf_counter() - t0:.1f} s under {root}")
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "contractscan", str(root), "-f", "json", "--fail-on", "never",
             "--time-limit", str(args.time_limit)],
            capture_output=True, text=True, env=env, cwd=ROOT,
        )
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux: kilobytes
        problems = []
        if "Traceback" in done.stderr:
            problems.append("a traceback reached stderr")
        try:
            results = json.loads(done.stdout)
        except json.JSONDecodeError:
            print(done.stderr[-3000:])
            print("the CLI did not print JSON")
            return 1
        results = results if isinstance(results, list) else [results]
        seen: dict[str, list[dict]] = {}
        for r in results:
            seen.setdefault(os.path.relpath(r["source"], root), []).append(r)
        print(f"\n{'file':<38}{'expected':<20}{'got':<20}message")
        for name in sorted(set(expected) | set(seen)):
            got = seen.get(name, [])
            kind = (got[0]["error"] or {}).get("type") if got else "(no result)"
            want = expected.get(name, "(unexpected)")
            msg = ((got[0]["error"] or {}).get("message", "") if got else "")
            if not msg and got:
                msg = "present: " + ", ".join(got[0]["present"]) + (
                    "; warnings: " + ", ".join(w["type"] for w in got[0]["warnings"]) if got[0]["warnings"] else "")
            shown = name if len(name) <= 36 else name[:16] + "..." + name[-17:]
            print(f"{shown:<38}{str(want):<20}{str(kind):<20}{msg[:90]}")
            if len(got) != 1:
                problems.append(f"{name}: {len(got)} results")
            elif kind != want:
                problems.append(f"{name}: expected {want}, got {kind}")
            elif want is None and not got[0]["present"]:
                problems.append(f"{name}: a good contract with no clause found")
        print(f"\n{len(expected)} files, {len(results)} results, exit code {done.returncode}")
        print(f"wall time {wall:.1f} s (target < {TARGET_SECONDS} s); "
              f"peak memory {peak / 1024**2:.0f} MB (target < {TARGET_BYTES / 1024**3:.1f} GB)")
        if wall >= TARGET_SECONDS:
            problems.append("too slow")
        if peak >= TARGET_BYTES:
            problems.append("too much memory")
        if done.returncode != 3:
            problems.append(f"exit code {done.returncode}, expected 3 (some files unreadable)")
        for p in problems:
            print("PROBLEM:", p)
        print("OK" if not problems else "FAILED")
        return 1 if problems else 0
    finally:
        if tmp is not None:
            remove_tree(root)


if __name__ == "__main__":
    sys.exit(main())
