"""DOCX: what the reader sees in Word, built from raw WordprocessingML at test time."""

from __future__ import annotations

import pytest
from fixtures import build
from fixtures.build import delete, docx, ins, para, table

from contractscan.errors import UnsupportedFormat
from contractscan.loaders import load_bytes

GOVERNING = "This Agreement shall be governed by the laws of the State of New York."


def test_paragraphs_and_table_cells_in_document_order(analyzer):
    body = (para("MASTER SERVICES AGREEMENT") + para("Before the table.")
            + table([["Governing law", GOVERNING], ["Fees", "As in Schedule 2."]])
            + para("After the table."))
    doc = load_bytes(docx(body))
    order = ["Before the table.", "Governing law", GOVERNING, "Fees", "After the table."]
    positions = [doc.text.index(s) for s in order]
    assert positions == sorted(positions)
    result = analyzer.scan(docx(body))
    assert "governing_law" in result.present  # a clause in a table cell counts


def test_tracked_changes_read_as_accepted_with_a_warning():
    body = para("The Supplier shall keep records for ", delete("two"), ins("seven"), " years.")
    doc = load_bytes(docx(body))
    assert "The Supplier shall keep records for seven years." in doc.text
    assert "two" not in doc.text
    assert [w.type for w in doc.warnings] == ["tracked_changes"]


def test_no_warning_without_tracked_changes():
    assert load_bytes(build.contract_docx()).warnings == []


def test_automatic_numbering_rebuilt_as_the_user_sees_it(analyzer):
    body = "".join(para(f"Heading {i}", num=1, level=0) for i in range(1, 12))
    body += para("Miscellaneous", num=1, level=0)
    body += para(GOVERNING, num=1, level=1)
    body += para("Notices shall be in writing.", num=1, level=1)
    body += para("by hand;", num=1, level=2) + para("by courier.", num=1, level=2)
    body += para("Counterparts are allowed.", num=1, level=1)
    body += para("A bullet point", num=2)
    doc = load_bytes(docx(body, numbering=build.outline_numbering()))
    lines = doc.text.split("\n\n")
    assert "12. Miscellaneous" in lines
    assert f"12.1 {GOVERNING}" in lines
    assert "12.2 Notices shall be in writing." in lines
    assert "(a) by hand;" in lines and "(b) by courier." in lines
    assert "12.3 Counterparts are allowed." in lines  # deeper levels restart, this one goes on
    assert "• A bullet point" in lines  # a bullet is one mark whatever the font's glyph, not a section number
    result = analyzer.scan(docx(body, numbering=build.outline_numbering()))
    law = result.clauses_for("governing_law")
    assert law and "12.1" in (law[0].section or "")


def test_a_bullet_item_is_read_after_its_lead_in(analyzer):
    """Word bullets carry no text mark; the item ("becomes aware of a security incident") is a
    clause only read after the sentence that introduces the list."""
    body = para("The Vendor shall keep the Customer's records secure.", num=1, level=0)
    body += para("The Vendor must tell the Customer within two days if it:", num=1, level=0)
    body += para("receives a complaint about the records", num=2)
    body += para("becomes aware of a security incident affecting the records", num=2)
    body += para("The Customer pays the fees monthly.", num=1, level=0)
    doc = load_bytes(docx(body, numbering=build.outline_numbering()))
    assert "• becomes aware of a security incident affecting the records" in doc.text.split("\n\n")
    result = analyzer.scan(docx(body, numbering=build.outline_numbering()))
    notice = result.clauses_for("data_breach_notification")
    assert notice and "security incident" in notice[0].text and notice[0].explanation.lead_in


def test_start_override_restarts_a_list():
    numbering = build.outline_numbering().replace(
        "</w:numbering>",
        '<w:num w:numId="3"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num></w:numbering>',
    )
    body = para("First", num=1) + para("Second", num=1) + para("Fifth", num=3) + para("Sixth", num=3)
    text = load_bytes(docx(body, numbering=numbering)).text
    assert text.split("\n\n") == ["1. First", "2. Second", "5. Fifth", "6. Sixth"]


def test_numbered_heading_style():
    styles = (
        f'<w:styles xmlns:w="{build.W}"><w:style w:type="paragraph" w:styleId="Heading1">'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Clause"><w:basedOn w:val="Heading1"/></w:style></w:styles>'
    )
    body = para("Definitions", style="Heading1") + para("Term", style="Clause")
    text = load_bytes(docx(body, numbering=build.outline_numbering(), styles=styles)).text
    assert text.split("\n\n") == ["1. Definitions", "2. Term"]


