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
