"""Every built-in rule carries sentences it must match and must not; run them all."""

from __future__ import annotations

import pytest

from tracker.extract import rule_fires
from tracker.meeting import read_meeting
from tracker.rules import load_rules

RULESET, PROBLEMS = load_rules([])


def _line(example):
    if isinstance(example, str):
        note, number = example, None
    else:
        note, number = example["note"], example.get("line")
    meeting = read_meeting(note, "example.md")
    lines = [ln for ln in meeting.lines if ln.block != "heading"]
    if number is None:
        return lines[-1]
    return next(ln for ln in meeting.lines if ln.number == number)


def _cases(key):
    for rule in RULESET.rules:
        for index, example in enumerate(getattr(rule, key)):
            yield pytest.param(rule, example, id=f"{rule.id}:{key.split('_', 1)[1]}:{index}")


def _counts(rule, example) -> bool:
    return rule_fires(rule, _line(example))


def test_builtin_rule_files_are_valid():
    assert PROBLEMS == []
    assert len(RULESET.rules) >= 10


@pytest.mark.parametrize("rule, example", list(_cases("examples_match")))
def test_rule_matches_its_examples(rule, example):
    assert _counts(rule, example), f"{rule.id} ({rule.source}) should match {example!r}"


@pytest.mark.parametrize("rule, example", list(_cases("examples_no_match")))
def test_rule_does_not_match_its_counter_examples(rule, example):
    assert not _counts(rule, example), f"{rule.id} ({rule.source}) should not match {example!r}"