def test_headers_footers_and_comments_stay_out_footnotes_and_endnotes_come_in():
    w = build.W
    comments = (f'<w:comments xmlns:w="{w}"><w:comment w:id="0" w:author="A">'
                f'{para("COMMENT: check the liability cap")}</w:comment></w:comments>')
    header = f'<w:hdr xmlns:w="{w}">{para("HEADER: Confidential draft")}</w:hdr>'
    footer = f'<w:ftr xmlns:w="{w}">{para("FOOTER: page")}</w:ftr>'
    body = para(
        "The Supplier indemnifies the Customer.",
        '<w:commentRangeStart w:id="0"/><w:r><w:footnoteReference w:id="1"/></w:r>'
        '<w:r><w:commentReference w:id="0"/></w:r>',
    ) + para("Fees are due monthly.", '<w:r><w:endnoteReference w:id="1"/></w:r>')
    doc = load_bytes(docx(
        body, comments=comments, header=header, footer=footer,
        footnotes=build.notes_part("footnote", {1: "Including its affiliates."}),
        endnotes=build.notes_part("endnote", {1: "Monthly means each calendar month."}),
    ))
    assert "HEADER" not in doc.text and "FOOTER" not in doc.text and "COMMENT" not in doc.text
    assert doc.text.split("\n\n") == [
        "The Supplier indemnifies the Customer.", "Fees are due monthly.",
        "FOOTNOTES", "[1] Including its affiliates.", "ENDNOTES", "[1] Monthly means each calendar month.",
    ]


def test_text_box_and_content_control_paragraphs_are_read():
    box = ('<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
           f'<mc:Choice Requires="wps"><w:drawing><w:txbxContent>{para("Boxed clause.")}</w:txbxContent>'
           f'</w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>{para("Boxed clause.")}'
           '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    body = para("Intro.", box) + f"<w:sdt><w:sdtContent>{para('Controlled clause.')}</w:sdtContent></w:sdt>"
    text = load_bytes(docx(body)).text
    assert text.split("\n\n") == ["Intro.", "Boxed clause.", "Controlled clause."]


@pytest.mark.parametrize("data, kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".doc"),
    (b"{\\rtf1\\ansi This Agreement shall be governed by the laws of Texas.}", "RTF"),
])
def test_legacy_word_formats_say_how_to_convert(data, kind):
    with pytest.raises(UnsupportedFormat) as err:
        load_bytes(data)
    assert kind in err.value.message
    assert "libreoffice --headless --convert-to docx" in err.value.message


PAGE_BREAK = "<w:r><w:lastRenderedPageBreak/></w:r>"


def test_pages_come_from_the_page_breaks_word_recorded(analyzer):
    body = (para("MASTER SERVICES AGREEMENT") + para("1. Services. The Supplier shall perform the services.")
            + para(PAGE_BREAK, "2. Confidentiality. Each party shall keep the other party's Confidential "
                   "Information confidential and shall not disclose it to any third party.")
            + para("Filler on page two.") + para(PAGE_BREAK, "3. Governing Law. " + GOVERNING)
            + para("Numbered on page three too", num=1, level=0))
    doc = load_bytes(docx(body, numbering=build.outline_numbering()))
    assert doc.page_count == 3 and "\ufdd0" not in doc.text
    assert doc.page_at(doc.text.index("2. Confidentiality")) == 2
    assert doc.page_at(doc.text.index("3. Governing Law")) == 3
    result = analyzer.scan(docx(body, numbering=build.outline_numbering()))
    assert result.pages == 3
    assert {c.page for c in result.clauses_for("governing_law")} == {3}
    assert {c.page for c in result.clauses_for("confidentiality")} == {2}


def test_a_document_word_never_laid_out_has_no_pages():
    doc = load_bytes(docx(para("1. Services. The Supplier shall perform the services.")))
    assert doc.page_count is None and doc.page_at(0) is None


def test_sentence_case_word_headings_name_their_sections():
    """A short Word paragraph without an end mark above running text is a heading in sentence
    case ("Ending the agreement early"); a short value line above a list is not."""
    from contractscan.segment import segment

    body = para("Ending the agreement early", num=1, level=0)
    body += para("Either party may end this agreement by giving the other three months' written notice.", num=1, level=1)
    body += para("Charges")
    body += para("The Customer pays the charges in the price list each quarter in arrears.")
    body += para("The Supplier must tell the Customer if it:")
    body += para("changes its address", num=2)
    doc = load_bytes(docx(body, numbering=build.outline_numbering()))
    passages = segment(doc)
    def at(start: str):
        return next(p for p in passages if p.text.startswith(start))

    assert at("1. Ending").heading == "Ending the agreement early" and at("1. Ending").heading_only
    assert at("1.1 Either").section == "1. Ending the agreement early > 1.1"
    assert at("Charges").heading == "Charges"
    assert at("The Supplier must").heading is None  # a lead-in, read with its item
