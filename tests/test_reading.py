"""Reading a contract as a lawyer does (issue 11): key-terms tables, defined terms, section
cross-references, Word numbering. Samples are our own text, built by fixtures.constructions."""

from __future__ import annotations

import re

import pytest

from fixtures import constructions as cx

from contractscan.loaders import load_bytes
from contractscan.segment import segment
from contractscan.terms import TermIndex
from contractscan.xrefs import SectionIndex, cited_numbers


def _one(result, clause_id):
    found = result.clauses_for(clause_id)
    assert found, f"{clause_id} not found; present: {result.present}"
    return found[0]


# ---------------------------------------------------------------- Word numbering


def test_a_section_break_paragraph_is_not_a_list_item():
    doc = load_bytes(cx.numbering_docx(), "n.docx")
    labels = {c.heading: c.number for c in segment(doc) if c.heading}
    assert labels["Services"] == "1" and labels["Fees"] == "2" and labels["Confidentiality"] == "3"
    # the document's own cross-reference agrees with the label
    assert "Section 3 (Confidentiality)" in doc.text
    assert re.search(r"^3\. Confidentiality\.", doc.text, re.M)


# ---------------------------------------------------------------- key-terms tables


def test_a_docx_key_terms_row_reads_as_one_label_value_passage(analyzer):
    doc = load_bytes(cx.key_terms_docx(), "order.docx")
    assert "Governing Law: The State of Delaware" in doc.text
    result = analyzer.scan(cx.key_terms_docx(), name="order.docx")
    law = _one(result, "governing_law")
    assert law.value == "Delaware"
    assert law.section == "Governing Law"
    assert "Courts: The state and federal courts" in doc.text


def test_a_pdf_key_terms_table_reads_as_label_value_passages(analyzer):
    doc = load_bytes(cx.key_terms_pdf(), "order.pdf")
    assert "Governing Law: The State of Delaware" in doc.text
    assert "Customer: Northwind" in doc.text
    result = analyzer.scan(cx.key_terms_pdf(), name="order.pdf")
    law = _one(result, "governing_law")
    assert (law.value, law.page, law.section) == ("Delaware", 1, "Governing Law")


def test_prose_is_not_taken_for_a_key_terms_table():
    from fixtures.build import contract_pdf

    text = load_bytes(contract_pdf(), "c.pdf").text
    assert "Governing Law:" not in text and "Services:" not in text


# ---------------------------------------------------------------- defined terms


def test_the_index_holds_quoted_unquoted_table_and_parenthetical_definitions():
    text = ('"Notification Period" means forty-eight (48) hours after discovery.\n\n'
            "Governing Law means the laws of the State of Delaware.\n\n"
            "Courts: the courts of New Castle County\n\n"
            'The Customer may object within ten (10) Business Days of notice (the "Objection Period").\n')
    index = TermIndex.build(text)
    assert index.get("Notification Period").days == 2
    assert index.get("Governing Law").definition == "the laws of the State of Delaware"
    assert index.get("Courts").kind == "table"
    assert index.get("Objection Period").days == 10


def test_a_defined_period_gives_its_days(analyzer):
    result = analyzer.scan(cx.DEFINED_PERIOD)
    notice = _one(result, "data_breach_notification")
    assert notice.days == 2 and notice.value.startswith("Notification Period")


def test_governing_law_as_a_defined_term_takes_the_cover_page_state(analyzer):
    result = analyzer.scan(cx.key_terms_docx(), name="order.docx")
    terms = [c for c in result.clauses_for("governing_law") if c.section == "4. Governing Law"]
    assert terms and terms[0].value == "Delaware"  # "governed by the Governing Law" -> the cover page


def test_governing_law_left_blank_by_the_template_is_present_without_a_value(analyzer):
    result = analyzer.scan(cx.key_terms_docx("[Insert the governing law]"), name="order.docx")
    assert "governing_law" in result.present
    assert [c.value for c in result.clauses_for("governing_law")] == [None]


def test_a_blank_template_definition_gives_no_value():
    index = TermIndex.build("Governing Law: [Insert the governing law]\n")
    assert index.get("Governing Law").blank


# ---------------------------------------------------------------- cross-references to sections


def test_cited_numbers_read_lists_ranges_titles_and_roman_articles():
    assert cited_numbers("Sections 5, 8 and 12.1 survive") == {"5", "8", "12.1"}
    assert cited_numbers("Sections 7 through 9 survive") == {"7", "8", "9"}
    assert cited_numbers("Section 8 (Confidentiality) survives") == {"8"}
    assert cited_numbers("Articles V and VIII survive") == {"V", "VIII"}


