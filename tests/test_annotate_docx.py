"""Word comments: anchored on the right paragraphs, every finding present, text untouched."""

from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import pytest
from conftest import SAMPLES, run_cli
from docx.oxml.ns import qn
from report_samples import COMPLETE, INCOMPLETE, as_text, write_docx

from contractscan import Analyzer
from contractscan.render.annotate import annotate, locate_paragraphs

REAL_SAMPLES = Path(os.environ.get("CONTRACTSCAN_SAMPLES", SAMPLES))


def block_texts(document) -> list[str]:
    from contractscan.render.annotate import _paragraphs

    return [p.text for p in _paragraphs(document)]


def comment_ranges(path: Path) -> dict[int, tuple[str, list[str]]]:
    """comment id -> (comment text, texts of the paragraphs its range covers)."""
    d = docx.Document(str(path))
    paragraphs = list(d.element.body.iter(qn("w:p")))
    texts = {c.comment_id: c.text for c in d.comments}
    out = {}
    for cid, text in texts.items():
        def index(tag: str) -> int:
            return next(i for i, p in enumerate(paragraphs)
                        if any(el.get(qn("w:id")) == str(cid) for el in p.iter(qn(tag))))

        first, last = index("w:commentRangeStart"), index("w:commentRangeEnd")
        assert first <= last
        covered = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs[first:last + 1]]
        out[cid] = (text, covered)
    return out


@pytest.fixture()
def strict(strict_analyzer) -> Analyzer:
    return strict_analyzer


@pytest.fixture()
def complete_docx(tmp_path) -> Path:
    return write_docx(tmp_path / "lab-services.docx", COMPLETE)


def test_each_clause_comment_sits_on_its_paragraph(strict, complete_docx, tmp_path):
    result = strict.scan(complete_docx)
    out = tmp_path / "annotated.docx"
    written = annotate(result, out, strict.report_context())
    assert written.kind == "comments" and written.anchored_clauses == len(result.clauses)
    # one comment per paragraph holding clauses (a paragraph can show several ids), plus the summary
    assert 1 + len({c.start for c in result.clauses}) >= written.comments > 1
    ranges = comment_ranges(out)
    expected = {  # clause id -> words of the paragraph its comment must cover
        "confidentiality": "shall hold the other party's Confidential Information",
        "ip_ownership": "All Deliverables shall be the sole and exclusive property",
        "liability.limitation": "In no event shall either party be liable",
        "liability.indemnification": "Vendor shall defend, indemnify and hold harmless",  # in a table cell
        "termination": "Either party may terminate this Agreement",
        "dispute_resolution": "settled by binding arbitration",
        "governing_law": "governed by and construed in accordance with the laws",
    }
    for clause_id, words in expected.items():
        # the comment names the clause id, or a more specific child of it ("dispute_resolution.arbitration")
        hits = [(text, covered) for text, covered in ranges.values()
                if re.search(rf"\[{re.escape(clause_id)}[\].]", text)]
        assert len(hits) == 1, clause_id
        text, covered = hits[0]
        assert any(words in p for p in covered), (clause_id, covered)
        assert len(covered) <= 2, "the paragraph, with at most its heading"
    indemnity = next(c for t, c in ranges.values() if "[liability.indemnification]" in t)
    assert indemnity == [dict(COMPLETE)["cell"]], "a table-cell clause is anchored in its cell only"
    gov = next(t for t, _ in ranges.values() if "[governing_law]" in t)
    assert "RISK (medium) governing_law.unacceptable" in gov and "Recommendation:" in gov
    top_text, top_covered = ranges[min(ranges)]
    assert top_covered == [COMPLETE[0][1]], "the summary comment sits on the first paragraph"
    assert "No required clause is missing." in top_text


def test_top_comment_lists_missing_clauses_with_recommendations(strict, tmp_path):
    source = write_docx(tmp_path / "courier.docx", INCOMPLETE)
    result = strict.scan(source)
    out = tmp_path / "courier-annotated.docx"
    annotate(result, out, strict.report_context())
    ranges = comment_ranges(out)
    top_text, top_covered = ranges[min(ranges)]
    assert top_covered == [INCOMPLETE[0][1]]
    missing = [f for f in result.findings if f.kind == "missing"]
    assert len(missing) >= 4
    for f in missing:
        assert f"MISSING ({f.severity}) {f.rule}: {f.message}" in top_text
        assert f"Recommendation: {f.recommendation}" in top_text


