"""The rule fixture runner, and rule loading from user folders.

Every ``examples.match`` entry of every built-in rule must make that rule
count (matched, not vetoed, context holding) on the example's line, and every
``examples.no_match`` entry must not. A string example is a one-line note; a
table example ``{note, line}`` is a small note checked on line ``line``
(default: its last text line). Notes go through ``read_meeting``, so a
speaker prefix is split off just as in a real scan.

Negative (dampening) rules are only evaluated on the sentence that holds the
strongest positive match. Their examples are judged the same way: with all
built-in positive rules present, plus a zero-weight probe that matches at the
start of the line so a dampener example needs no positive match of its own.
"""

from __future__ import annotations

import json

import pytest

from conftest import run_track
from tracker.examples import example_in_context
from tracker.extract import evaluate
from tracker.rules import load_rules, parse_rule

RULESET, PROBLEMS = load_rules([])
POSITIVE = tuple(r for r in RULESET.rules if r.weight >= 0)
PROBE = parse_rule(
    {"id": "zz-test-probe", "kind": "action", "weight": 0.0, "patterns": [r"\A"], "examples": {"match": ["x"]}},
    "tests/test_rules.py",
    1,
)


def rule_counts(rule, example) -> tuple[bool, list]:
    line, people = example_in_context(example)
    rules = (rule,) if rule.weight >= 0 else POSITIVE + (PROBE, rule)
    hits = [hit for hit in evaluate(line, rules, people=people) if hit.rule is rule]
    return any(hit.counts for hit in hits), hits


def _cases():
    for rule in RULESET.rules:
        for kind, examples in (("match", rule.examples_match), ("no_match", rule.examples_no_match)):
            for index, example in enumerate(examples):
                yield pytest.param(rule, kind, example, id=f"{rule.id}:{kind}:{index}")


CASES = list(_cases())


def test_builtin_rules_load_cleanly():
    assert PROBLEMS == []
    assert len(RULESET.rules) >= 10
    assert len(CASES) >= 2 * len(RULESET.rules)


@pytest.mark.parametrize("rule,kind,example", CASES)
def test_rule_example(rule, kind, example):
    counts, hits = rule_counts(rule, example)
    detail = [(h.matched, h.vetoed_by) for h in hits] or "context does not hold / not evaluated"
    if kind == "match":
        assert counts, f"{rule.id} ({rule.source}) must match {example!r}; got {detail}"
    else:
        assert not counts, f"{rule.id} ({rule.source}) must not match {example!r}; got {detail}"


def test_every_rule_has_a_match_example():
    missing = [rule.id for rule in RULESET.rules if not rule.examples_match]
    assert missing == []


def test_rule_ids_are_unique():
    ids = [rule.id for rule in RULESET.rules]
    assert len(ids) == len(set(ids))


def test_positive_rules_have_a_kind():
    assert [r.id for r in POSITIVE if r.kind not in ("action", "need", "problem", "question")] == []


def test_runner_catches_a_wrong_example():
    rule = parse_rule(
        {"id": "wrong", "kind": "action", "weight": 0.5, "patterns": [r"\bzebra\b"], "unless": [r"\bsleeping\b"],
         "examples": {"match": ["feed the horse"], "no_match": ["feed the zebra"]}},
        "test",
        1,
    )
    assert rule_counts(rule, "feed the horse")[0] is False
    assert rule_counts(rule, "feed the zebra")[0] is True
    assert rule_counts(rule, "the sleeping zebra")[0] is False
    # the speaker prefix is split off before the rule sees the line
    anchored = parse_rule(
        {"id": "anchored", "kind": "action", "weight": 0.5, "patterns": [r"^zebra"], "examples": {"match": ["zebra"]}},
        "test",
        1,
    )
    assert rule_counts(anchored, "Kim: zebra time")[0] is True
    # context: a table example on a chosen line
    sectioned = parse_rule(
        {"id": "sectioned", "kind": "action", "weight": 0.5, "patterns": [r"\w"], "context": {"section": ["^Todo$"]},
         "examples": {"match": ["x"]}},
        "test",
        1,
    )
    assert rule_counts(sectioned, {"note": "## Todo\n\n- paint\n", "line": 3})[0] is True
    assert rule_counts(sectioned, {"note": "## Done\n\n- paint\n", "line": 3})[0] is False
    assert rule_counts(sectioned, {"note": "## Todo\n\n- paint\n\nlast words\n"})[0] is True


