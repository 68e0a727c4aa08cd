"""Plain text in the encodings contracts arrive in."""

from __future__ import annotations

import pytest
from fixtures import build

from contractscan.errors import NoText, TooLarge, UnsupportedFormat
from contractscan.loaders import LoadOptions, load_bytes

SAMPLE = "Cláusula 5 – Governing Law: “New York” law applies; fees €100.\n"
EXPECTED = 'Cláusula 5 – Governing Law: "New York" law applies; fees €100.\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings_are_detected(encoding):
    assert load_bytes(SAMPLE.encode(encoding)).text == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(encoding):
    text = "12. Governing Law. The laws of England apply.\n"
    assert load_bytes(text.encode(encoding)).text == text


def test_contract_text_is_analysed(analyzer):
    result = analyzer.scan(build.contract_text().encode("cp1252"))
    assert result.error is None and result.format == "text"
    assert {"confidentiality", "termination", "governing_law"} <= set(result.present)


def test_random_bytes_are_not_text():
    with pytest.raises(UnsupportedFormat, match="binary"):
        load_bytes(build.random_bytes())


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  ", "\ufeff".encode("utf-8")])
def test_empty_or_blank_files_have_no_text(data):
    with pytest.raises(NoText):
        load_bytes(data)


def test_a_5mb_single_line_is_refused_by_the_line_limit():
    with pytest.raises(TooLarge, match="without a line break"):
        load_bytes(build.single_line_text())
    doc = load_bytes(build.single_line_text(200_000), options=LoadOptions(max_line_chars=300_000))
    assert len(doc.text) > 190_000 and "\n" not in doc.text


def test_text_size_limit_is_configurable():
    with pytest.raises(TooLarge):
        load_bytes(build.contract_text().encode(), options=LoadOptions(max_text_chars=100))
