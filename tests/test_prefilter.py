"""The Hyperscan sentence filter: wherever a rule regex matches a sentence, the filter names it
(it may name more); sentences it cannot read are left to the gates; without Hyperscan the
search works as before."""

from __future__ import annotations

import re

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractscan.match.accel import prefilter
from contractscan.match.patterns import compile_patterns
from contractscan.rules import load_rules

RULES = load_rules()
PATTERNS = [p for p in compile_patterns(RULES) if p.kind == "regex"]
REGEXES = [p.regex for p in PATTERNS]
SENTENCES = sorted({s for r in RULES for s in [*r.examples.match, *r.examples.no_match]})

needs_hyperscan = pytest.mark.skipif(not prefilter.available(), reason="hyperscan is not installed")


@pytest.fixture(scope="module")
def sentence_filter():
    """The filter of the built-in rules as the analyser gets it: from the tests' cache when it
    was built before (building it takes ~6 s of CPU; test_cache.py tests the round trip)."""
    from contractscan.match.accel.search import AcceleratedSearch

    found = AcceleratedSearch(PATTERNS).filter
    assert found is not None
    return found


def _missed(sentence_filter, texts: list[str], only: list[list[int]] | None = None) -> list[tuple[str, str]]:
    """The (regex, text) pairs where the regex matches and the filter did not name it; ``only``:
    per regex, the texts to look at (else all)."""
    found, unjudged = sentence_filter(texts)
    left = set(unjudged)
    out = []
    for i, rx in enumerate(REGEXES):
        if not sentence_filter.covered[i]:
            continue
        named = set(found[i])
        out += [(rx.pattern, texts[ti]) for ti in (range(len(texts)) if only is None else only[i])
                if ti not in left and ti not in named and rx.search(texts[ti])]
    return out


@needs_hyperscan
def test_every_rule_regex_but_back_references_is_filtered(sentence_filter):
    uncovered = [rx.pattern for i, rx in enumerate(REGEXES) if not sentence_filter.covered[i]]
    assert all(re.search(r"\\\d|\(\?P=", p) for p in uncovered), uncovered


@needs_hyperscan
def test_the_filter_names_each_regex_on_its_own_rules_examples(sentence_filter):
    where = {s: i for i, s in enumerate(SENTENCES)}
    own = [[where[s] for s in {*RULES[p.rule].examples.match, *RULES[p.rule].examples.no_match}] for p in PATTERNS]
    assert sum(map(len, own)) > 1000
    assert _missed(sentence_filter, SENTENCES, own) == []


# Every regex on every rule's examples: ~500 regexes on ~650 sentences, ~2 s a variant, so in
# the full suite (CI) only; the quick run has each rule's own examples above and, for case and
# curly quotes, the hypothesis test below.
@needs_hyperscan
@pytest.mark.slow
@pytest.mark.parametrize("spell", [str, str.upper, lambda s: s.replace("'", "\u2019")],
                         ids=["as written", "upper case", "curly quotes"])
def test_the_filter_names_every_regex_that_matches_the_rules_examples(sentence_filter, spell):
    assert _missed(sentence_filter, [spell(s) for s in SENTENCES]) == []


# Sentence-like text over the filter's alphabet and beyond it: words from the rules' examples,
# punctuation it maps to bytes, and letters it must leave to the gates.
WORDS = sorted({w for s in SENTENCES for w in s.split()})[:4000]
pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(["\u2019s", "\u201c", "\u201d", "\u00b7", "\u2014", ";",
                                                             "(a)", "30", "\u00e9t\u00e9", "\u0130", "\u017f", "K"]))


@needs_hyperscan
@given(st.lists(pieces, min_size=1, max_size=40))
@settings(max_examples=examples(300), deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_the_filter_never_drops_a_match(sentence_filter, words):
    text = " ".join(words)
    assert _missed(sentence_filter, [text, text.lower(), text.upper()]) == []


def test_superset_drops_look_arounds_and_counts_and_keeps_case():
    src = prefilter.superset(r"(?<!not )\bshall\s+(?:\w+\s+){0,3}pay(?!ment)", re.I)
    assert src is not None and "{" not in src and "(?<" not in src and "(?!" not in src
    assert prefilter.superset(r"(\w+) and \1") is None  # a back-reference: left to the gates
    assert prefilter.to_bytes("the Supplier\u2019s fees") is not None
    assert prefilter.to_bytes("caf\u00e9") is None and prefilter.to_bytes("\u017fhall") is None


@needs_hyperscan
def test_case_is_read_as_re_reads_it():
    texts = ["Governing Law", "GOVERNING LAW", "governing law"]
    f = prefilter.SentenceFilter([prefilter.superset("governing law", re.I), prefilter.superset("(?-i:Governing) law", re.I),
                                  prefilter.superset("Governing law")])
    found, unjudged = f(texts)
    assert unjudged == [] and found == [[0, 1, 2], [0], []]


def test_without_hyperscan_the_search_uses_the_gates(monkeypatch):
    from contractscan.match.accel.search import AcceleratedSearch

    monkeypatch.setattr(prefilter, "_hs", None)
    patterns = [p for p in compile_patterns(RULES) if p.kind == "regex"]
    assert AcceleratedSearch(patterns).filter is None