def test_dampener_lowers_a_positive_hit_in_the_same_sentence():
    line, _ = example_in_context("We still need to port the tests, thanks to Kim for the patch.")
    hits = evaluate(line, RULESET.active)
    negative = [h for h in hits if h.rule.weight < 0 and h.counts]
    positive = [h for h in hits if h.rule.weight >= 0 and h.counts]
    assert positive and negative


# --- user rule folders and --disable ----------------------------------------------------

USER_RULE = """
[[rule]]
id = "zebra-feeding"
kind = "action"
weight = 0.9
description = "Test-only: feeding the zebra is always a follow-up"
patterns = ['''\\bzebra\\b''']
labels = ["zoo"]
[rule.examples]
match = ["feed the zebra"]
no_match = ["feed the horse"]
"""


def test_user_rules_dir_adds_a_rule(tmp_path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "zoo.toml").write_text(USER_RULE)
    note = tmp_path / "note.md"
    note.write_text("# Zoo\n\nthe zebra enclosure looks tired\n")

    listing = run_track(["rules", "--rules", rules])
    assert listing.exit_code == 0, listing.stderr
    assert any(line.split()[:3] == ["zebra-feeding", "action", "+0.90"] for line in listing.stdout.splitlines())

    without = run_track(["scan", "--all", "--format", "jsonl", note])
    assert without.stdout.strip() == ""
    with_rule = run_track(["scan", "--format", "jsonl", "--rules", rules, note])
    assert with_rule.exit_code == 0
    items = [json.loads(line) for line in with_rule.stdout.splitlines()]
    assert [(i["line"], i["rules"], i["labels"], i["kind"]) for i in items] == [(3, ["zebra-feeding"], ["zoo"], "action")]

    ruleset, problems = load_rules([rules])
    assert problems == []
    assert "zebra-feeding" in {r.id for r in ruleset.active}
    assert len(ruleset.rules) == len(RULESET.rules) + 1


def test_disable_turns_a_builtin_rule_off(tmp_path):
    listing = run_track(["rules", "--format", "json", "--disable", "open-checkbox"])
    assert listing.exit_code == 0
    rows = {row["id"]: row for row in json.loads(listing.stdout)}
    assert rows["open-checkbox"]["enabled"] is False
    assert all(row["enabled"] for rid, row in rows.items() if rid != "open-checkbox")
    text = run_track(["rules", "--disable", "open-checkbox"])
    assert "(disabled)" in next(line for line in text.stdout.splitlines() if line.startswith("open-checkbox"))

    note = tmp_path / "note.md"
    note.write_text("- [ ] repaint the gate\n")
    on = run_track(["scan", "--all", "--format", "jsonl", note])
    assert any("open-checkbox" in json.loads(line)["rules"] for line in on.stdout.splitlines())
    off = run_track(["scan", "--all", "--format", "jsonl", "--disable", "open-checkbox", note])
    assert off.exit_code == 0
    assert not any("open-checkbox" in json.loads(line)["rules"] for line in off.stdout.splitlines())

    ruleset, _ = load_rules([], {"open-checkbox"})
    assert "open-checkbox" not in {r.id for r in ruleset.active}


def test_rules_listing_covers_every_builtin_rule():
    listing = run_track(["rules", "--format", "json"])
    assert listing.exit_code == 0
    rows = json.loads(listing.stdout)
    assert [row["id"] for row in rows] == [rule.id for rule in RULESET.rules]
    assert all(row["source"].endswith(".toml") for row in rows)


def test_rules_check_passes_on_the_builtin_rules():
    result = run_track(["rules", "--check"])
    assert result.exit_code == 0, result.stderr
    assert "error" not in result.stderr
    total = sum(len(r.examples_match) + len(r.examples_no_match) for r in RULESET.rules)
    assert f"{total} of {total} rule examples pass" in result.stdout


def test_rules_check_names_a_user_rule_with_a_wrong_example(tmp_path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "zoo.toml").write_text(USER_RULE.replace('no_match = ["feed the horse"]', 'no_match = ["feed the zebra twice"]'))
    result = run_track(["rules", "--check", "--rules", rules])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "zoo.toml" in errors[0] and "zebra-feeding" in errors[0] and "feed the zebra twice" in errors[0]
