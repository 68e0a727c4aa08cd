"""The learned second opinion: passages, labelling, training on a tiny data set of our own,
and what a scan reports when the classifier disagrees with a "missing" verdict."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from contractscan.document import Document
from contractscan.second_opinion import MAX_EXCERPT, SecondOpinion, excerpts, lower_severity
from contractscan.segment import _mask_noise, segment
from contractscan.train import _normalise, locate

LAW = ["This Agreement shall be governed by the laws of the State of {s}.",
       "The laws of {s} govern this Agreement and any dispute under it.",
       "This Agreement is construed under and governed by {s} law, without regard to conflicts principles."]
ASSIGN = ["Neither party may assign this Agreement without the prior written consent of the other party.",
          "Vendor shall not assign or transfer any of its rights hereunder without Client's consent.",
          "This Agreement may not be assigned by either party except with the written approval of the other."]
FILLER = ["Vendor shall deliver the goods described in Schedule A to the Client's premises.",
          "Client shall pay each invoice within thirty days of receipt.",
          "Each notice shall be in writing and delivered by hand or by courier.",
          "The parties shall meet each quarter to review the progress of the work.",
          "Vendor shall keep the equipment in good working order at its own cost."]
STATES = ["New York", "Delaware", "Texas", "Ohio", "Nevada", "Oregon"]


def _contract(i: int) -> tuple[str, dict[str, list[str]]]:
    law = LAW[i % 3].format(s=STATES[i])
    assign = ASSIGN[i % 3]
    parts = [f"SERVICES AGREEMENT {i}", "", f"1. Delivery. {FILLER[i % 5]}", "", f"2. Payment. {FILLER[(i + 1) % 5]}",
             "", f"3. Assignment. {assign}", "", f"4. Notices. {FILLER[(i + 2) % 5]}", "",
             f"5. Governing Law. {law}", "", f"6. Reviews. {FILLER[(i + 3) % 5]}"]
    return "\n".join(parts) + "\n", {"Governing Law": [law], "Anti-Assignment": [assign], "Insurance": []}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A model trained by the training script on six contracts written here (a few seconds)."""
    from contractscan import train

    root = tmp_path_factory.mktemp("tiny-cuad")
    (root / "pdf").mkdir()
    entries = []
    for i in range(6):
        text, labels = _contract(i)
        (root / "pdf" / f"c{i}.txt").write_text(text, encoding="utf-8")
        entries.append({"id": f"c{i}", "pdf": f"pdf/c{i}.txt", "labels": labels})
    (root / "labels.json").write_text(json.dumps(entries), encoding="utf-8")
    thresholds = root / "thresholds.json"
    thresholds.write_text(json.dumps({"thresholds": {"governing_law": 0.5, "assignment.restriction": 0.5}}))
    out = root / "model"
    assert train.main([str(root), "-o", str(out), "--workers", "1", "--max-epochs", "10",
                       "--cache", str(root / "cache"), "--thresholds", str(thresholds)]) == 0
    return out


@pytest.mark.slow  # trains a model (a few seconds of CPU)
def test_training_script_makes_a_model_that_loads(tiny_model):
    so = SecondOpinion.load(tiny_model)
    assert "governing_law" in so.labels and "assignment.restriction" in so.labels
    assert so.thresholds["governing_law"] == 0.5
    assert so.thresholds["insurance"] > 1.0  # no threshold given: the label is never used
    law, filler = so.score(_passages("7. Governing Law. This Agreement is governed by the laws of Utah.\n\n"
                                     "8. Delivery. Vendor shall deliver the goods to the premises.\n"))
    assert law["governing_law"] > filler["governing_law"]


def _passages(text: str):
    doc = Document(text=text)
    return excerpts(segment(doc), _mask_noise(doc))


def test_passages_carry_their_section_and_long_paragraphs_are_cut():
    long_body = " ".join(f"Sentence number {i} of a long clause says something." for i in range(60))
    got = _passages(f"12. Limitation of Liability. {long_body}\n\n13. Term. This Agreement lasts two years.\n")
    assert got[0].text.startswith("12. Limitation of Liability | ")
    assert all(p.end - p.start <= MAX_EXCERPT for p in got)
    assert len(got) >= 3 and got[-1].text.startswith("13. Term | ")