def test_a_survival_list_naming_the_confidentiality_article_clears_the_survival_risk(analyzer):
    result = analyzer.scan(cx.SURVIVAL_BY_ARTICLE)
    assert "confidentiality" in result.present
    assert "confidentiality.no_survival" not in [f.rule for f in result.findings]


def test_section_numbers_resolve_to_titles_and_families(analyzer):
    doc = load_bytes(cx.SURVIVAL_BY_ARTICLE.encode(), "<text>")
    clauses = segment(doc)
    index = SectionIndex(clauses, len(doc.text))
    assert index.get("V").title == "CONFIDENTIALITY"
    index.add_matches([], analyzer._rules_by_id)
    assert "confidentiality" in index.families_of({"V"})
    assert "confidentiality" not in index.families_of({"IX"})


# ---------------------------------------------------------------- how a sentence functions


@pytest.fixture(scope="module")
def reader(nlp):
    from contractscan.reading import Reader

    return Reader(nlp)


def test_roles_from_the_form_of_a_sentence(reader):
    r = reader
    assert r.role("Section 9.02 Indemnification.") == "heading"
    assert r.role("12. GOVERNING LAW") == "heading"
    assert r.role("Insurance Records means the certificates of insurance.") == "definition"
    assert r.role('As used herein, the term "Services" shall mean the work.') == "definition"
    assert r.role("(a) the records kept by the Supplier;", lead='"Records" means:') == "definition"
    assert r.role("WHEREAS, the Supplier provides laboratory services;") == "recital"
    assert r.role("IN WITNESS WHEREOF, the parties have signed this Agreement.") == "signature"
    assert r.role("By: ____________") == "signature"
    assert r.role("The representations and warranties of Seller shall be true and correct at Closing.") == \
        "representation"
    assert r.role("The terms of the Supply Agreement are incorporated herein by reference.") == "reference"
    assert r.role("The Supplier shall keep the Customer's data confidential.") == "operative"


def _polarity(r, sentence, trigger):
    i = sentence.index(trigger)
    return r.polarity(sentence, i, i + len(trigger))


def test_roles_of_extraction_damaged_forms(reader):
    """Forms text extraction leaves behind (issue 15 class 8): a definition whose opening quote
    was lost, a heading glued to its number, a contents line with its page number, a heading
    that lists topics with semicolons."""
    r = reader
    assert r.role('Change in control" shall include the sale of a majority of the voting shares.') == "definition"
    assert r.role("2.6Target Exclusivity.") == "heading"
    assert r.role("11.3 Termination Upon a Change of Control 36") == "heading"
    assert r.role("6. Employment; Noncompetition; Nondisclosure.") == "heading"
    assert r.role("The Buyer shall pay 36") == "operative"


def test_a_predicate_after_the_trigger_can_deny_it(reader):
    r = reader
    assert _polarity(r, "Unlimited liability is not permitted under this Order.", "Unlimited liability") == "negative"
    assert _polarity(r, "Exclusive rights shall not be granted to the Agent.", "Exclusive rights") == "negative"
    assert _polarity(r, "The Vendor has unlimited liability for fraud.", "unlimited liability") == "positive"
    # the denial must be the trigger's own predicate, in its clause
    assert _polarity(r, "The Agent holds exclusive rights, and no sublicence is permitted.", "exclusive rights") == \
        "positive"


def test_negation_and_permission_scope(reader):
    r = reader
    assert _polarity(r, "Consultant shall not compete with the Company.", "shall not compete") == "positive"
    assert _polarity(r, "Nothing in this Agreement shall prevent X from competing with Y.",
                     "prevent X from competing") == "negative"
    assert _polarity(r, "The Supplier is free to compete with the Customer.", "compete") == "permission"
    assert _polarity(r, "The Supplier is not obliged to disclose its costs.", "disclose") == "negative"
    assert _polarity(r, "The Supplier will not take out insurance for the Customer.", "take out insurance") == \
        "negative"
    assert _polarity(r, "Either party may assign this Agreement to a successor by merger.", "assign") == \
        "permission"
    # a negation does not reach across a clause boundary
    assert _polarity(r, "No fee is due; the Supplier shall maintain insurance.", "maintain insurance") == "positive"


