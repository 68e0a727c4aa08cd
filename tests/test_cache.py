"""The cache on disk of compiled rules: the same patterns and rules as without it, rebuilt when
stale or corrupt, turned off or moved by CONTRACTSCAN_CACHE, never inside the package."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from contractscan import cache
from contractscan.match.accel import prefilter
from contractscan.match.accel.search import AcceleratedSearch
from contractscan.match.patterns import compile_patterns
from contractscan.rules import load_rules


def _fresh(monkeypatch, folder: Path | str) -> None:
    """A cache in ``folder`` that this process has not read yet."""
    monkeypatch.setenv(cache.ENV, str(folder))
    monkeypatch.setattr(cache, "_codes", None)
    monkeypatch.setattr(cache, "_patterns", {})
    monkeypatch.setattr(cache, "_new_codes", 0)


def test_compiled_regexes_equal_re_compile():
    """Pattern equality compares the compiled code: the cache's patterns are re.compile's."""
    rules = load_rules()
    sources = {(p.regex, re.I) for r in rules for p in (*r.patterns, *r.exclude) if p.regex}
    sources |= {(rx, 0) for r in rules if r.value for rx in ([r.value.regex] if isinstance(r.value.regex, str)
                                                            else r.value.regex)}
    assert len(sources) > 300
    for src, flags in sources:
        assert cache.compile_regex(src, flags) == re.compile(src, flags), src


def test_regex_from_disk_equals_fresh_compile(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    src = r"(?P<value>\b(?:thirty|\d+)\s*\(?\d*\)?\s+days?)\b"
    first = cache.compile_regex(src, re.I)
    cache.save()
    assert list(tmp_path.glob("regex-*.pickle"))
    _fresh(monkeypatch, tmp_path)
    again = cache.compile_regex(src, re.I)
    assert again == first == re.compile(src, re.I)
    assert again.search("within Thirty (30) days").group("value") == "Thirty (30) days"
    with pytest.raises(re.error):
        cache.compile_regex("(unclosed")


def test_gates_from_disk_equal_fresh_ones(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    # the gates only: building the Hyperscan database of every rule takes ~6 s of CPU (its own
    # round trip is tested on a few regexes below)
    monkeypatch.setattr(prefilter, "_hs", None)
    # every third regex of the rules (analysing all of them takes seconds): gates of every kind
    regexes = [p for p in compile_patterns(load_rules()) if p.kind == "regex"][::3]
    built = AcceleratedSearch(regexes).patterns
    assert any(g.core for g in built) and any(g.others for g in built) and any(g.literals is None for g in built)
    assert list(tmp_path.glob("gates-*.pickle"))
    loaded = AcceleratedSearch(regexes).patterns
    assert loaded is not built
    for a, b in zip(built, loaded):
        assert (a.regex, a.veto, a.literals, a.core) == (b.regex, b.veto, b.literals, b.core)
        for ga, gb in [(a.starts, b.starts), (a.core_starts, b.core_starts), *zip(a.others, b.others)]:
            assert (ga is None) == (gb is None)
            if ga is not None:
                assert (ga.strings, ga._trie) == (gb.strings, gb._trie)
                assert list(ga.positions("the licensee shall terminate")) == \
                    list(gb.positions("the licensee shall terminate"))


@pytest.mark.skipif(not prefilter.available(), reason="hyperscan is not installed")
def test_sentence_filter_from_disk_equals_a_fresh_one(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    rules = [r for r in load_rules() if r.id.startswith("governing_law")]
    regexes = [p for p in compile_patterns(rules) if p.kind == "regex"]
    texts = [s for r in rules for s in [*r.examples.match, *r.examples.no_match]]
    built = AcceleratedSearch(regexes).filter
    assert built is not None and list(tmp_path.glob("prefilter-*.pickle"))
    loaded = AcceleratedSearch(regexes).filter
    assert loaded is not built and loaded.covered == built.covered and loaded(texts) == built(texts)
    assert any(found for found in built(texts)[0])


def test_corrupt_or_stale_entries_are_rebuilt(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    rule = tmp_path / "rule.yaml"
    rule.write_text("id: custom.one\nname: One\ndescription: d\nrecommendation: r\n"
                    "patterns:\n  - regex: '\\bwidgets?\\b'\n")
    assert load_rules([rule], builtin=False)[0].id == "custom.one"
    for entry in tmp_path.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    monkeypatch.setattr("contractscan.rules._loaded", {})
    _fresh(monkeypatch, tmp_path)
    assert load_rules([rule], builtin=False)[0].id == "custom.one"
    # a changed file is another key: never the old rules
    rule.write_text(rule.read_text().replace("custom.one", "custom.two"))
    assert load_rules([rule], builtin=False)[0].id == "custom.two"
    entries = list(tmp_path.glob("rules-*.pickle"))
    assert len(entries) == 2 and all(pickle.loads(e.read_bytes()) for e in entries)


def test_cache_off_and_location(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.cache_dir() is None
    cache.store("x", "k", 1)
    assert cache.load("x", "k") is None
    monkeypatch.delenv(cache.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = cache.cache_dir()
    assert where == tmp_path / "contractscan"
    package = Path(cache.__file__).resolve().parent
    assert package not in where.resolve().parents


def test_the_tests_use_their_own_cache():
    assert cache.cache_dir() is not None
    assert "test-cache" in str(cache.cache_dir())
