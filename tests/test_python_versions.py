"""The regex-structure code (literals, start gates, look-ahead cores) reads ``re``'s private
parser, which moved in Python 3.11: it must give the same answers on every supported version.

Runs the modules, which need only the standard library, under each Python 3.10-3.13 found
(pyenv's builds or PATH) and compares with this interpreter; versions not installed are skipped."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contractscan.match.accel.literals import literal_options
from contractscan.match.accel.lookaheads import core_regex
from contractscan.match.accel.prefixes import literal_prefixes

ACCEL = Path(__file__).resolve().parent.parent / "contractscan" / "match" / "accel"
MODULES = ["_re_internals.py", "literals.py", "prefixes.py", "lookaheads.py"]
PATTERNS = [
    r"\b(?:governed|construed) by\s+laws?",
    r"\b(?:hereby )?(?:assigns?|transfers?)\b",
    r"^(?=.*\bpatents?\b).*?\bshall vest in\b",
    r"(?>atomic)|a++b",  # 3.11 syntax: a re.error on 3.10, answered as "no literals"
    r"\b(?:shall|will) not\b[^.;]{0,20}\bdisclose",
]
PROBE = """
import json, re, sys, warnings
warnings.simplefilter("error")
from accel.literals import literal_options
from accel.prefixes import literal_prefixes
from accel.lookaheads import core_regex
out = []
for p in json.loads(sys.argv[1]):
    try:
        pre = literal_prefixes(p, re.I)
    except re.error:
        pre = "error"
    out.append([literal_options(p, re.I), sorted(pre) if isinstance(pre, set) else pre, core_regex(p)])
print(json.dumps(out))
"""


def _here(p: str) -> list:
    try:
        pre = literal_prefixes(p, re.I)
    except re.error:
        pre = "error"
    return [[list(o) for o in literal_options(p, re.I)], sorted(pre) if isinstance(pre, set) else pre, core_regex(p)]


def _find(version: str) -> str | None:
    """An interpreter of that version: pyenv's own builds first (its shims may be inactive), then PATH."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for candidate in sorted(root.glob(f"versions/{version}.*/bin/python{version}")):
        return str(candidate)
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    return None


@pytest.mark.parametrize("version", ["3.10", "3.11", "3.12", "3.13"])
def test_same_answers_on_each_python(version, tmp_path):
    python = _find(version)
    if python is None:
        pytest.skip(f"python{version} is not installed")
    pkg = tmp_path / "accel"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in MODULES:
        shutil.copy(ACCEL / name, pkg / name)
    run = subprocess.run([python, "-c", PROBE, json.dumps(PATTERNS)], cwd=tmp_path, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    theirs = json.loads(run.stdout)
    ours = [_here(p) for p in PATTERNS]
    if sys.version_info[:2] >= (3, 11) and version == "3.10":  # 3.10 cannot parse the atomic group
        theirs, ours = theirs[:3] + theirs[4:], ours[:3] + ours[4:]
    assert theirs == ours
