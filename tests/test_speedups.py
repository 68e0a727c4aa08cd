"""Speed-ups outside the matcher give the results of the plain code they stand in for."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from contractscan import values
from contractscan.doctype import count_matches, detect_type, load_type_rules

ROOT = Path(__file__).resolve().parent.parent
CUES = [c for t in load_type_rules().types.values() for part in (t.title, t.opening, t.headings, t.body) for c in part]
SAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples" / "source").rglob("*.md"))]
TRICKY = ["THIS AGREEMENT and this Agreement; these Terms", "İstanbul ſub-processors Data Subjects",
          "this Order Form\nthis order form", "Business Associate business associate PHI", "", "   \n  "]


@pytest.mark.parametrize("text", SAMPLE_TEXTS + TRICKY)
def test_counting_a_cue_from_its_start_strings_equals_findall(text):
    for cue in CUES:
        assert count_matches(cue.pattern, text) == len(cue.pattern.findall(text)), cue.regex


@settings(max_examples=examples(60), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("thisagrementodrfmbuscpHIATSZ ſİ\n-")), max_size=80))
def test_counting_equals_findall_on_arbitrary_text(text):
    for cue in CUES:
        assert count_matches(cue.pattern, text) == len(cue.pattern.findall(text)), cue.regex


def test_document_type_of_the_samples_is_unchanged_by_skipping_cues(monkeypatch):
    import contractscan.doctype as doctype

    for text in SAMPLE_TEXTS:
        fast = detect_type(text, [])
        with monkeypatch.context() as m:
            m.setattr(doctype, "_needed_words", lambda regex: ())
            m.setattr(doctype, "count_matches", lambda rx, t, folded=None: len(rx.findall(t)))
            plain = detect_type(text, [])
        assert fast == plain


@pytest.mark.parametrize("text", ["thirty (30) days", "one month", "two years", "72 hours", "a thirty day notice",
                                  "Thirty (30) Business Days", "no period here", "dayS", "weekly", "ſixty dayſ",
                                  "x" * 300 + " ninety days", "forty-five days' notice"])
def test_to_days_gate_keeps_every_duration(text):
    def plain(t: str):
        for m in values._DURATION.finditer(t):
            n = int(m.group("paren")) if m.group("paren") else None
            if n is None:
                n = values._leading_number(m.group("num"))
            if n is None:
                continue
            unit = m.group("unit").lower()
            if unit == values._HOUR:
                return max(1, -(-n // 24))
            return n * values._UNITS.get(unit, values._UNITS.get(unit.split()[-1], 1))
        return None

    assert values.to_days(text) == plain(text)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abc .;\n\x00")), max_size=12), max_size=12),
       st.lists(st.text(alphabet=st.sampled_from(list("abc .\x00")), min_size=1, max_size=4), min_size=1, max_size=40))
def test_literal_index_answers_alike_before_and_after_its_word_map(parts, literals):
    """A literal is looked for in the text itself for the first few, in the word map after:
    the same sentences either way."""
    from contractscan.match.accel.index import LiteralIndex

    text, starts, ends = "", [], []
    for p in parts:  # sentences separated by a space, some touching
        starts.append(len(text))
        text += p
        ends.append(len(text))
        text += " " if len(p) % 2 else ""
    scanning = LiteralIndex(text, starts, ends)
    words = LiteralIndex(text, starts, ends)
    words._build_words()
    for lit in literals:
        expected = {si for si, (s, e) in enumerate(zip(starts, ends)) if lit in text[s:e]}
        assert scanning.sentences(lit) == words.sentences(lit) == expected, lit
