"""Start gates only skip sentences a pattern cannot match: results equal running every
regex on every sentence (the plain matcher, ``accelerate=False``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from contractscan.match import ClauseMatcher
from contractscan.match.accel.prefixes import fold, literal_prefixes, start_gate
from contractscan.match.accel.search import search_from_starts
from contractscan.match.search import PlainSearch

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    r"\b(?:shall|will|agrees? to) not\b[^.;]{0,20}\bdisclose",
    r"(?<![a-z])terminat(?:e|ion)\b",
    r"\b(?:hereby )?(?:assigns?|transfers?)\b",
    r"[Ss]ection \d+",
    r"\bsale|\bsail|\bsafe",
    r"(?:a|)bc\w",
    r"\bkey(?=s)",
    r"^gov",
    r"\bby (?:the )?vote of\b|^(?-i:[\d.]+\s+[A-Z][a-z]+)",
    r"(?:ab){2,3}c",
    r"\b(?:sale|safe|key|gov|abc|ikr) ?[a-z]",  # more starts than `in` tests: one trie regex
    r"\b45\s?C\.?F\.?R",
]
ALPHABET = "abcdeghiklnorstvyzSKIY45CFR .;\u017f\u0130\u0131\u212a\xe9"
WORDS = ["shall not disclose", "terminate", "hereby assigns", "Section 12", "sale", "safe", "abcd", "keys",
         "gov", "by the vote of", "12 Term", "ababc", "45 CFR", "SHALL", "\u017fale", "ikr x"]


# Each pattern compiled and gated once: the properties below are about the gates' answers,
# which do not depend on when the gate was built.
GATED = [(pattern, re.compile(pattern, re.I), start_gate(pattern, re.I)) for pattern in TRICKY]


@given(text=st.text(alphabet=ALPHABET, max_size=60), words=st.lists(st.sampled_from(WORDS), max_size=6))
@settings(max_examples=examples(300), deadline=None)
def test_a_gate_never_refuses_a_text_the_pattern_matches(text, words):
    text = " ".join([text, *words, text[::-1]])
    for pattern, rx, gate in GATED:
        if rx.search(text):
            assert gate is None or gate(fold(text)), pattern


@given(text=st.text(alphabet=ALPHABET, max_size=60), words=st.lists(st.sampled_from(WORDS), max_size=6))
@settings(max_examples=examples(300), deadline=None)
def test_searching_only_where_a_match_can_start_finds_the_same_match(text, words):
    text = " ".join([text, *words, text[::-1]])
    for pattern, rx, gate in GATED:
        want = rx.search(text)
        got = search_from_starts(rx, text, gate, fold(text))
        assert (want and want.span()) == (got and got.span()), pattern


def test_starts_are_read_from_the_pattern():
    assert literal_prefixes(r"\b(?:hereby )?(?:assigns?|transfers?)\b", re.I) == {
        "assign", "assigns", "transfer", "transfers",
        "hereby assign", "hereby assigns", "hereby transfer", "hereby transfers"}
    assert start_gate(r"\b(?:owns|shall own)\b", re.I).strings == ("owns", "shall own")
    assert literal_prefixes(r"\w+ shall", re.I) is None  # could start anywhere: no gate
    assert literal_prefixes(r"^(?=.*\bdata\b).*?shall", re.I) is None
    assert start_gate(TRICKY[-2], re.I)._search is not None


def test_fold_covers_every_character_ignorecase_equates_with_ascii():
    # The only characters re.IGNORECASE equates with an ASCII letter although their lower()
    # is something else; fold() must map them so a gate never misses a match.
    every = "".join(map(chr, range(0x80, 0x110000)))  # one search over all of them, not a million calls
    odd = [m.group() for m in re.finditer(r"[a-z]", every, re.I)
           if m.group().lower() not in "abcdefghijklmnopqrstuvwxyz"]
    assert sorted(odd) == sorted("\u0130\u0131\u017f")
    assert fold("\u0130\u0131\u017f\u212a Abc") == "iisk abc"


@pytest.fixture(scope="module")
def ungated(analyzer, analyzer_with):
    """A scanner whose matcher runs every regex on every sentence: the results gates must keep."""
    plain = analyzer_with(matcher=ClauseMatcher(analyzer.rules, analyzer.nlp, accelerate=False))
    assert isinstance(plain.matcher.search, PlainSearch)
    return plain


# The quick run scans the sample contracts' Markdown sources of under 1,000 words; the full suite
# (CI) also the three longest (1,600 to 5,200 words) and the PDF and Word renderings of all, whose
# text differs only in layout: an ungated scan reads every regex on every sentence, half a second
# to two seconds a document.
def _quick(path) -> bool:
    return path.suffix == ".md" and len(path.read_text(encoding="utf-8").split()) < 1000


SAMPLES = [
    pytest.param(str(p.relative_to(ROOT / "samples")), marks=() if _quick(p) else pytest.mark.slow)
    for p in sorted((ROOT / "samples").rglob("*"), key=lambda p: str(p.relative_to(ROOT / "samples")))
    if p.suffix in (".pdf", ".docx", ".md")
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_gated_analysis_equals_ungated(analyzer, ungated, sample):
    path = ROOT / "samples" / sample
    assert analyzer.scan(path).model_dump() == ungated.scan(path).model_dump()