def test_mentions_of_other_agreements_sections_and_carve_outs(reader):
    r = reader
    kinds = [m.kind for m in r.mentions(
        "The confidentiality provisions of the Master Supply Agreement dated March 1, 2020 apply.")]
    assert kinds == ["agreement"]
    assert [m.text for m in r.mentions("Subject to Section 12 (Governing Law), the parties agree.")] == \
        ["Section 12 (Governing Law)"]
    assert [m.kind for m in r.mentions("All duties other than Confidentiality end.")] == ["carve_out"]
    assert r.mentions("This Master Services Agreement is governed by the laws of Ohio.") == []
    assert r.mentions("The Services Agreement binds the parties.", frozenset({"services agreement"})) == []


def test_list_items_of_a_sentence():
    from contractscan.reading import list_items

    s = "Customer shall (a) pay the fees; (b) not compete with Supplier; and (c) keep records."
    items = [s[a:b] for a, b in list_items(s)]
    assert len(items) == 4 and "not compete" in items[2]
    # a number said twice is not an item mark: the sentence stays one item
    s = "It may be renewed only by mutual agreement for successive one (1) year terms (each a Renewal Term)."
    assert list_items(s) == [(0, len(s))]
    s = "The Buyer shall (1) pay within thirty (30) days and (2) keep records."
    assert len(list_items(s)) == 3


# ---------------------------------------------------------------- the matcher reads them so


def _ids(analyzer, text):
    return [c.id for c in analyzer.scan(text).clauses]


def test_a_heading_alone_is_not_the_clause(analyzer):
    assert "liability.indemnification" not in _ids(analyzer, cx.HEADING_ONLY)


def test_definitions_without_quotes_and_their_items_bind_no_one(analyzer):
    assert "insurance" not in _ids(analyzer, cx.UNQUOTED_DEFINITION)
    assert "liability.indemnification" not in _ids(analyzer, cx.DEFINITION_ITEMS)


def test_negated_and_permitted_triggers_are_not_the_clause(analyzer):
    found = _ids(analyzer, cx.NEGATED_TRIGGER)
    assert "exclusivity" not in found and "insurance" not in found
    assert "insurance" not in _ids(analyzer, cx.PERMISSION)
    assert "non_compete" in _ids(analyzer, cx.NON_COMPETE)  # the negation is the clause


def test_a_lead_in_negates_or_permits_its_list_items(analyzer):
    # "shall not be obliged to:" / "Nothing ... stops X from:" reach the items below them,
    # whether an item is read alone or after its lead-in
    assert "exclusivity" not in _ids(analyzer, cx.LEAD_IN_POLARITY)
    assert "exclusivity" in _ids(analyzer, cx.LEAD_IN_DUTY)


def test_greek_question_marks_read_as_semicolons():
    doc = load_bytes(cx.GREEK_SEMICOLONS.encode("utf-8"), "greek.txt")
    assert "\u037e" not in doc.text and "without consent; the Buyer" in doc.text


def test_a_named_other_agreement_is_a_reference_not_the_clause(analyzer):
    found = _ids(analyzer, cx.NAMED_OTHER_AGREEMENT)
    assert "non_compete" not in found and "exclusivity" not in found


def test_an_exclusion_vetoes_only_its_own_list_item(analyzer):
    assert "non_compete" in _ids(analyzer, cx.VETO_IN_OTHER_ITEM)


def test_the_role_is_in_the_explanation(analyzer):
    clause = analyzer.scan(cx.NON_COMPETE).clauses_for("non_compete")[0]
    assert clause.explanation is not None and clause.explanation.role == "operative"


# ---------------------------------------------------------------- breach-notice deadlines

@pytest.mark.parametrize("duty,days", cx.BREACH_DEADLINES, ids=[str(i) for i in range(len(cx.BREACH_DEADLINES))])
def test_breach_notice_deadline_in_the_wordings_baas_use(analyzer, duty, days):
    found = analyzer.scan(cx.baa(duty)).clauses_for("data_breach_notification")
    assert found, "the breach-notice duty was not found"
    assert min(c.days for c in found if c.days is not None) == days


def test_notice_of_a_breach_of_the_agreement_is_not_a_breach_notice(analyzer):
    text = cx.baa("The Licensee shall notify the Licensor of any Breach of this Agreement by a sublicensee.")
    assert not analyzer.scan(text).clauses_for("data_breach_notification")


# ---------------------------------------------------------------- governing law, varied wordings

