"""Segmentation: numbering, headings and offsets on contract-shaped text."""

from __future__ import annotations

from contractscan.document import Document, Span
from contractscan.segment import segment

TEXT = """MASTER SERVICES AGREEMENT

TABLE OF CONTENTS
1. Definitions
2. Services
12. Limitation of Liability
14. Indemnification

ARTICLE IV
FEES

1. Definitions. In this Agreement the following terms apply.
2. Services.
2.1 Scope. The Vendor shall perform the laboratory services described in
Exhibit A, including specimen pick-up and
reporting.
(a) routine tests within 24 hours;
(b) stat tests within 4 hours.
Section 5. Payment. Client shall pay each invoice within thirty days.
12. Limitation of Liability.
12.1 Neither party shall be liable for indirect damages.
LIMITATION ON CLAIMS
No claim may be brought more than two years after it arose.
"""


def _by_start(clauses, needle):
    return next(c for c in clauses if needle in c.text)


def test_numbering_and_headings():
    doc = Document(text=TEXT)
    clauses = segment(doc)
    scope = _by_start(clauses, "2.1 Scope")
    assert scope.number == "2.1" and scope.heading == "Scope"
    assert scope.section.endswith("2.1 Scope")
    item = _by_start(clauses, "(b) stat tests")
    assert item.number == "(b)" and "2.1 Scope" in item.section
    pay = _by_start(clauses, "Section 5.")
    assert pay.number == "Section 5" and pay.heading == "Payment"
    lol = _by_start(clauses, "12.1 Neither")
    assert "12. Limitation of Liability" in lol.headings
    assert lol.section == "12. Limitation of Liability > 12.1"
    caps = _by_start(clauses, "No claim may be brought")
    assert caps.section.endswith("LIMITATION ON CLAIMS")
    art = _by_start(clauses, "ARTICLE IV")
    assert art.number == "Article IV"


def test_wrapped_lines_stay_in_one_clause():
    clauses = segment(Document(text=TEXT))
    scope = _by_start(clauses, "2.1 Scope")
    assert "specimen pick-up" in scope.text and scope.text.rstrip().endswith("reporting.")


def test_offsets_point_into_the_text():
    doc = Document(text=TEXT)
    for c in segment(doc):
        assert doc.text[c.start:c.end] == c.text


def test_table_of_contents_is_marked():
    clauses = segment(Document(text=TEXT))
    toc = [c for c in clauses if c.in_toc]
    assert any("Limitation of Liability" in c.text for c in toc)
    body = _by_start(clauses, "12.1 Neither")
    assert not body.in_toc


def test_noise_is_blanked_but_offsets_kept():
    text = "1. Term.\nThis Agreement runs one year.\nPage 1 of 3\n2. Fees.\nClient pays monthly."
    start = text.index("Page 1 of 3")
    doc = Document(text=text, noise=[Span(start, start + len("Page 1 of 3"))])
    clauses = segment(doc)
    assert all("Page 1" not in c.text for c in clauses)
    fees = _by_start(clauses, "Client pays")
    assert doc.text[fees.start:fees.end] == fees.text


def test_all_caps_sentence_is_not_a_heading():
    text = "20. Waiver.\nEACH PARTY HEREBY WAIVES ITS RIGHT TO A TRIAL BY JURY."
    clauses = segment(Document(text=text))
    waiver = _by_start(clauses, "TRIAL BY JURY")
    assert not waiver.heading_only


def test_a_capitals_heading_run_into_a_capitals_body_ends_at_its_period():
    text = ("10. LIMITATION ON LIABILITY. EXCEPT IN THE EVENT OF A BREACH OF SECTION 8, IN\n"
            "NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT DAMAGES.")
    [clause] = [c for c in segment(Document(text=text)) if "INDIRECT" in c.text]
    assert clause.heading == "LIMITATION ON LIABILITY"
    assert clause.section == "10. LIMITATION ON LIABILITY"


def test_a_quote_starts_after_a_heading_line_the_sentence_ran_into(analyzer):
    text = ("12.3 Governing Law\nThis Agreement shall be governed by the laws of the State of New York.\n\n"
            "13. Notices. All notices shall be in writing.")
    [clause] = analyzer.scan(text).clauses_for("governing_law")
    assert clause.text.startswith("This Agreement shall be governed")
    assert clause.section == "12.3 Governing Law" and text[clause.start:].startswith("This Agreement")


def test_the_last_line_of_a_wrapped_capitals_sentence_is_not_a_heading():
    text = ("4. WARRANTY AND LIABILITY\n4.1 Warranty. THE SUPPLIER DISCLAIMS ALL IMPLIED WARRANTIES, INCLUDING "
            "MERCHANTABILITY AND\nFITNESS FOR A PARTICULAR PURPOSE.\n4.2 PRODUCT INDEMNITY. The Supplier shall "
            "indemnify the Customer.")
    clauses = segment(Document(text=text))
    assert _by_start(clauses, "FITNESS FOR").section == "4. WARRANTY AND LIABILITY > 4.1 Warranty"
    assert _by_start(clauses, "indemnify").section == "4. WARRANTY AND LIABILITY > 4.2 PRODUCT INDEMNITY"


def test_bullets_are_list_items_and_a_wrapped_dash_is_not():
    text = ("7. Notices. The Reseller shall tell the Maker at once if it:\n"
            "• loses a customer record;\n"
            "- receives a complaint from a regulator; or\n"
            "o learns that its systems were entered without permission.\n"
            "8. Fees. The Maker charges the list price for each unit shipped to the\n"
            "- and only to the - Reseller's warehouse.\n")
    passages = segment(Document(text=text))
    items = [p for p in passages if p.number == "•"]
    assert [p.text.split()[1] for p in items] == ["loses", "receives", "learns"]
    assert all(p.level == 3 and p.heading is None and p.section == "7. Notices" for p in items)
    fees = next(p for p in passages if p.number == "8")
    assert "warehouse" in fees.text  # "- and only to the -" continues the wrapped sentence


def test_markdown_headings_are_headings_in_any_case():
    text = ("# Reseller terms\n\n## 9. Limitation of liability\nEach party's total liability is capped at the fees paid.\n\n"
            "### Data we keep\n\nWe keep order records for six years.\n")
    passages = segment(Document(text=text))
    heads = [(p.heading, p.level, p.heading_only) for p in passages if p.heading]
    assert heads == [("Reseller terms", 0, True), ("Limitation of liability", 1, True), ("Data we keep", 2, True)]
    body = next(p for p in passages if "capped" in p.text)
    assert body.section == "Reseller terms > 9. Limitation of liability"
    assert next(p for p in passages if "six years" in p.text).headings[-1] == "Data we keep"


def test_a_list_running_inside_a_sentence_is_not_cut_at_a_line_break():
    # a line break before "(C)" of an inline list "(A) ..., (B) ...," continues the sentence; a
    # list whose marks each start a line stays a list (issue 15 class 8)
    text = ("9.2 Losses. EXCEPT (A) FOR A PARTY'S FRAUD, (B) FOR A BREACH OF SECTION 7,\n"
            "(C) AS STATED IN SECTION 4, NEITHER PARTY SHALL BE LIABLE FOR LOST PROFITS.\n"
            "9.3 The Vendor shall:\n(a) keep records;\n(b) report monthly.\n")
    clauses = segment(Document(text=text))
    losses = _by_start(clauses, "9.2 Losses")
    assert "(C) AS STATED" in losses.text and losses.text.rstrip().endswith("LOST PROFITS.")
    assert _by_start(clauses, "(b) report").number == "(b)"
    assert _by_start(clauses, "(a) keep").number == "(a)"
