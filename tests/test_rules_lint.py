"""``contractscan rules lint`` and ``rules check``, and the ``vocab:`` of a rule file."""

from __future__ import annotations

import textwrap

import pytest
from conftest import ROOT

from contractscan.cli import main
from contractscan.errors import RuleError
from contractscan.lint import alternations
from contractscan.rules import load_rule_file

RULE = """\
id: probe_clause
name: Probe clause
description: A clause made up for these tests.
recommendation: None.
"""

# One pattern with a 'match' example (a file of it lacks only a 'no_match' example).
POLISHED = """\
patterns:
  - regex: "\\\\bwidgets? shall be polished\\\\b"
    weight: 0.9
examples:
  match: ["The widgets shall be polished weekly."]
"""


def _file(tmp_path, body: str, name: str = "probe.yaml"):
    path = tmp_path / name
    path.write_text(RULE + textwrap.dedent(body))
    return path


@pytest.fixture(autouse=True)
def _shared(analyzer, monkeypatch):
    """lint() with the session's spaCy and built-in rules: building them again costs a second."""
    import contractscan.lint

    real = contractscan.lint.lint
    monkeypatch.setattr(contractscan.lint, "lint", lambda paths: real(paths, analyzer.nlp, analyzer.rules))


def _problems(path):
    import contractscan.lint

    return [(p.line, p.level, p.where, p.message) for p in contractscan.lint.lint([path])]


def test_a_pattern_no_match_example_fires_is_an_error_with_its_line(tmp_path):
    path = _file(tmp_path, """\
        patterns:
          - regex: "\\\\bwidgets? shall be polished\\\\b"
            weight: 0.9
          - regex: "\\\\bgadgets? shall be painted\\\\b"
            weight: 0.9
        examples:
          match: ["The widgets shall be polished weekly."]
          no_match: ["The widgets are blue."]
        """)
    [(line, level, where, message)] = _problems(path)
    assert (line, level, where) == (8, "error", "patterns[1]") and "no 'match' example" in message
    assert main(["rules", "lint", str(path)]) == 1


def test_a_clean_file_exits_0_and_a_missing_one_is_a_usage_error(tmp_path, capsys):
    path = _file(tmp_path, POLISHED + '  no_match: ["The widgets are blue."]\n')
    assert _problems(path) == []
    assert main(["rules", "lint", str(path)]) == 0
    assert main(["rules", "lint", str(tmp_path / "nope.yaml")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["rules", "lint", "--no-such-option"])
    assert exc.value.code == 2


def test_wrong_examples_and_missing_examples_are_errors(tmp_path):
    path = _file(tmp_path, POLISHED)
    assert [m for *_, m in _problems(path)] == ["no 'no_match' example"]
    broken = _file(tmp_path, "patterns: [{regex: '(unclosed'}]\n", "broken.yaml")
    [(line, level, _, message)] = _problems(broken)
    assert level == "error" and "invalid regex" in message


def test_an_alternative_written_twice_is_an_error_and_a_pasted_alternation_a_warning(tmp_path):
    path = _file(tmp_path, """\
        patterns:
          - regex: "\\\\b(?:polish|shine|buff|polish)ed\\\\b"
          - regex: "\\\\bwidgets (?:crimson|emerald green|cobalt blue|saffron) and gadgets\\\\b"
          - regex: "\\\\bgizmos (?:crimson|emerald green|cobalt blue|saffron) and doohickeys\\\\b"
          - regex: "\\\\bthings (?:red|green|blue) and stuff\\\\b"
          - regex: "\\\\bbits (?:red|green|blue) and pieces\\\\b"
        examples:
          match: ["Polished widgets crimson and gadgets, gizmos saffron and doohickeys, things red and stuff.",
                  "Bits blue and pieces."]
          no_match: ["The widgets are grey."]
        """)
    found = {(level, where): message for _, level, where, message in _problems(path)}
    assert "written twice" in found[("error", "patterns[0]")]
    assert "vocab" in found[("warning", "patterns[1], patterns[2]")]
    assert ("warning", "patterns[3], patterns[4]") not in found  # too short to be worth a name
    assert main(["rules", "lint", str(path)]) == 1


def test_alternations_are_read_from_the_regex_source():
    assert alternations(r"a(?:b|c\|d|[|x])e|f") == [(False, ["b", r"c\|d", "[|x]"]), (True, ["a(?:b|c\\|d|[|x])e", "f"])]
    assert alternations(r"(?P<v>x|y)(?<!z)") == [(False, ["x", "y"]), (True, ["(?P<v>x|y)(?<!z)"])]


def test_vocab_entries_are_expanded_where_regexes_are(tmp_path):
    path = _file(tmp_path, """\
        patterns:
          - regex: "\\\\b(?:{vocab.finish})ed widgets\\\\b"
        exclude:
          - regex: "\\\\bnot (?:{vocab.finish})ed\\\\b"
        examples:
          match: ["The polished widgets shine."]
          no_match: ["The widgets were not polished at all {vocab.finish}."]
        """)
    path.write_text("vocab:\n  finish: [polish, shine, buff]\n" + path.read_text())
    [rule] = load_rule_file(path)
    assert rule.patterns[0].regex == r"\b(?:polish|shine|buff)ed widgets\b"
    assert rule.exclude[0].regex == r"\bnot (?:polish|shine|buff)ed\b"
    assert rule.examples.no_match[0].endswith("{vocab.finish}.")  # examples are text, never expanded
    assert _problems(path) == []


def test_an_unknown_or_unused_vocab_entry_is_named(tmp_path):
    path = _file(tmp_path, """\
        patterns:
          - regex: "\\\\b(?:{vocab.finsh})ed\\\\b"
        """)
    path.write_text("vocab:\n  finish: [polish, shine]\n" + path.read_text())
    with pytest.raises(RuleError, match=r"rule probe_clause: \{vocab.finsh\} is not in the file's vocab \(it has: finish\)"):
        load_rule_file(path)
    unused = _file(tmp_path, """\
        patterns:
          - regex: "\\\\bpolished widgets\\\\b"
        examples:
          match: ["The polished widgets shine."]
          no_match: ["The widgets are grey."]
        """, "unused.yaml")
    unused.write_text("vocab:\n  finish: [polish, shine]\n" + unused.read_text())
    assert [(line, level, where) for line, level, where, _ in _problems(unused)] == [(2, "warning", "vocab.finish")]
    assert main(["rules", "lint", str(unused)]) == 0
    assert main(["rules", "lint", "--strict", str(unused)]) == 1


def test_rules_check_reads_a_rule_with_its_children_as_the_test_suite_does(capsys):
    # dispute_resolution's examples rely on its child rules (arbitration, forum, jury waiver)
    assert main(["rules", "check", str(ROOT / "rules" / "dispute_resolution.yaml")]) == 0
    assert "FAIL" not in capsys.readouterr().out
