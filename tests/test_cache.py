"""The cache on disk of compiled rules: the same patterns and rules as without it, rebuilt when
stale or corrupt, turned off or moved by CONTRACTSCAN_CACHE, never inside the package."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import conftest
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
    monkeypatch.setattr(cache, "_touched", set())


def test_compiled_regexes_equal_re_compile():
    """Pattern equality compares the compiled code: the cache's patterns are re.compile's."""
    rules = load_rules()
    sources = {(p.regex, re.I) for r in rules for p in (*r.patterns, *r.exclude) if p.regex}
    sources |= {(rx, 0) for r in rules if r.value for rx in ([r.value.regex] if isinstance(r.value.regex, str)
                                                            else r.value.regex)}
    assert len(sources) > 300
    # the quick run: every third (re.compile of all takes a second in pure Python); the full suite all
    for src, flags in sorted(sources)[::3 if conftest.QUICK else 1]:
        assert cache.compile_regex(src, flags) == re.compile(src, flags), src


def test_regex_from_disk_equals_fresh_compile(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    src = r"(?P<value>\b(?:thirty|\d+)\s*\(?\d*\)?\s+days?)\b"
    first = cache.compile_regex(src, re.I)
    cache.save()
    assert list(tmp_path.glob("*/regex-*.pickle"))
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
    # the quick run: every third regex of the rules (analysing all takes seconds), gates of every kind
    regexes = [p for p in compile_patterns(load_rules()) if p.kind == "regex"][::3 if conftest.QUICK else 1]
    built = AcceleratedSearch(regexes).patterns
    assert any(g.core for g in built) and any(g.others for g in built) and any(g.literals is None for g in built)
    assert list(tmp_path.glob("*/gates-*.pickle"))
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
    assert built is not None and list(tmp_path.glob("*/prefilter-*.pickle"))
    loaded = AcceleratedSearch(regexes).filter
    assert loaded is not built and loaded.covered == built.covered and loaded(texts) == built(texts)
    assert any(found for found in built(texts)[0])


def test_corrupt_or_stale_entries_are_rebuilt(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    rule = tmp_path / "rule.yaml"
    rule.write_text("id: custom.one\nname: One\ndescription: d\nrecommendation: r\n"
                    "patterns:\n  - regex: '\\bwidgets?\\b'\n")
    assert load_rules([rule], builtin=False)[0].id == "custom.one"
    for entry in tmp_path.glob("*/*.pickle"):
        entry.write_bytes(b"not a pickle")
    monkeypatch.setattr("contractscan.rules._loaded", {})
    _fresh(monkeypatch, tmp_path)
    assert load_rules([rule], builtin=False)[0].id == "custom.one"
    # a changed file is another key: never the old rules
    rule.write_text(rule.read_text().replace("custom.one", "custom.two"))
    assert load_rules([rule], builtin=False)[0].id == "custom.two"
    entries = list(tmp_path.glob("*/rules-*.pickle"))
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


# --- what the cache folder is named by -----------------------------------------------------

def test_only_the_code_that_makes_entries_makes_them_stale(tmp_path):
    """An edit to a renderer keeps the cache warm; an edit to rule parsing or to the speed-ups'
    analysis of a pattern starts a new folder."""
    import shutil

    package = tmp_path / "contractscan"
    shutil.copytree(Path(cache.__file__).resolve().parent, package, ignore=shutil.ignore_patterns("__pycache__"))

    def fingerprint_after(edit: str | None) -> str:
        if edit is not None:
            with (package / edit).open("a", encoding="utf-8") as fh:
                fh.write("\n# edited\n")
        return cache._source_hash(package, cache.CACHED_BY)

    before = fingerprint_after(None)
    assert fingerprint_after("render/xlsx.py") == before and fingerprint_after("match/matcher.py") == before
    after_rules = fingerprint_after("rules.py")
    assert after_rules != before and fingerprint_after("match/accel/literals.py") != after_rules
    assert cache._source_hash(package) != cache._source_hash(package, cache.CACHED_BY)


# What the modules of CACHED_BY import from the package without their code shaping an entry:
# errors (raised, never stored), resources (where the rule files are: their bytes are keys),
# and the types the speed-ups take and give (a pattern's source and flags are in the key).
_READ_ONLY = {"errors.py", "resources.py", "match/patterns.py", "match/search.py", "match/sentences.py"}


def test_the_code_that_makes_entries_imports_only_what_the_fingerprint_covers():
    import ast

    package = Path(cache.__file__).resolve().parent
    covered = {p.relative_to(package).as_posix() for part in cache.CACHED_BY
               for p in ((package / part).rglob("*.py") if (package / part).is_dir() else [package / part])}
    for rel in sorted(covered):
        base = Path(rel).parent
        for node in ast.walk(ast.parse((package / rel).read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level):
                continue
            where = base
            for _ in range(node.level - 1):
                where = where.parent
            names = [node.module] if node.module else [a.name for a in node.names]
            for name in names:
                module = (where / Path(*name.split("."))).as_posix().removeprefix("./") + ".py"
                if not (package / module).is_file():
                    continue  # a package (its __init__ only imports), or a name from one
                assert module in covered | _READ_ONLY, f"{rel} imports {module}: add it to cache.CACHED_BY"


# --- eviction ----------------------------------------------------------------------------

def _entries(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_old_fingerprints_and_the_old_layout_are_evicted(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    for age, fp in enumerate(["a" * 16, "b" * 16, "c" * 16]):  # a: used last, c: longest ago
        (tmp_path / fp).mkdir()
        (tmp_path / fp / "gates-x.pickle").write_bytes(b"5 MB")
        os.utime(tmp_path / fp, (1e9 - age, 1e9 - age))
    (tmp_path / ("rules-" + "0" * 32 + ".pickle")).write_bytes(b"old layout")
    (tmp_path / "notes.txt").write_text("not ours")  # $CONTRACTSCAN_CACHE may be a shared folder
    (tmp_path / "0123").mkdir()
    cache.store("rules", "k", [1])
    current = cache.fingerprint()
    assert _entries(tmp_path) == {f"{current}/rules-k.pickle", "aaaaaaaaaaaaaaaa/gates-x.pickle",
                                  "bbbbbbbbbbbbbbbb/gates-x.pickle", "notes.txt"}
    assert (tmp_path / "0123").is_dir()
    assert cache.load("rules", "k") == [1]


def test_the_folder_keeps_its_most_recently_used_entries_within_its_size(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    monkeypatch.setattr(cache, "MAX_FOLDER_BYTES", 3 * len(pickle.dumps(b"x" * 1000, protocol=pickle.HIGHEST_PROTOCOL)))
    folder = tmp_path / cache.fingerprint()
    for i in range(3):
        cache.store("gates", f"k{i}", b"x" * 1000)
        os.utime(folder / f"gates-k{i}.pickle", (1e9 + i, 1e9 + i))
    monkeypatch.setattr(cache, "_touched", set())
    assert cache.load("gates", "k0") == b"x" * 1000  # used now: the newest
    cache.store("prefilter", "k3", b"x" * 1000)
    assert sorted(p.name for p in folder.iterdir()) == ["gates-k0.pickle", "gates-k2.pickle", "prefilter-k3.pickle"]
    assert cache.load("gates", "k1") is None


def test_a_crashed_writers_old_temporary_file_is_removed(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    folder = tmp_path / cache.fingerprint()
    folder.mkdir()
    (folder / ".gates-old").write_bytes(b"half")
    (folder / ".gates-new").write_bytes(b"being written")
    os.utime(folder / ".gates-old", (1e9, 1e9))
    cache.store("gates", "k", 1)
    assert sorted(p.name for p in folder.iterdir()) == [".gates-new", "gates-k.pickle"]


_RACER = """
import sys
from contractscan import cache
cache.fingerprint = lambda: sys.argv[1] * 16
cache.OTHER_FINGERPRINTS = 0  # each evicts the other's folder whenever it writes
cache.MAX_FOLDER_BYTES = 5000
for i in range(300):
    value = [sys.argv[1], i, "x" * 2000]  # two fit in a folder: writes evict
    cache.store("gates", str(i % 5), value)
    got = cache.load("gates", str(i % 5))
    assert got is None or got[0] == sys.argv[1], got
