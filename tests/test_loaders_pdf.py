"""PDF: pages, running headers/footers, hyphenation, two columns, passwords, scans and OCR.

Every PDF is generated at run time (contractscan.testing.pdf: fpdf2 for text, Pillow for scanned pages).
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import run_cli
from fixtures import build
from fixtures.build_cache import cached_build

from contractscan.document import Document, Span
from contractscan.errors import CorruptFile, EncryptedFile, NoText
from contractscan.loaders import LoadOptions, load_bytes
from contractscan.segment import _mask_noise, segment
from contractscan.testing.pdf import blank_pdf

HAVE_TESSERACT = shutil.which("tesseract") is not None
needs_tesseract = pytest.mark.skipif(
    not HAVE_TESSERACT, reason="Tesseract is not installed (apt-get install tesseract-ocr); OCR cannot run"
)
NO_TESSERACT = LoadOptions(tesseract="/nonexistent/tesseract")
PARAS = [f"{h}. {b}" for h, b in build.CLAUSES]


def pages_of(result, clause_id):
    return sorted({c.page for c in result.clauses_for(clause_id)})


def test_every_clause_carries_its_page(analyzer):
    result = analyzer.scan(build.contract_pdf())
    assert result.pages == 2
    assert pages_of(result, "confidentiality") == [1]
    assert pages_of(result, "termination") == [2]
    assert pages_of(result, "governing_law") == [2]


def test_running_headers_footers_and_page_numbers_are_noise_not_clause_text(analyzer):
    long_clause = ("4. Termination. " + "The Customer may terminate this Agreement for convenience on ninety "
                   "days written notice to the Supplier. " * 120)
    pages = [["MASTER SERVICES AGREEMENT", *PARAS[:3], long_clause], [PARAS[4]]]
    data = build.pdf_pages(pages, header="ACME HEALTH - CONFIDENTIAL DRAFT", footer="Outsourcing Agreement v2",
                           page_numbers=True)
    doc = load_bytes(data)
    assert doc.page_count >= 3
    noise = [doc.text[s.start:s.end].strip() for s in doc.noise]
    assert noise.count("ACME HEALTH - CONFIDENTIAL DRAFT") == doc.page_count
    assert sum("Outsourcing Agreement v2" in n for n in noise) == doc.page_count
    # kept in the text (offsets match the source) but blanked for analysis
    assert doc.text.count("ACME HEALTH") == doc.page_count
    assert "ACME HEALTH" not in _mask_noise(doc)
    result = analyzer.scan(data)
    assert result.clauses
    for clause in result.clauses:
        assert "ACME" not in clause.text and "Outsourcing Agreement v2" not in clause.text
        assert "Page " not in clause.text


def test_body_lines_are_not_taken_for_headers():
    pages = [[f"Clause {i}. The Supplier shall report monthly on service level {i}.", PARAS[i % 5]] for i in range(6)]
    doc = load_bytes(build.pdf_pages(pages))
    assert doc.noise == []


def test_words_hyphenated_across_lines_are_joined():
    data = build.pdf_pages([["Each party shall keep the information strictly confiden-\n"
                             "tial and shall not disclose it.", *PARAS]])
    assert "strictly confidential and" in load_bytes(data).text


def test_two_column_page_is_read_column_by_column(analyzer):
    extra = ("Notices shall be in writing and delivered by hand or by registered mail to the address of "
             "the other party stated above, and take effect on receipt.")
    left = " ".join(PARAS[:3]) + " 6. Notices. " + extra
    right = " ".join(PARAS[3:]) + " 7. Assignment. Neither party may assign this Agreement without consent. " \
        + " 8. Notices to the Supplier. " + extra
    data = build.two_column_pdf(left, right, title="MASTER SERVICES AGREEMENT",
                                closing="Signed by the authorised representatives of both parties on the date "
                                "written above.")
    for engine in ("pdfium", "pdfplumber"):
        text = " ".join(load_bytes(data, options=LoadOptions(pdf_engine=engine)).text.split())
        for para in PARAS:
            assert para in text, engine
        assert text.index("Confidentiality") < text.index("Limitation") < text.index("Termination")
        assert text.startswith("MASTER SERVICES AGREEMENT") and text.endswith("date written above.")
    result = analyzer.scan(data)
    assert {"confidentiality", "termination", "governing_law"} <= set(result.present)


def test_encrypted_pdf_needs_its_password():
    data = build.contract_pdf(password="s3cret")
    for engine in ("pdfium", "pdfplumber"):
        with pytest.raises(EncryptedFile, match="--password"):
            load_bytes(data, options=LoadOptions(pdf_engine=engine))
        with pytest.raises(EncryptedFile, match="wrong"):
            load_bytes(data, options=LoadOptions(pdf_engine=engine, password="guess"))
        doc = load_bytes(data, options=LoadOptions(pdf_engine=engine, password="s3cret"))
        assert "Confidentiality" in doc.text and doc.page_count == 2


@pytest.mark.slow
def test_cli_password_flag(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(build.contract_pdf(password="s3cret"))
    locked = run_cli(str(path), "-f", "json", "--fail-on", "never")
    assert locked.returncode == 3
    assert json.loads(locked.stdout)["error"]["type"] == "encrypted"
    opened = run_cli(str(path), "-f", "json", "--fail-on", "never", "--password", "s3cret")
    assert opened.returncode == 0, opened.stderr
    assert "governing_law" in json.loads(opened.stdout)["present"]


def test_truncated_pdf_is_corrupt_not_silently_partial():
    data = build.contract_pdf()
    with pytest.raises(CorruptFile, match="truncated"):
        load_bytes(data[: len(data) // 2])


# ---------------------------------------------------------------- scans and OCR


@pytest.mark.slow
@needs_tesseract
def test_image_only_contract_is_read_by_ocr_with_clauses_on_their_pages(analyzer):
    result = analyzer.scan(build.scanned_contract_pdf())
    assert result.error is None
    assert [w.type for w in result.warnings] == ["ocr"] and result.warnings[0].pages == [1, 2]
    assert pages_of(result, "confidentiality") == [1]
    assert pages_of(result, "liability.limitation") == [1]
    assert pages_of(result, "termination") == [2]
    assert pages_of(result, "governing_law") == [2]
    assert not [f for f in result.findings if f.kind == "missing" and f.rule in
                ("confidentiality", "termination", "governing_law")]


@pytest.mark.slow
@needs_tesseract
def test_ocr_auto_reads_only_the_scanned_page(analyzer):
    result = analyzer.scan(build.mixed_pdf(PARAS[:3], PARAS[3:]))
    assert [(w.type, w.pages) for w in result.warnings] == [("ocr", [2])]
    assert pages_of(result, "governing_law") == [2]


@pytest.mark.slow
@needs_tesseract
def test_ocr_always_reads_every_page():
    doc = load_bytes(build.contract_pdf(), options=LoadOptions(ocr="always"))
    assert [(w.type, w.pages) for w in doc.warnings] == [("ocr", [1, 2])]
    assert "Governing Law" in doc.text


def test_without_ocr_scanned_pages_are_named_and_missing_findings_uncertain(analyzer_with):
    analyzer = analyzer_with(load_options=NO_TESSERACT)
    result = analyzer.scan(build.mixed_pdf(PARAS[:3], PARAS[3:]))
    [warning] = result.warnings
    assert warning.type == "unreadable_pages" and warning.pages == [2]
    assert "tesseract-ocr" in warning.message
    missing = [f for f in result.findings if f.kind == "missing"]
    assert missing and all(f.uncertain for f in missing)
    assert any(f.rule == "governing_law" for f in missing)


def test_ocr_never_leaves_scanned_pages_unread():
    doc = load_bytes(build.mixed_pdf(PARAS[:3], PARAS[3:]), options=LoadOptions(ocr="never"))
    assert doc.unreadable_pages == [2] and "--ocr never" in doc.warnings[0].message


def test_blank_and_rules_only_pages_are_neither_ocred_nor_unreadable(monkeypatch):
    from contractscan.loaders import ocr

    asked: list[list[int]] = []
    monkeypatch.setattr(ocr, "ocr_pages", lambda data, pages, options: asked.append(pages) or {})
    monkeypatch.setattr(ocr, "tesseract_path", lambda options: "/usr/bin/tesseract")
    doc = load_bytes(build.pdf_with_blank_pages(PARAS), options=LoadOptions(ocr="auto"))
    assert doc.page_count == 3 and asked == []
    assert doc.warnings == [] and doc.unreadable_pages == []
    assert "Governing Law" in doc.text


_blank_pdf = cached_build(blank_pdf)


def test_a_pdf_of_blank_pages_is_no_text_and_says_blank():
    with pytest.raises(NoText, match="all 2 page.s. are blank"):
        load_bytes(_blank_pdf(2))


def test_a_scanned_page_is_not_taken_for_blank():
    from contractscan.loaders import ocr

    data = build.mixed_pdf(PARAS[:3], ["Signed for the Supplier by its authorised officer."])
    assert ocr.blank_pages(data, [2], LoadOptions()) == set()


def test_document_without_any_readable_text_is_no_text(analyzer_with):
    with pytest.raises(NoText, match="tesseract-ocr"):
        load_bytes(build.scanned_contract_pdf(), options=NO_TESSERACT)
    result = analyzer_with(load_options=NO_TESSERACT).scan(build.scanned_contract_pdf())
    assert result.error is not None and result.error.type == "no_text"


def test_a_page_number_inside_a_sentence_does_not_split_the_clause():
    text = ("15. LIMITATION OF LIABILITY\nNEITHER PARTY IS LIABLE UNDER ANY CONTRACT,\n 10\n"
            "STRICT LIABILITY, TORT OR OTHER THEORY FOR ANY INDIRECT DAMAGES.")
    start = text.index(" 10")
    clauses = segment(Document(text=text, noise=[Span(start, start + 3)]))
    assert any("CONTRACT," in c.text and "STRICT LIABILITY" in c.text for c in clauses)


@pytest.mark.slow
def test_cli_ocr_never_and_time_limit_flags(tmp_path):
    scanned = tmp_path / "scanned.pdf"
    scanned.write_bytes(build.scanned_contract_pdf())
    slow = tmp_path / "slow.txt"
    slow.write_text("\n\n".join(build.contract_text() for _ in range(3000)))
    done = run_cli(str(tmp_path), "-f", "json", "--fail-on", "never", "--ocr", "never", "--time-limit", "3")
    assert done.returncode == 3, done.stderr
    errors = {r["source"].rsplit("/", 1)[-1]: r["error"] for r in json.loads(done.stdout)}
    assert errors["scanned.pdf"]["type"] == "no_text" and "--ocr never" in errors["scanned.pdf"]["message"]
    assert errors["slow.txt"]["type"] == "timeout"
