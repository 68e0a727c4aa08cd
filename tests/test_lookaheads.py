"""The core of a pattern (its look-aheads dropped) matches wherever the pattern does,
so trying it first never loses a match."""

from __future__ import annotations

import re

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from contractscan.match.accel.lookaheads import core_regex
from contractscan.rules import load_rules

SHAPES = [
    (r"^(?=.*\bpatents?\b).*?\bshall vest in\b", r"\bshall vest in\b"),
    (r"^(?!.*\b(?:breach|default)\b).*\bat any time\b", r"\bat any time\b"),
    (r"^(?=.*\bx)(?!.*\by)\bterm\b", r"^\bterm\b"),  # anchored: stays anchored
    (r"\byear to year\b|^(?=.*\brenew)[^.]*\bsuccessive\b", r"\byear to year\b|^[^.]*\bsuccessive\b"),
    (r"^(?=.*[)(|])(?=.*\(a\|b\)).*?end", "end"),  # parentheses and bars inside classes and escapes
]


@pytest.mark.parametrize("pattern,core", SHAPES)
def test_leading_look_aheads_are_dropped(pattern, core):
    assert core_regex(pattern) == core


@pytest.mark.parametrize("pattern", [
    r"\bshall vest in\b",  # nothing to drop
    r"^(?=.*\bpatents?\b)",  # conditions only: the core would match anything
    r"(?x) ^(?=.*\bx) y",  # verbose mode: left alone
    r"\bx\b(?=.*y)",  # a look-ahead after the start is part of the match
])
def test_patterns_without_a_cheaper_core_get_none(pattern):
    assert core_regex(pattern) is None


def _rule_patterns():
    for rule in load_rules():
        for pat in [*rule.patterns, *rule.exclude]:
            if pat.regex and core_regex(pat.regex):
                yield rule, pat


def test_built_in_rules_have_cores_that_every_example_match_implies():
    seen = 0
    for rule, pat in _rule_patterns():
        rx, core = re.compile(pat.regex, re.I), re.compile(core_regex(pat.regex), re.I)
        for text in [*rule.examples.match, *rule.examples.no_match]:
            if rx.search(text):
                seen += 1
                assert core.search(text), (rule.id, pat.regex, text)
    assert seen >= 10


WORDS = ["patents", "shall vest in", "breach", "at any time", "renew", "successive", "term", "x", "y", ".", "(a|b)"]


@given(words=st.lists(st.sampled_from(WORDS), max_size=8))
@settings(max_examples=examples(300), deadline=None)
def test_the_core_matches_wherever_the_pattern_does(words):
    text = " ".join(words)
    for pattern, _ in SHAPES:
        if re.search(pattern, text, re.I):
            assert re.search(core_regex(pattern), text, re.I)