"""


@pytest.mark.slow  # starts two processes
def test_two_processes_evicting_each_other_never_fail(tmp_path):
    env = dict(os.environ, CONTRACTSCAN_CACHE=str(tmp_path), PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, name], env=env, stderr=subprocess.PIPE, text=True)
              for name in "ab"]
    for racer in racers:
        _, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) <= 2
    assert all(sum(e.stat().st_size for e in p.glob("gates-*")) <= 5000 for p in tmp_path.iterdir() if p.is_dir())


def test_module_regexes_from_the_cache_equal_re_compile():
    """The modules' own regexes come from the regex cache too (their compiling was a tenth of a
    one-file run): each equals what re.compile makes of it."""
    import importlib

    names = ["reading", "segment", "terms", "values", "xrefs", "doctype", "sentencizer", "results",
             "match.steps", "match.accel.prefilter", "loaders.pdf", "loaders.key_terms"]
    found = 0
    for name in names:
        module = importlib.import_module(f"contractscan.{name}")
        for value in vars(module).values():
            for rx in (value if isinstance(value, (list, tuple)) else [value]):
                rx = rx[1] if isinstance(rx, tuple) and len(rx) == 2 else rx
                if isinstance(rx, re.Pattern):
                    assert rx == re.compile(rx.pattern, rx.flags), (name, rx.pattern)
                    found += 1
    assert found > 50
