"""The CUAD tuning/validation split is a fixed function of the contract id (no data needed)."""

import hashlib
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("cuad_bench", Path(__file__).parents[1] / "benchmarks" / "cuad.py")
cuad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cuad)


def test_split_is_the_documented_hash_rule():
    for cid in ("alpha-contract-1", "beta", "x" * 60):
        expected = "validation" if int(hashlib.sha256(cid.encode()).hexdigest(), 16) % 3 == 0 else "tuning"
        assert cuad.part_of(cid) == expected
        assert cuad.in_part(cid, "all") and cuad.in_part(cid, expected)


def test_split_is_about_one_third_validation():
    ids = [f"made-up-contract-{i}" for i in range(3000)]
    share = sum(cuad.part_of(i) == "validation" for i in ids) / len(ids)
    assert 0.30 < share < 0.37


def test_a_category_two_rules_declare_is_present_when_either_is():
    """CUAD's "Cap On Liability" covers an amount cap and an exclusion of kinds of damages;
    our taxonomy gives them two ids, and the category counts either."""
    dataset = [{"id": f"c{i}", "labels": {"Cap On Liability": gold}} for i, gold in enumerate([True, True, False])]
    preds = {"c0": {"present": ["liability.cap"]}, "c1": {"present": ["liability.exclusion"]},
             "c2": {"present": []}}
    cats = {"liability.cap": "Cap On Liability", "liability.exclusion": "Cap On Liability"}
    row = cuad.score(dataset, preds, cats)["table"]["Cap On Liability"]
    assert (row["tp"], row["fp"], row["fn"], row["id"]) == (2, 0, 0, "liability.cap+liability.exclusion")
