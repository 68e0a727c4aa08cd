"""OCR pages are matched as corrected for Tesseract's usual misreadings; quotes keep what OCR read.

The OCR text here is written by hand after what Tesseract made of real scans (rn read as m,
stray marks, a blank line inside a sentence); the scans in the slow test are made here too.
"""

from __future__ import annotations

import shutil

import pytest
from fixtures import build

from contractscan.document import Document, OffsetMap
from contractscan.loaders import load_bytes
from contractscan.loaders.ocrfix import corrections
from contractscan.testing.pdf import SEVERITIES, degraded_scan

OCR_PAGE = (
    "MASTER SERVICES AGREEMENT\n\n"
    "1. Confidentiality. Each party shall keep the Confidential lnformation of the other party\n"
    "confidential and shall not disclose it tc any third party without prior written consent.\n\n"
    "2. Term. This Agreement.will continue for two years ; unless terminated earlier.\n\n"
    "8 14.7. Governing Law. This Agreement shall be govemed by and construed in accordance with\n"
    "the laws of the State of\n\n"
    "'. Massachusetts, without regard to its conflict of laws principles.\n"
)


def corrected(text: str) -> str:
    return Document(text=text, corrections=corrections(text)).corrected()[0].text


def test_the_usual_misreadings_are_corrected():
    text = corrected(OCR_PAGE)
    assert "shall be governed by and construed" in text
    assert "Confidential information" in text.replace("Information", "information")
    assert "disclose it to any" in text
    assert "This Agreement will continue for two years unless" in text
    assert "State of \nMassachusetts," in text  # the blank line inside the sentence is gone
    assert "\n14.7. Governing Law." in text


def test_known_words_names_and_numbers_are_left_alone():
    text = ("The Supplier, Acme Holdings LLC, shall pay $1,250,000 under Section 4.2(b) of the HIPAA "
            "Business Associate Agreement dated 12 March 2021.\n")
    assert corrections(text) == []


def test_offsets_map_back_both_ways():
    text = "This Agreernent shall be govemed by ', the laws. ok"
    doc = Document(text=text, corrections=corrections(text), page_starts=[0])
    view, offsets = doc.corrected()
    assert isinstance(offsets, OffsetMap)
    for word in ("Agreement", "governed", "the laws"):
        start = view.text.index(word)
        original = text[offsets.to_original(start):offsets.to_original(start + len(word), end=True)]
        assert original.replace("'", "").replace(",", "").split() in (word.split(), [w.replace("rn", "m")
                                                                                     for w in word.split()]) \
            or original in ("Agreernent", "govemed")
    assert offsets.to_original(len(view.text), end=True) == len(text)


def test_matching_reads_the_correction_and_quotes_keep_the_ocr_text(analyzer):
    doc = Document(text=OCR_PAGE, format="pdf", page_starts=[0], page_count=1, ocr_pages=[1],
                   corrections=corrections(OCR_PAGE))
    result = analyzer.analyse_document(doc)
    [law] = result.clauses_for("governing_law")
    assert law.value == "Massachusetts"
    assert "govemed" in law.text  # what OCR read, for the reviewer to check against the page
    assert OCR_PAGE[law.start:law.end].startswith("This Agreement shall be govemed")
    assert result.document is doc
    uncorrected = analyzer.analyse_document(Document(text=OCR_PAGE, format="pdf", page_starts=[0], page_count=1,
                                                     ocr_pages=[1]))
    assert [c.value for c in uncorrected.clauses_for("governing_law")] != ["Massachusetts"]


def test_a_missing_clause_on_a_mostly_ocr_document_is_uncertain(analyzer):
    doc = Document(text=OCR_PAGE, format="pdf", page_starts=[0], page_count=1, ocr_pages=[1],
                   corrections=corrections(OCR_PAGE))
    missing = [f for f in analyzer.analyse_document(doc).findings if f.kind == "missing"]
    assert missing and all(f.uncertain and "read by OCR" in f.message for f in missing)


def test_born_digital_pdfs_get_no_corrections():
    doc = load_bytes(build.contract_pdf())
    assert doc.ocr_pages == [] and doc.corrections == []
    assert doc.corrected() == (doc, None)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed (apt-get install "
                    "tesseract-ocr); OCR cannot run")
def test_a_degraded_scan_reads_as_its_original(analyzer):
    original = build.contract_pdf()
    scan = degraded_scan(original, SEVERITIES["mild"], "contract")
    doc = load_bytes(scan)
    assert doc.ocr_pages == [1, 2]
    result, before = analyzer.scan(scan), analyzer.scan(original)
    assert result.error is None
    assert [c.value for c in result.clauses_for("governing_law")] == ["New York"]
    assert set(before.present) <= set(result.present)
    [law] = result.clauses_for("governing_law")
    assert "governed by" in " ".join(result.document.text[law.start:law.end].split())
