"""Profiles: the built-in ones load and merge, a user's own file works, a bad one is named."""

from __future__ import annotations

import textwrap

import pytest

from contractscan import load_profile
from contractscan.errors import RuleError
from conftest import run_cli

GOVERNED_BY_TEXAS = textwrap.dedent("""\
    1. Services. The Vendor shall provide the billing services described in Exhibit A.

    2. Governing Law. This Agreement shall be governed by the laws of the State of Texas.
    """)


@pytest.mark.parametrize("name", ["core", "outsourcing", "healthcare"])
def test_builtin_profiles_load(name):
    prof = load_profile(name)
    assert prof.name == name
    assert prof.require, f"{name} requires nothing"


def test_extends_merges_the_base_and_overrides_it():
    core, outsourcing, healthcare = (load_profile(n) for n in ("core", "outsourcing", "healthcare"))
    # every id of the base is still required by the profile that extends it
    assert set(core.require) <= set(outsourcing.require) <= set(healthcare.require)
    assert outsourcing.require["confidentiality"] == core.require["confidentiality"]
    for cid in ("scope_of_work", "service_levels", "payment_terms", "subcontracting", "force_majeure",
                "data_return", "assignment.restriction", "audit_rights", "insurance",
                "post_termination_services"):
        assert cid in outsourcing.require
    for cid in ("hipaa.baa", "data_protection", "data_security", "data_breach_notification",
                "data_transfer", "regulatory_compliance", "quality_standards", "reporting", "training"):
        assert cid in healthcare.require and cid not in outsourcing.require
    # healthcare raises the severity of a gap it cares about more than outsourcing does
    assert outsourcing.require["data_return"] == "medium"
    assert healthcare.require["data_return"] == "high"


def test_a_user_profile_file_extends_a_builtin_and_sets_options(tmp_path, analyzer_with):
    path = tmp_path / "our_policy.yaml"
    path.write_text(textwrap.dedent("""\
        name: our-policy
        extends: healthcare
        require:
          force_majeure: high
        options:
          acceptable_jurisdictions: [New York, New Jersey]
        """))
    prof = load_profile(str(path))
    assert prof.require["force_majeure"] == "high"  # overridden
    assert prof.require["hipaa.baa"] == "high"  # inherited
    result = analyzer_with(profile=str(path)).scan(GOVERNED_BY_TEXAS)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["force_majeure"].kind == "missing" and by_rule["force_majeure"].severity == "high"
    law = by_rule["governing_law.unacceptable"]
    assert law.kind == "risk" and "Texas" in law.message and law.evidence


def test_a_user_profile_may_extend_a_file_next_to_it(tmp_path):
    (tmp_path / "base.yaml").write_text("name: base\nrequire:\n  training: low\n")
    (tmp_path / "child.yaml").write_text("name: child\nextends: base.yaml\nrequire:\n  reporting: info\n")
    prof = load_profile(str(tmp_path / "child.yaml"))
    assert prof.require == {"training": "low", "reporting": "info"}


def test_profiles_extending_each_other_are_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\n")
    with pytest.raises(RuleError, match="loop"):
        load_profile(str(tmp_path / "a.yaml"))


@pytest.mark.parametrize("body, field", [
    ("name: bad\nrequire:\n  confidentiality: urgent\n", "require.confidentiality"),
    ("name: bad\nrequires:\n  confidentiality: high\n", "requires"),
    ("name: bad\nrequire:\n  Limitation Of Liability: high\n", "require"),
])
def test_a_bad_profile_file_names_the_file_and_the_field(tmp_path, body, field):
    path = tmp_path / "bad_profile.yaml"
    path.write_text(body)
    with pytest.raises(RuleError) as err:
        load_profile(str(path))
    assert str(path) in err.value.message
    assert f"field {field}" in err.value.message


@pytest.mark.slow
def test_cli_reports_a_bad_profile_file_as_a_usage_error(tmp_path):
    bad = tmp_path / "bad_profile.yaml"
    bad.write_text("name: bad\nrequire:\n  confidentiality: urgent\n")
    contract = tmp_path / "contract.txt"
    contract.write_text(GOVERNED_BY_TEXAS)
    proc = run_cli("--profile", str(bad), str(contract))
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "require.confidentiality" in proc.stderr
    assert "Traceback" not in proc.stderr
