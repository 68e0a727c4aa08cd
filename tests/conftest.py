"""Shared fixtures. Building the pipeline (rules, compiled patterns, spaCy) costs about a second,
so it is built once per session here, not once per module.

Tests that start processes (the CLI, worker pools, Chromium, Tesseract, a Dask cluster) are
marked ``slow``: ``python -m pytest -m "not slow"`` runs the rest in seconds. ``run_cli`` refuses
to run in a test that is not marked, so the quick run stays quick.
"""

from __future__ import annotations

import copy
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

_current: list[pytest.Item] = []

# With PYTHONDONTWRITEBYTECODE set (as on the team's machines) every run compiled contractscan
# and pytest's assertion rewriting of each test module afresh: ~4 s of the quick run's
# collection. The modules imported after this line keep their bytecode in __pycache__ (ignored
# by git); CONTRACTSCAN_TEST_NO_PYC=1 keeps the interpreter's setting.
if sys.dont_write_bytecode and not os.environ.get("CONTRACTSCAN_TEST_NO_PYC"):
    sys.dont_write_bytecode = False


QUICK = False  # this run skips the slow tests (-m "not slow"): see ``examples``


def examples(n: int) -> int:
    """Hypothesis examples for a property test: ``n`` in the full suite (CI), a fifth of them
    (at least 20) in the quick run, which is for the edit-test loop. Use it as
    ``@settings(max_examples=examples(300))``; the module is imported after pytest_configure."""
    return max(20, n // 5) if QUICK else n


def pytest_configure(config):
    """The compiled-rules cache of the tests lives in the checkout's build/test-cache (inherited
    by the CLI processes the tests start), never in the user's cache. It is kept between runs:
    entries are keyed by the rules' and the code's bytes, so a change misses and rebuilds, and
    a second run does not compile every rule again (test_cache.py tests the cold path)."""
    global QUICK
    QUICK = "not slow" in (config.getoption("markexpr", "") or "")
    if not os.environ.get("CONTRACTSCAN_TEST_CACHE"):
        os.environ["CONTRACTSCAN_TEST_CACHE"] = str(ROOT / "build" / "test-cache")
    os.environ["CONTRACTSCAN_CACHE"] = os.environ["CONTRACTSCAN_TEST_CACHE"]


def pytest_collection_finish(session):
    """What collection imported and built (modules, rules read at import, the tests themselves)
    lives until the end of the run: it is frozen out of the garbage collector's walks
    (``gc.freeze``), which otherwise went over it again at every full collection, and twice at
    the end of the run: about 2 s of the quick run's CPU. Objects made later are collected as
    before."""
    _freeze()


def _freeze():
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _remember_the_test(request):
    _current.append(request.node)
    yield
    _current.pop()


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline the analyser uses (blank English plus a sentencizer): the one the
    matchers of rules with token or phrase patterns share (``blank_nlp``), as building another
    costs a quarter of a second."""
    from contractscan.match.nlp import blank_nlp

    built = blank_nlp()
    _freeze()  # kept until the end, as what collection built
    return built


@pytest.fixture(scope="session")
def analyzer():
    """The default pipeline: built-in rules, the ``core`` profile."""
    import contractscan

    built = contractscan.Analyzer()
    _freeze()  # kept until the end, as what collection built
    return built


@pytest.fixture(scope="session")
def scanned(analyzer):
    """``scanned(path)``: the shared analyzer's result for a file, scanned once a run. Several
    modules check different things of the same sample contracts' results (the API, the Word
    comments, the HTML report); reading a sample PDF or DOCX again each time was a second of
    the quick run. Each call returns a copy, so a test may change what it gets."""
    results = {}

    def scan(path):
        key = str(path)
        if key not in results:
            results[key] = analyzer.scan(path)
        return results[key].model_copy(deep=True)

    return scan


@pytest.fixture(scope="session")
def analyzer_with(analyzer):
    """``analyzer_with(profile=..., load_options=..., time_limit=...)``: an Analyzer like the
    shared one with other settings. It shares the built-in rules, their compiled patterns and
    spaCy, which cost a second to build and do not depend on these settings."""
    from contractscan import load_profile

    def make(*, profile=None, **settings):
        other = copy.copy(analyzer)
        if profile is not None:
            other.profile = load_profile(profile)
        for name, value in settings.items():
            if not hasattr(analyzer, name):
                raise AttributeError(f"Analyzer has no setting {name!r}")
            setattr(other, name, value)
        return other

    return make


@pytest.fixture(scope="session")
def strict_analyzer(analyzer_with, tmp_path_factory):
    """The built-in rules with report_samples.strict_profile (every clause required, options set)."""
    from report_samples import strict_profile

    return analyzer_with(profile=strict_profile(tmp_path_factory.mktemp("profile")))


@pytest.fixture()
def contract(tmp_path) -> Path:
    """The incomplete sample contract as a text file, c.txt (the adversarial tests' input)."""
    from report_samples import INCOMPLETE, as_text

    p = tmp_path / "c.txt"
    p.write_text(as_text(INCOMPLETE), encoding="utf-8")
    return p


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the CLI as a user would: a separate process, output captured."""
    if _current and _current[-1].get_closest_marker("slow") is None:
        raise RuntimeError(f"{_current[-1].nodeid} starts the CLI in a process: mark it @pytest.mark.slow")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SOURCE_DATE_EPOCH", "1795000000")  # reports say when they were made: the same in every run
    return subprocess.run(
        [sys.executable, "-m", "contractscan", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=timeout,
    )
