"""Our tokenizer and sentence splitter give exactly spaCy's tokens and sentences.

``contractscan.tokens`` and ``contractscan.sentencizer`` stand in for ``spacy.blank("en")`` + sentencizer on the
default path; any difference would move a quote or a match. The whole-corpus check is
``benchmarks/same_tokens.py`` (all dev PDFs); these tests cover the copied data, our samples,
rule examples and generated text.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import conftest
import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractscan.sentencizer import Sentencizer, english_sentences
from contractscan.tokens import DATA, Token, Tokenizer, _export, english, like_num

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spacy_nlp(nlp):
    return nlp


def _theirs(nlp, text):
    doc = nlp(text)
    return [(t.idx, t.text) for t in doc], [(s.start_char, s.end_char) for s in doc.sents]


def _same(nlp, text, split=None):
    split = split or english_sentences()
    words, sents = _theirs(nlp, text)
    assert split.tokenizer.words(text) == words, text
    assert split.sentences(text) == sents, text
    # a fresh tokenizer (empty caches) agrees too (building one takes ~4 ms: the full suite only)
    if not conftest.QUICK:
        assert Sentencizer(Tokenizer()).sentences(text) == sents, text


@pytest.mark.slow  # reads spaCy's tables (seconds); the full suite (CI) checks them
def test_data_is_the_installed_spacys():
    """tokens_en.json is what the installed spaCy holds (regenerate it after an upgrade:
    ``python -m contractscan.tokens``)."""
    saved = json.loads(DATA.read_text(encoding="utf-8"))
    now = _export()
    saved.pop("spacy")
    now.pop("spacy")
    assert saved == now


@pytest.mark.parametrize("text", [
    "",
    " ",
    "  ",
    "One.",
    "One. ",
    "One.  ",
    "One.\tTwo",
    " Leading space. Then more.",
    "  Two leading.  Two inside.   Three inside.",
    "Acme Inc. shall pay the U.S. Department within 30 days, e.g. by wire.",
    "Section 2.7 applies. (a) The Supplier shall... (b) The Customer may!",
    '"Affiliate" means any entity. "Agreement" means this.',
    "He said: 'stop.' Then he left.) And so on.",
    "The fee is $1,000.00. Payable in U.S.A.? Yes!! No?! Maybe...",
    "(Definitions): see below. basis):_ done. expenses): fine.",
    "Don't, can't, won't. It's the Company's right; they'd agree.",
    "e-mail: info@example.com. Visit https://example.com/a.b?c=d. Next.",
    "Hello :) world. Smile (: again. 8-D. ._. end.",
    "Term\u00a0one.\u00a0Two \u2028 three. Four\u3002Five\uff01 six",
    "1.2.3 Heading\n\nText. More text .  . . end",
    "[Signature page follows.] IN WITNESS WHEREOF, the parties agree.",
])
def test_constructions(spacy_nlp, text):
    _same(spacy_nlp, text)


@pytest.mark.parametrize("part", [
    "rule examples",
    "sample paragraphs",
    # each whole sample as one line: seconds of spaCy, so in the full suite (CI) only
    pytest.param("whole samples", marks=pytest.mark.slow),
])
def test_samples_and_rule_examples(spacy_nlp, part):
    """Every paragraph and whole text of our sample contracts, and every rule example."""
    from contractscan.rules import load_rules

    texts = []
    for md in sorted((ROOT / "samples" / "source").rglob("*.md")):
        body = md.read_text(encoding="utf-8")
        if part == "whole samples":
            texts.append(body.replace("\n", " "))
        elif part == "sample paragraphs":
            texts.extend(p.replace("\n", " ") for p in body.split("\n\n"))
    if part == "rule examples":
        for rule in load_rules():
            texts.extend(rule.examples.match)
            texts.extend(rule.examples.no_match)
    assert texts
    split = Sentencizer(Tokenizer())
    for text in texts:
        _same(spacy_nlp, text, split)


_PIECES = st.sampled_from([
    "the", "Company", "shall", "not", "U.S.", "Inc.", "e.g.", "i.e.", "Sec.", "No.", "1.", "2.1", "(a)", "(ii)",
    "$1,000.00", "30%", "'s", "’s", "can't", "don't", "won't", "it's", "\"Term\"", "“Term”", "(Definitions):",
    ":)", "(:", "):", "._.", "<3", "8-D", "-", "--", "—", "/", "and/or", "a.m.", "p.m.", "Mr.", "Dr.",
    "www.example.com", "http://x.io/a.b", "x@y.com", ".", "..", "...", "!", "?", "?!", ";", ":", ",", "'", "’",
    "\"", "(", ")", "[", "]", "*", "_", "§", "°", "°C", "5km", "10x", "1st", "Ltd.)", "etc.).", "No.5", "\u3002",
])
_GAPS = st.sampled_from([" ", " ", " ", " ", "", "  ", "\t", "\u00a0", " \u00a0 ", "   "])


@st.composite
def _texts(draw):
    parts = draw(st.lists(st.tuples(_PIECES, _GAPS), max_size=30))
    lead = draw(st.sampled_from(["", " ", "  "]))
    return lead + "".join(p + g for p, g in parts)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts())
def test_generated_texts(spacy_nlp, text):
    _same(spacy_nlp, text)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_any_text(spacy_nlp, text):
    _same(spacy_nlp, text)


@settings(max_examples=examples(300), deadline=None)
@given(word=st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1,
                    max_size=14))
def test_a_word_of_letters_is_one_token_without_the_affix_rules(word):
    """``Tokenizer.chunk`` answers a word of ASCII letters without the affix and infix regexes:
    they never split one (nor does the URL rule take one)."""
    tok = english()
    assert tok._tokenize(word) == tok.specials.get(word, (word,)) == tok.chunk(word)


def test_the_rules_words_are_one_token_without_the_affix_rules():
    tok = english()
    words = {w for p in (ROOT / "rules").rglob("*.yaml") for w in re.findall(r"[A-Za-z]+", p.read_text("utf-8"))}
    words |= {w for k in tok.specials for w in re.findall(r"[A-Za-z]+", k)}
    words |= {"US", "km", "am", "pm", "vs", "etc", "Inc", "Ltd", "Co", "No", "St", "Mr", "http", "www", "com", "localhost"}
    assert len(words) > 1000
    for w in words:
        assert tok._tokenize(w) == tok.specials.get(w, (w,)) == tok.chunk(w), w


def test_token_attributes(spacy_nlp):
    text = "Twenty-one (21) first 3rd 1/2 +5 -- “quoted” x"
    ours = english().tokens(text)
    theirs = spacy_nlp.make_doc(text)
    assert [(t.text, t.idx, t.i, t.lower_, t.is_punct, t.like_num, len(t)) for t in ours] == [
        (t.text, t.idx, t.i, t.lower_, t.is_punct, t.like_num, len(t)) for t in theirs]
    assert like_num("twelfth") and not like_num("twelve-ish")
    assert isinstance(ours[0], Token)


def _readers():
    import spacy

    from contractscan.reading import Reader

    return Reader(None), Reader(spacy.blank("en"))  # ours; spaCy's tokens and Matcher


def _reads_alike(ours, theirs, sentence):
    assert ours.role(sentence) == theirs.role(sentence), sentence
    for m in re.finditer(r"\S+", sentence):
        assert ours.polarity(sentence, m.start(), m.end()) == theirs.polarity(sentence, m.start(), m.end()), (
            sentence, m.group())


@pytest.mark.parametrize("rule_examples", [False, pytest.param(True, marks=pytest.mark.slow)],
                         ids=["constructions", "rule examples"])  # every word of ~650 examples: seconds
def test_reader_reads_as_with_spacy(rule_examples):
    """The reading steps (roles, negation, permission) give what spaCy's Matcher gave."""
    from contractscan.rules import load_rules

    ours, theirs = _readers_cached()
    assert ours._our_roles is not None and theirs._our_roles is None
    sentences = [
        "WHEREAS, the parties wish to agree.", "IN WITNESS WHEREOF, the parties have signed.",
        "By: ____ Name: John", "with a copy to: Counsel", "(a) Licensee is duly organized under law.",
        "The representations and warranties of X are true and correct in all respects.",
        "Seller has full corporate power and authority to enter.", "See Section 4 for the fees.",
        "Nothing herein shall prevent Supplier from competing.", "Customer may not assign this Agreement.",
        "Supplier is free to compete; however it shall not solicit.", "No provision requires Vendor to insure.",
        "Unlimited liability is not permitted, and X shall pay.", "incorporated herein by reference.",
        "(b) WHEREAS by: the representations and warranties are true and correct.",
    ]
    for rule in load_rules() if rule_examples else ():
        sentences.extend(rule.examples.match)
        sentences.extend(rule.examples.no_match)
    for s in sentences:
        _reads_alike(ours, theirs, s)


