"""Broken and hostile files: one result each, a typed error, a one-line message, and the batch goes on."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile

import pytest
from conftest import run_cli
from fixtures import build

from contractscan.loaders import LoadOptions
from contractscan.inputs import iter_files

SMALL = LoadOptions(max_decompressed_bytes=2 * 1024 * 1024, max_pages=1)



def _truncated_docx() -> bytes:
    data = build.contract_docx()
    return data[: len(data) * 2 // 3]


def _not_a_docx_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return out.getvalue()


HOSTILE = {
    "zero-byte": (lambda: b"", "no_text"),
    "truncated pdf": (lambda: build.contract_pdf()[:1500], "corrupt"),
    "truncated docx": (_truncated_docx, "corrupt"),
    "random bytes": (build.random_bytes, "unsupported_format"),
    "pdf header then garbage": (lambda: b"%PDF-1.7\n" + build.random_bytes(4000) + b"\n%%EOF\n", "corrupt"),
    "zip that is not a docx": (_not_a_docx_zip, "unsupported_format"),
    "zip bomb": (lambda: build.zip_bomb_docx(20 * 1024 * 1024), "too_large"),
    "zip bomb with lying headers": (lambda: build.lying_zip_bomb_docx(20 * 1024 * 1024), "corrupt"),
    "billion laughs": (build.billion_laughs_docx, "corrupt"),
    "pdf stream bomb": (lambda: build.pdf_stream_bomb(20 * 1024 * 1024), "too_large"),
    "5 MB single line": (build.single_line_text, "too_large"),
    "too many pages": (build.contract_pdf, "too_large"),
    "encrypted": (lambda: build.contract_pdf(password="pw"), "encrypted"),
    "legacy .doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048), "unsupported_format"),
}


@pytest.fixture(scope="module")
def small_limits(analyzer_with):
    return analyzer_with(load_options=SMALL)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_gets_a_typed_one_line_error(name, small_limits):
    make, kind = HOSTILE[name]
    result = small_limits.scan(make(), name=name)
    assert result.error is not None, name
    assert result.error.type == kind, result.error.message
    assert "\n" not in result.error.message and 0 < len(result.error.message) <= 500
    assert "Traceback" not in result.error.message


def test_pdf_stream_just_under_the_limit_is_read(small_limits):
    doc = small_limits.load(build.pdf_stream_bomb(1024 * 1024))
    assert "Services Agreement" in doc.text


def test_lying_zip_headers_are_not_trusted(analyzer_with):
    """The headers say 1,000 bytes; inflating is stopped there and the damage reported."""
    data = build.lying_zip_bomb_docx(50 * 1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.getinfo("word/document.xml").file_size == 1000
    result = analyzer_with(load_options=LoadOptions(max_decompressed_bytes=10_000)).scan(data)
    assert result.error is not None and result.error.type in ("corrupt", "too_large")


@pytest.mark.parametrize("suffix", [".docx", ".txt", ".md"])
def test_wrong_extension_is_read_by_content(tmp_path, suffix, analyzer):
    path = tmp_path / f"contract{suffix}"
    path.write_bytes(build.contract_pdf())
    result = analyzer.scan(path)
    assert result.error is None and result.format == "pdf" and "governing_law" in result.present


def test_time_limit_stops_a_slow_file_and_the_next_file_runs(analyzer_with):
    slow = "\n\n".join([build.contract_text()] * 3000).encode()  # ~3 MB of clauses
    limited = analyzer_with(time_limit=0.25)
    started = time.monotonic()
    result = limited.scan(slow, name="slow.txt")
    assert result.error is not None and result.error.type == "timeout", result.error
    assert time.monotonic() - started < 30
    # the alarm is cleared: nothing fires after the limit has passed (a whole contract could take
    # more than 0.25 s on a loaded machine, so a one-line text is scanned)
    time.sleep(0.35)
    assert limited.scan(b"This Agreement is governed by the laws of the State of Texas.").error is None


def _hostile_folder(root):
    files = {
        "empty.pdf": b"",
        "truncated.pdf": build.contract_pdf()[:1500],
        "truncated.docx": _truncated_docx(),
        "random.pdf": build.random_bytes(),
        "bomb.docx": build.zip_bomb_docx(150 * 1024 * 1024),
        "laughs.docx": build.billion_laughs_docx(),
        "oneline.txt": build.single_line_text(),
        "locked.pdf": build.contract_pdf(password="pw"),
        "good.pdf": build.contract_pdf(),
        "good.docx": build.contract_docx(),
        "sub/good.txt": build.contract_text().encode(),
        "pdf-named.docx": build.contract_pdf(),
    }
    _write(root, files)
    _link_loops(root)
    return files


def _write(root, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def _link_loops(root) -> None:
    os.symlink(root, root / "sub" / "loop")  # a folder loop
    os.symlink(root / "ring-b.pdf", root / "ring-a.pdf")  # a file symlink ring
    os.symlink(root / "ring-a.pdf", root / "ring-b.pdf")
    os.symlink(root / "gone.pdf", root / "dangling.pdf")


def test_symlink_loops_are_reported_once_not_followed(tmp_path):
    # the walk reads names, not contents: the hostile folder's links beside two plain files
    _write(tmp_path, {"good.pdf": b"%PDF-", "sub/good.txt": b"text"})
    _link_loops(tmp_path)
    found = [(p.name, problem is not None) for p, problem in iter_files(tmp_path)]
    names = [n for n, _ in found]
    assert len(names) == len(set(names)), "a file was listed twice (the loop was followed)"
    assert {"ring-a.pdf", "ring-b.pdf", "dangling.pdf", "good.pdf", "good.txt"} <= set(names)


@pytest.mark.slow
def test_cli_folder_of_hostile_files_gives_one_result_each(tmp_path):
    files = _hostile_folder(tmp_path)
    done = run_cli(str(tmp_path), "-f", "json", "--fail-on", "never")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    results = {os.path.relpath(r["source"], tmp_path): r for r in json.loads(done.stdout)}
    expected = set(files) | {"ring-a.pdf", "ring-b.pdf", "dangling.pdf"}
    assert set(results) == expected
    errors = {name: (r["error"] or {}).get("type") for name, r in results.items()}
    assert errors == {
        "empty.pdf": "no_text", "truncated.pdf": "corrupt", "truncated.docx": "corrupt",
        "random.pdf": "unsupported_format", "bomb.docx": "too_large", "laughs.docx": "corrupt",
        "oneline.txt": "too_large", "locked.pdf": "encrypted", "ring-a.pdf": "io_error",
        "ring-b.pdf": "io_error", "dangling.pdf": "io_error",
        "good.pdf": None, "good.docx": None, "sub/good.txt": None, "pdf-named.docx": None,
    }
    for name in ("good.pdf", "good.docx", "sub/good.txt", "pdf-named.docx"):
        assert "governing_law" in results[name]["present"], name


def test_docx_with_too_many_xml_elements_is_refused_before_parsing(analyzer_with):
    body = build.para("x") * 2000
    result = analyzer_with(load_options=LoadOptions(max_xml_tags=5000)).scan(build.docx(body))
    assert result.error is not None and result.error.type == "too_large" and "XML tags" in result.error.message
