"""The prefilter gate only skips work: with or without it, every line gets the same verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.extract import confidence, evaluate
from tracker.meeting import read_meeting
from tracker.rules import load_rules

RULESET, _ = load_rules([])
FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.md"))
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

AWKWARD = [
    "WE WILL FILE AN ISSUE",  # case
    "Ana: I’ll send the ſummary",  # curly apostrophe, long s
    "İstanbul team will open the PR next week",
    "__init__ will need a rewrite",
    "need-to-know: the fix is still pending review",
    "TODO(ana): write it up",
    "won't fix; wontfix; will-not-fix",
    "“We’ll file an issue”\u00a0— Kim… we need to port it – soon",  # typographic marks the gate blanks
    "Kim’ll write it up; Dana–Lee will open the PR",
]


def _verdicts(meeting):
    out = []
    for line in meeting.lines:
        if line.block == "heading":
            continue
        gated = evaluate(line, RULESET.active, RULESET.gate)
        plain = evaluate(line, RULESET.active)
        out.append((line.number, confidence(gated), confidence(plain),
                    sorted(h.rule.id for h in gated if h.counts), sorted(h.rule.id for h in plain if h.counts)))
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_gate_changes_nothing_on_the_fixtures(path):
    meeting = read_meeting(path.read_text(encoding="utf-8"), path.name)
    for number, gated, plain, gated_rules, plain_rules in _verdicts(meeting):
        assert (gated, gated_rules) == (plain, plain_rules), f"line {number}"


def test_gate_changes_nothing_on_awkward_text():
    meeting = read_meeting("\n\n".join(AWKWARD) + "\n", "awkward.md")
    for number, gated, plain, gated_rules, plain_rules in _verdicts(meeting):
        assert (gated, gated_rules) == (plain, plain_rules), f"line {number}"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_gate_changes_nothing_on_a_sample_of_real_notes():
    paths = sorted(CORPUS.rglob("*.md"))[::40]
    for path in paths:
        meeting = read_meeting(path.read_text(encoding="utf-8", errors="replace"), str(path))
        for number, gated, plain, gated_rules, plain_rules in _verdicts(meeting):
            assert (gated, gated_rules) == (plain, plain_rules), f"{path}:{number}"
