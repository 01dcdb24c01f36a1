"""Run a rule's own examples: the sentences it must match and must not."""

from __future__ import annotations

from typing import Any

from .extract import known_people, rule_fires
from .meeting import read_meeting
from .model import Line
from .rules import Rule


def example_in_context(example: Any) -> tuple[Line, frozenset[str]]:
    """The line an example stands for, and the people its note names.

    A sentence is a one-line note; a table names a line of a small note.
    """
    if isinstance(example, str):
        note, number = example, None
    else:
        note, number = example["note"], example.get("line")
    meeting = read_meeting(note, "example.md")
    if number is None:
        text_lines = [ln for ln in meeting.lines if ln.block != "heading"]
        if not text_lines:
            raise ValueError(f"example {example!r} has no text line")
        return text_lines[-1], known_people(meeting)
    for line in meeting.lines:
        if line.number == number:
            return line, known_people(meeting)
    raise ValueError(f"example {example!r}: line {number} is not a text line of its note")


def failures(rule: Rule) -> list[str]:
    """One message per example the rule gets wrong; empty when it gets all of them right."""
    out = []
    for expected, examples in ((True, rule.examples_match), (False, rule.examples_no_match)):
        for example in examples:
            try:
                fires = rule_fires(rule, *example_in_context(example))
            except ValueError as exc:
                out.append(f"{rule.source}: rule '{rule.id}': {exc}")
                continue
            if fires != expected:
                verb = "should match" if expected else "should not match"
                out.append(f"{rule.source}: rule '{rule.id}' {verb} {example!r}")
    return out
