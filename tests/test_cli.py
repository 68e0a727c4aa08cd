"""The CLI, run as a separate process the way a user runs it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli

pytestmark = pytest.mark.slow  # every test here starts the CLI


def test_complete_sample_exits_0_and_locates_clauses():
    p = run_cli("samples/lab_services_agreement.pdf")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "governing_law" in p.stdout and "p." in p.stdout and "§" in p.stdout
    assert "Traceback" not in p.stderr


def test_incomplete_sample_names_missing_clauses_and_exits_1():
    p = run_cli("samples/lab_services_incomplete.pdf")
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.index("Verdict: 1 high gap: no limitation of liability") < p.stdout.index("Findings")
    assert "No dispute resolution  (dispute_resolution)" in p.stdout
    assert "No limitation of liability  (liability.limitation)" in p.stdout
    assert p.stdout.count("→ ") >= 2  # recommendations


def test_fail_on_never_exits_0():
    assert run_cli("samples/lab_services_incomplete.pdf", "--fail-on", "never").returncode == 0


def test_json_one_object_for_one_file():
    p = run_cli("samples/lab_services_incomplete.docx", "--format", "json")
    data = json.loads(p.stdout)
    assert isinstance(data, dict) and data["source"] == "samples/lab_services_incomplete.docx"
    assert data["error"] is None
    kinds = {(f["rule"], f["kind"]) for f in data["findings"]}
    assert ("dispute_resolution", "missing") in kinds


def test_folder_jsonl_with_an_unreadable_file_exits_3(tmp_path):
    for name in ("lab_services_agreement.pdf", "business_associate_agreement.docx"):
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    p = run_cli(str(tmp_path), "--format", "jsonl", "-o", str(out), "--fail-on", "never")
    assert p.returncode == 3, p.stderr
    assert "Traceback" not in p.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 4
    errors = {r["source"].rsplit("/", 1)[-1]: r["error"] for r in rows}
    assert errors["broken.pdf"]["type"] == "corrupt"
    assert errors["empty.txt"]["type"] == "no_text"
    assert errors["lab_services_agreement.pdf"] is None


def test_missing_path_is_reported_not_crashed():
    p = run_cli("does/not/exist.pdf", "--format", "json")
    assert p.returncode == 3
    assert json.loads(p.stdout)["error"]["type"] == "io_error"


def test_bad_usage_exits_2():
    assert run_cli("--format", "nope", "x.pdf").returncode == 2
    assert run_cli("samples/", "--profile", "no-such-profile").returncode == 2


def test_rules_list_and_check(tmp_path):
    p = run_cli("rules", "list")
    assert p.returncode == 0 and "governing_law" in p.stdout
    good = tmp_path / "good.yaml"
    good.write_text(
        "id: key_personnel\nname: Key personnel\ndescription: d\n"
        "patterns:\n  - regex: 'key personnel[^.]{0,40}replaced'\n    weight: 0.9\n"
        "recommendation: r\nexamples:\n  match: ['Key personnel may not be replaced.']\n"
        "  no_match: ['Staff may change.']\n"
    )
    p = run_cli("rules", "check", str(good))
    assert p.returncode == 0 and "ok" in p.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\nname: x\n")
    p = run_cli("rules", "check", str(bad))
    assert p.returncode == 2 and "bad.yaml" in p.stderr and "field id" in p.stderr


def test_readme_rule_example_passes_rules_check(tmp_path):
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(id: .*?)```", readme, re.S).group(1)
    f = tmp_path / "readme_rule.yaml"
    f.write_text(block)
    p = run_cli("rules", "check", str(f))
    assert p.returncode == 0, p.stdout + p.stderr


def test_pydantic_plugin_loader_stand_in_answers_as_pydantic(monkeypatch):
    """With plugins off the CLI stands in for pydantic's plugin loader (its import pulls in
    importlib.metadata, ~40 ms of a one-file run): no plugins; turned on, the real one answers."""
    import sys

    from contractscan import cli

    name = "pydantic.plugin._loader"
    real = sys.modules.get(name)
    monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    cli._skip_plugin_loader()
    stand_in = sys.modules[name]
    assert stand_in is not real and tuple(stand_in.get_plugins()) == ()
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some-plugin-name")
    assert [type(p) for p in stand_in.get_plugins()] == [type(p) for p in real.get_plugins()]
    assert sys.modules[name] is not stand_in  # the real loader, from now on


@pytest.mark.slow
def test_one_file_scan_imports_no_plugin_machinery(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from contractscan.cli import main; main(['samples/lab_services_incomplete.pdf', "
            "'--format', 'json', '-o', sys.argv[1]]); print(sorted(m for m in ('importlib.metadata', 'yaml', "
            "'concurrent.futures.process', 'contractscan.loaders.ocrfix') if m in sys.modules))")
    root = Path(__file__).resolve().parent.parent
    for _ in range(2):  # the first run may fill the cache on disk (and parse YAML to do so)
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "r.json")], capture_output=True,
                             text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr
    assert (tmp_path / "r.json").stat().st_size > 0
