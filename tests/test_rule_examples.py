"""Every built-in rule carries sentences it must match and must not; run them all."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.examples import failures
from tracker.rules import load_rules

RULESET, PROBLEMS = load_rules([])


def test_builtin_rule_files_are_valid():
    assert PROBLEMS == []
    assert len(RULESET.rules) >= 10


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda r: r.id)
def test_rule_gets_its_own_examples_right(rule):
    assert rule.examples_match, f"{rule.id} has no examples.match"
    assert failures(rule) == []


def test_rules_check_reports_a_user_rule_that_misses_its_example(tmp_path):
    (tmp_path / "mine.toml").write_text(
        '[[rule]]\nid = "ship-it"\nkind = "action"\npatterns = ["\\\\bship it\\\\b"]\n'
        '[rule.examples]\nmatch = ["ship it!", "deploy it"]\nno_match = ["shipping it was fine"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["rules", "--rules", str(tmp_path), "--check"])
    assert result.exit_code == 1
    assert "rule 'ship-it' should match 'deploy it'" in result.stderr
    assert "should not match" not in result.stderr


def test_rules_check_passes_on_the_builtin_rules():
    result = CliRunner().invoke(main, ["rules", "--check"])
    assert result.exit_code == 0, result.stderr
    assert "rule examples pass" in result.stdout
