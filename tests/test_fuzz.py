"""Property-based fuzzing of the loaders and the segmenter (hypothesis).

A bounded, derandomised number of cases runs in CI (150 per test; the quick run, -m "not slow",
runs 30: see conftest.examples); set CONTRACTSCAN_FUZZ_EXAMPLES
to fuzz longer (and CONTRACTSCAN_FUZZ_RANDOM=1 for fresh cases each run). The
only exceptions allowed out of the loaders are typed ContractScanErrors.
"""

from __future__ import annotations

import io
import os
import zipfile

from fixtures import build
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractscan.document import Document, Span
from contractscan.errors import ContractScanError
from contractscan.loaders import LoadOptions, load_bytes, sniff
from contractscan.segment import segment

EXAMPLES = int(os.environ.get("CONTRACTSCAN_FUZZ_EXAMPLES", examples(150)))
fuzz = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CONTRACTSCAN_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPTIONS = LoadOptions(ocr="never", max_decompressed_bytes=5 * 1024 * 1024)  # OCR is a subprocess: too slow here

SEEDS = {
    "pdf": build.contract_pdf(),
    "docx": build.contract_docx(),
    "text": build.contract_text().encode("utf-8"),
}


def load_or_typed_error(data: bytes) -> Document | None:
    try:
        doc = load_bytes(data, "<fuzz>", OPTIONS)
    except ContractScanError as exc:
        assert exc.type in {"unsupported_format", "corrupt", "encrypted", "too_large", "no_text", "io_error"}
        return None
    assert doc.text.strip()
    assert all(0 <= s < len(doc.text) + 1 for s in doc.page_starts)
    assert all(0 <= sp.start <= sp.end <= len(doc.text) for sp in doc.noise)
    return doc


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, how many bytes to drop, bytes to insert) edits."""
    out = bytearray(data)
    for pos, drop, insert in edits:
        pos %= max(len(out), 1)
        out[pos:pos + drop] = insert
    return bytes(out)


edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 64), st.binary(max_size=16)), min_size=1,
                 max_size=8)


@fuzz
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    assert sniff(data) in {"pdf", "docx", "doc", "rtf", "zip", "corrupt_zip", "text"}
    load_or_typed_error(data)


@fuzz
@given(st.sampled_from(sorted(SEEDS)), edits)
def test_mutated_real_files(kind, changes):
    load_or_typed_error(mutate(SEEDS[kind], changes))


@fuzz
@given(st.sampled_from(["<w:p>", "<w:ins>", "</w:r>", "<w:numPr>", "<w:tbl>", "<w:t>", "&amp;", "\x00", "]]>"]),
       st.integers(0, 1 << 16), st.integers(0, 40))
def test_mutated_wordprocessingml(fragment, pos, drop):
    """Damage inside document.xml (the zip stays valid), where the DOCX walker works."""
    body = (build.para("1. Services", num=1) + build.table([["a", "b"]]) + build.para("x", build.ins("y"))
            + build.para(build.delete("z"), "w", num=1, level=1))
    clean = build.docx(body, numbering=build.outline_numbering())
    with zipfile.ZipFile(io.BytesIO(clean)) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    pos %= len(xml)
    parts["word/document.xml"] = (xml[:pos] + fragment + xml[pos + drop:]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    load_or_typed_error(out.getvalue())


@fuzz
@given(st.text(max_size=3000), st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 200)), max_size=5))
def test_segmenter_on_arbitrary_text(text, noise):
    spans = [Span(min(a, len(text)), min(a + n, len(text))) for a, n in noise]
    doc = Document(text=text, noise=spans)
    clauses = segment(doc)
    last = -1
    for c in clauses:
        assert 0 <= c.start <= c.end <= len(text)
        assert c.text == text[c.start:c.end]
        assert c.start >= last  # in document order, no overlap
        last = c.end


@fuzz
@given(st.lists(st.sampled_from([
    "ARTICLE IV", "Section 12.1", "12.", "(a)", "(iv)", "a)", "LIMITATION OF LIABILITY", "Confidentiality.",
    "The Supplier shall", "Page 3 of 9", "1.1.1.1", "§ 5", "TABLE OF CONTENTS ...... 3", "", "   ", "\t",
]), max_size=60))
def test_segmenter_on_contract_like_lines(lines):
    text = "\n".join(lines)
    clauses = segment(Document(text=text))
    assert all(c.text == text[c.start:c.end] for c in clauses)