def test_every_finding_appears_in_the_comments(strict, complete_docx, tmp_path):
    for source in (complete_docx, write_docx(tmp_path / "courier.docx", INCOMPLETE)):
        result = strict.scan(source)
        out = tmp_path / f"{source.stem}-annotated.docx"
        annotate(result, out, strict.report_context())
        comments = [c.text for c in docx.Document(str(out)).comments]
        for f in result.findings:
            assert any(f.message in c and f.recommendation in c for c in comments), f.rule


def test_the_contract_text_is_unchanged(strict, complete_docx, tmp_path):
    result = strict.scan(complete_docx)
    out = tmp_path / "annotated.docx"
    annotate(result, out, strict.report_context())
    before, after = docx.Document(str(complete_docx)), docx.Document(str(out))
    assert block_texts(before) == block_texts(after)
    again = strict.scan(out)
    assert again.document.text == result.document.text
    assert [c.model_dump() for c in again.clauses] == [c.model_dump() for c in result.clauses]
    assert [len(p.runs) for p in before.paragraphs] == [
        len([r for r in p.runs if not r._r.findall(qn("w:commentReference"))]) for p in after.paragraphs]


def test_paragraphs_are_found_when_the_loader_reads_them_differently(complete_docx):
    """Numbering prefixes, collapsed spaces or an accepted insertion do not break the mapping."""
    d = docx.Document(str(complete_docx))
    paras = [p for p in block_texts(d) if p.strip()]
    variants = []
    for i, p in enumerate(paras):
        if i == 3:
            p = "(inserted words) " + p  # a tracked insertion at the start, read as accepted
        variants.append(f"{i + 1}.1  " + p.replace(" ", "  ", 2))
    text = "\n".join(variants)
    anchors = locate_paragraphs(d, text)
    assert len(anchors) == len(paras)
    offset = 0
    for a, v in zip(anchors, variants):
        assert offset <= a.start < offset + len(v), "each paragraph is found inside its own line"
        assert v.split()[-1] in text[a.start:a.end]
        offset += len(v) + 1


def test_pdf_or_text_input_gets_a_summary_docx(strict, tmp_path):
    source = tmp_path / "courier.txt"
    source.write_text(as_text(INCOMPLETE), encoding="utf-8")
    result = strict.scan(source)
    out = tmp_path / "summary.docx"
    written = annotate(result, out, strict.report_context())
    assert written.kind == "summary"
    d = docx.Document(str(out))
    body = "\n".join(p.text for p in d.paragraphs)
    for f in result.findings:
        assert f.message in body and f.recommendation in body
    for c in result.clauses:
        assert c.text in body
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Clause", "Required", "Status", "Where", "Value"]
    assert len(table.rows) == 1 + 7


@pytest.mark.slow
def test_cli_annotate(complete_docx, tmp_path):
    out = tmp_path / "out.docx"
    proc = run_cli(str(complete_docx), "--annotate", str(out), "--format", "md")
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and "comments)" in proc.stderr
    assert proc.stdout.startswith("# lab-services.docx")
    for bad in ([str(tmp_path)], [str(complete_docx), str(complete_docx)]):
        proc = run_cli(*bad, "--annotate", str(out))
        assert proc.returncode == 2 and "exactly one contract file" in proc.stderr
    proc = run_cli(str(complete_docx), "--annotate", str(complete_docx))
    assert proc.returncode == 2 and "is the input" in proc.stderr and "would destroy it" in proc.stderr


@pytest.mark.skipif(not (REAL_SAMPLES / "lab_services_incomplete.docx").exists(),
                    reason="the sample contracts are not in samples/ (set CONTRACTSCAN_SAMPLES to their folder)")
@pytest.mark.parametrize("name", ["lab_services_agreement", "lab_services_incomplete", "business_associate_agreement"])
def test_real_samples_are_annotated_on_their_clauses(analyzer, scanned, tmp_path, name):
    result = scanned(REAL_SAMPLES / f"{name}.docx")
    out = tmp_path / f"{name}.docx"
    annotate(result, out, analyzer.report_context())
    ranges = comment_ranges(out)
    comments = [t for t, _ in ranges.values()]
    for f in result.findings:
        assert any(f.message in c and f.recommendation in c for c in comments), f.rule
    for c in result.clauses:
        tail = " ".join(c.text.split()[-6:]).rstrip("…")
        assert any(f"[{c.id}]" in t and tail in " ".join(" ".join(covered).split())
                   for t, covered in ranges.values()), (c.id, c.text)
