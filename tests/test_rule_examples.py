"""Every rule's inline examples must behave as the rule says."""

from __future__ import annotations

import pytest

from contractscan.match import build_nlp
from contractscan.examples import run_examples
from contractscan.rules import load_rules

RULES = load_rules()


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_examples(rule, nlp):
    assert rule.examples.match, f"{rule.id} has no positive examples"
    assert rule.examples.no_match, f"{rule.id} has no negative examples"
    assert run_examples(rule, nlp, RULES) == []


def test_rule_ids_are_unique():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