_WORDS_READ = st.sampled_from([
    "whereas", "WHEREAS", "recitals", "in", "witness", "whereof", "by", "By", ":", "name", "with", "a", "copy",
    "to", "representations", "and", "warranties", "are", "true", "correct", "is", "duly", "organized", "has",
    "full", "corporate", "power", "authority", "the", "requisite", "incorporated", "herein", "reference", "see",
    "Section", "4", "(a)", "may", "not", "no", "nothing", "requires", "free", "permitted", "shall", "never",
    "n't", "can", "cannot", ";", ",", "provided", "except", "unless", "or", "liability", "be", "granted", ".",
    "Supplier", "compete", "at", "liberty", "obliges", "-", "'s",
])


@settings(max_examples=examples(300), deadline=None)
@given(words=st.lists(_WORDS_READ, min_size=1, max_size=14))
def test_reader_generated(words):
    ours, theirs = _readers_cached()
    _reads_alike(ours, theirs, " ".join(words))


@lru_cache(maxsize=1)
def _readers_cached():
    return _readers()


@pytest.mark.slow
def test_default_scan_does_not_import_spacy(tmp_path):
    """spaCy's import is over a second per process: the default path must not pay it."""
    import subprocess
    import sys

    code = ("import sys, contractscan; r = contractscan.Analyzer().scan('This Agreement is governed by the laws "
            "of New York.\\nEither party may terminate it.\\n'); assert r.error is None, r.error; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'spacy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