def test_labelled_text_is_found_despite_spacing_punctuation_and_gaps():
    text = "1. Law.  This Agreement shall be\ngoverned by the laws of\nNew  York.\n\n2. Other. Nothing."
    norm, where = _normalise(text)
    (span,) = locate(norm, where, "This Agreement shall be governed by the laws of New York")
    assert text[span[0]:span[1]].startswith("This Agreement") and text[span[0]:span[1]].endswith("York")
    # CUAD's '<omitted>' gaps: each part is looked for on its own
    assert len(locate(norm, where, "This Agreement shall be governed <omitted> the laws of New York")) == 2


def test_severity_one_step_lower():
    assert [lower_severity(s) for s in ("high", "medium", "low", "info")] == ["medium", "low", "info", "info"]


def test_a_missing_clause_the_classifier_sees_becomes_possibly_present(analyzer_with):
    from contractscan.second_opinion import shipped

    text = ("SUPPLY AGREEMENT\n\n1. Delivery. Vendor shall deliver the goods to the Client's premises.\n\n"
            "2. Payment. Client shall pay each invoice within thirty days of receipt.\n")
    plain = analyzer_with(second_opinion=None).scan(text)
    assert "governing_law" not in plain.present
    so = copy.deepcopy(shipped())
    so.thresholds["governing_law"] = 0.0  # whatever the model says: take it
    result = analyzer_with(second_opinion=so).scan(text)
    (f,) = [f for f in result.findings if f.rule == "governing_law"]
    before = next(x for x in plain.findings if x.rule == "governing_law")
    assert f.kind == "possibly_present" and f.source == "classifier"
    assert f.severity == lower_severity(before.severity)
    assert f.evidence and f.evidence[0].probability is not None and f.evidence[0].quote
    assert "second opinion" in f.message
    # the JSON of a rules-only finding is as before: no classifier fields
    rules_only = json.loads(plain.model_dump_json())["findings"][0]
    assert "source" not in rules_only and all("probability" not in e for e in rules_only["evidence"])


# --- the shipped model ------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def shipped_model() -> SecondOpinion:
    from contractscan.second_opinion import shipped

    return shipped()


def test_shipped_model_is_small_and_has_a_threshold_per_label(shipped_model):
    from contractscan.second_opinion import MODEL_DIR

    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 20_000_000
    assert set(shipped_model.thresholds) == set(shipped_model.labels) and len(shipped_model.labels) == 15


def test_shipped_model_predictions_on_the_samples_are_pinned(shipped_model):
    """The highest passage probability per label, to two decimals: a retrained or changed
    model shows here. (On the samples it agrees with the rules: no verdict changes.)"""
    import contractscan
    from contractscan.second_opinion import load_document_excerpts

    analyzer = contractscan.Analyzer(profile="outsourcing", second_opinion=False)
    pinned = {
        "lab_services_incomplete.pdf": {
            "assignment.restriction": 1.0, "audit_rights": 0.0, "change_of_control": 0.0, "exclusivity": 0.0,
            "governing_law": 1.0, "insurance": 0.02, "ip_ownership.assignment": 1.0, "ip_ownership.joint": 0.0,
            "liability.cap": 0.0, "liability.uncapped": 0.0, "non_compete": 0.0, "post_termination_services": 0.0,
            "renewal": 1.0, "renewal.notice": 0.0, "termination.for_convenience": 1.0},
        "lab_services_agreement.pdf": {
            "assignment.restriction": 1.0, "audit_rights": 1.0, "change_of_control": 0.12, "exclusivity": 0.82,
            "governing_law": 1.0, "insurance": 1.0, "ip_ownership.assignment": 1.0, "ip_ownership.joint": 0.0,
            "liability.cap": 1.0, "liability.uncapped": 1.0, "non_compete": 0.0, "post_termination_services": 1.0,
            "renewal": 1.0, "renewal.notice": 0.0, "termination.for_convenience": 1.0},
    }
    for name, want in pinned.items():
        _, _, items = load_document_excerpts(analyzer.load(SAMPLES / name))
        scores = shipped_model.score(items)
        got = {lab: round(max(s[lab] for s in scores), 2) for lab in shipped_model.labels}
        assert got == pytest.approx(want, abs=0.011), name


def test_with_the_shipped_model_on_the_samples_keep_their_verdicts(shipped_model):
    import contractscan

    off = contractscan.Analyzer(profile="outsourcing", second_opinion=False)
    on = contractscan.Analyzer(profile="outsourcing", second_opinion=shipped_model)
    for name in ("lab_services_incomplete.pdf", "business_associate_agreement.pdf"):
        a, b = off.scan(SAMPLES / name), on.scan(SAMPLES / name)
        assert a.model_dump_json() == b.model_dump_json(), name
