"""The Python API documents itself: py.typed, docstrings, field descriptions, and
`contractscan schema` printing the JSON contract."""

from __future__ import annotations

import json

import pytest

import contractscan
from contractscan.results import ClauseMatch, DocumentType, Evidence, Finding, ScanError, ScanResult, ScanWarning

from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow  # these run the CLI in a process


def test_the_package_says_it_is_typed():
    assert (ROOT / "contractscan" / "py.typed").is_file()


def test_public_functions_and_models_have_docstrings():
    for name in ("scan", "scan_folder", "Analyzer", "ScanResult", "Finding", "Evidence", "ClauseMatch",
                 "Profile", "Rule", "load_profile"):
        obj = getattr(contractscan, name)
        assert (obj.__doc__ or "").strip(), name
    assert len(contractscan.scan.__doc__.splitlines()) > 3


def test_every_result_field_has_a_description():
    for model in (ScanResult, ClauseMatch, Evidence, Finding, ScanWarning, ScanError, DocumentType):
        missing = [n for n, f in model.model_fields.items() if not f.description]
        assert not missing, (model.__name__, missing)


def test_schema_command_prints_the_json_schema():
    proc = run_cli("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert schema["title"] == "ScanResult"
    assert schema["properties"]["findings"]["description"]
    assert "Finding" in schema["$defs"] and schema["$defs"]["Finding"]["properties"]["severity"]["description"]
