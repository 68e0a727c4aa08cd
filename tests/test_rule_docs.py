"""docs/rules.md is generated from the rule files and kept in step with them."""

from __future__ import annotations

import pytest
from conftest import ROOT

from contractscan.docs import REGENERATE, rules_reference


def test_the_rule_reference_is_up_to_date():
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    expected = rules_reference().splitlines()
    if written != expected:
        line = next((i for i, (a, b) in enumerate(zip(written, expected)) if a != b), min(len(written), len(expected)))
        pytest.fail(f"docs/rules.md is out of date (first difference at line {line + 1}): run `{REGENERATE}`",
                    pytrace=False)


def test_every_rule_is_documented_with_its_examples():
    from contractscan.rules import load_rules

    text = rules_reference()
    for rule in load_rules():
        assert f"### `{rule.id}` — {rule.name}" in text
        assert f"[`{rule.id}`](#" in text  # listed in the contents
