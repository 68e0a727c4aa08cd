"""The prefiltered regex must find exactly what ``re.finditer`` finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from contractscan.analyse import ClauseAnalyzer, build_nlp
from contractscan.prefilter import PrefilteredRegex, fold, literal_prefixes
from contractscan.rules import load_rules

TRICKY = [
    r"\b(?:shall|will|agrees? to) not\b[^.;]{0,20}\bdisclose",
    r"(?<![a-z])terminat(?:e|ion)\b",
    r"\b(?:hereby )?(?:assigns?|transfers?)\b",
    r"\bin (?:strict )?confidence",
    r"[Ss]ection \d+",
    r"\bsale|\bsail|\bsafe",
    r"(?:a|)bc\w",
    r"\bkey(?=s)",
    r"^gov",
    r"\bi[sS]",
    r"(?:ab){2,3}c",
    r"x*yz",
    r"\b(?:sale|safe|key|gov|abc|ikr) ?[a-z]",  # more prefixes than str.find handles: the trie regex
]
ALPHABET = "abcdeghiklnorstvyzSKIY .;\u017f\u0130\u0131\u212a\xe9"


@given(text=st.text(alphabet=ALPHABET, max_size=60), words=st.lists(
    st.sampled_from(["shall not disclose", "terminate", "hereby assigns", "in confidence", "Section 12",
                     "sale", "safe", "abcd", "keys", "gov", "iS", "ababc", "xxyz", "SHALL", "\u017fale"]),
    max_size=6))
@settings(max_examples=300, deadline=None)
def test_same_matches_as_finditer(text, words):
    text = " ".join([text, *words, text[::-1]])
    for pattern in TRICKY:
        plain = re.compile(pattern, re.I)
        fast = PrefilteredRegex(pattern, re.I)
        assert [m.span() for m in fast.finditer(text, fold(text))] == [m.span() for m in plain.finditer(text)], pattern


def test_each_pattern_takes_the_intended_path():
    assert PrefilteredRegex(TRICKY[0], re.I).literals == ["agree to not", "agrees to not", "shall not", "will not"]
    assert PrefilteredRegex(TRICKY[-1], re.I).gate is not None
    assert PrefilteredRegex(r"\w+ shall", re.I).gate is None


def test_prefixes_are_read_from_the_pattern():
    assert literal_prefixes(r"\b(?:hereby )?(?:assigns?|transfers?)\b", re.I) == {
        "assign", "assigns", "transfer", "transfers",
        "hereby assign", "hereby assigns", "hereby transfer", "hereby transfers"}
    assert literal_prefixes(r"\w+ shall", re.I) is None  # could start anywhere: no gate
    assert literal_prefixes(r"(?:a|)bc", re.I) is None  # "bc" is too short to help


def test_fold_keeps_offsets_where_re_ignorecase_meets_ascii():
    # These are the only characters re.IGNORECASE equates with an ASCII character whose
    # lower() is not that character; fold() must map them so no match is missed.
    odd = [chr(cp) for cp in range(0x80, 0x110000)
           if re.fullmatch(r"[a-z]", chr(cp), re.I) and chr(cp).lower() not in "abcdefghijklmnopqrstuvwxyz"]
    assert sorted(odd) == sorted("\u0130\u0131\u017f")
    text = "\u0130\u0131\u017f\u212a Abc"
    assert fold(text) == "iisk abc"


def test_every_rule_regex_agrees_on_a_contract():
    analyzer = ClauseAnalyzer(load_rules(), build_nlp())
    text = " ".join(r.examples.match[0] if r.examples.match else r.description for r in analyzer.rules) * 3
    for _ri, _pi, _neg, rx in analyzer.regexes:
        assert [m.span() for m in rx.finditer(text, fold(text))] == [m.span() for m in rx.regex.finditer(text)]