@pytest.mark.parametrize("sentence,state", cx.GOVERNING_LAW_WORDINGS,
                         ids=[s for _, s in cx.GOVERNING_LAW_WORDINGS])
def test_governing_law_in_the_wordings_modern_templates_use(analyzer, sentence, state):
    assert _one(analyzer.scan(cx.miscellaneous(sentence)), "governing_law").value == state


def test_laws_named_for_their_subject_matter_are_not_a_governing_law(analyzer):
    text = cx.miscellaneous("Data Protection Law applies to all processing of Personal Data under this Agreement.")
    assert not analyzer.scan(text).clauses_for("governing_law")


# ---------------------------------------------------------------- abbreviations; cap amounts

def test_an_abbreviation_inside_the_sentence_does_not_cut_the_clause(analyzer):
    assert "liability.limitation" in _ids(analyzer, cx.ABBREVIATED_PARTY)
    assert "liability.limitation" in _ids(analyzer, cx.ABBREVIATED_COMPANY)


@pytest.mark.parametrize("sentence,value", cx.CAP_VALUES, ids=[str(i) for i in range(len(cx.CAP_VALUES))])
def test_the_cap_amount_is_read_from_long_and_interrupted_sentences(analyzer, sentence, value):
    caps = analyzer.scan(f"SERVICES AGREEMENT\n\n12. Limitation of Liability\n\n{sentence}\n").clauses_for("liability.cap")
    assert any(c.value and value in c.value for c in caps), [c.value for c in caps]


def test_a_duty_to_defend_the_other_party_is_an_indemnity(analyzer):
    assert "liability.indemnification" in _ids(analyzer, cx.DUTY_TO_DEFEND)
    assert "liability.indemnification" not in _ids(analyzer, cx.DEFENDS_ITSELF)


# ---------------------------------------------------------------- Markdown with HTML inside

def test_markdown_and_inline_html_read_as_the_rendered_page():
    text = load_bytes(cx.MARKDOWN_TERMS.encode(), "terms.md").text
    assert "<span" not in text and "</li>" not in text and "**" not in text and "](" not in text
    assert "Governing Law: The State of Oregon" in text  # a Markdown key-terms row is "Label: value"
    assert "\n(a) Provider will keep Customer Data confidential" in text  # the list item's mark as shown
    assert "\n(b) Provider will not sell" in text
    assert "governed by the Governing Law, as stated on the Cover Page." in text
    assert '"Customer Data" means data' in text
    index = TermIndex.build(text)
    assert index.get("Customer Data") is not None and index.get("Breach Notice Period").days == 3
    # a .txt file is shown as written, markup and all
    assert "<span" in load_bytes(cx.MARKDOWN_TERMS.encode(), "terms.txt").text


def test_markup_cleaning_leaves_placeholders_and_blanks_alone():
    from contractscan.loaders.markup import looks_like_markup, plain_text

    plain = "The <Customer Name> shall sign here: ________ on behalf of snake_case_name Ltd.\n"
    assert not looks_like_markup(plain)
    assert plain_text("# Terms\n\n" + plain) == "# Terms\n\n" + plain
    assert plain_text("A *single* and _under_ mark, 5 * 3 and a_b_c.\n") == "A single and under mark, 5 * 3 and a_b_c.\n"


def test_a_markdown_cover_page_gives_the_defined_terms_their_values(analyzer):
    result = analyzer.scan(cx.MARKDOWN_TERMS.encode(), name="terms.md")
    assert {c.value for c in result.clauses_for("governing_law")} == {"Oregon"}
    notice = _one(result, "data_breach_notification")
    assert notice.days == 3


# ---------------------------------------------------------------- the issue 11 samples in both formats

@pytest.mark.parametrize("build,name", [(cx.key_terms_docx, "order.docx"), (cx.key_terms_pdf, "order.pdf")],
                         ids=["docx", "pdf"])
def test_standard_terms_read_through_the_cover_page_in_docx_and_pdf(analyzer, build, name):
    result = analyzer.scan(build(), name=name)
    # "governed by the Governing Law" in the standard terms takes the cover page's state
    laws = [c for c in result.clauses_for("governing_law") if "Governing Law" in c.text and ":" not in c.text]
    assert laws and {c.value for c in laws} == {"Delaware"}
    # "Sections 2, 3 and 5 survive": section 2 is Confidentiality, so it survives
    assert "confidentiality" in result.present
    assert "confidentiality.no_survival" not in [f.rule for f in result.findings]
