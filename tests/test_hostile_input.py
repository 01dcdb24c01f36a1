"""No built-in rule may backtrack catastrophically: a hang in CI is a denial of service."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    from tracker.meeting import read_meeting
    from tracker.extract import extract
    from tracker.rules import load_rules
    from tracker.speakers import split_speaker
    rules, _ = load_rules([])
    hostile = [
        "word " * 200_000, "a" * 1_000_000, " " * 100_000 + "x", "Name: " * 5_000 + "will fix it",
        "(" * 50_000, "[" * 50_000, "*" * 50_000, "_" * 50_000, ":" * 50_000, "need " * 50_000 + "?",
        "I'll " * 20_000, "- " * 20_000 + "x",
    ]
    for text in hostile:
        split_speaker(text)
        for rule in rules.rules:
            for pattern in rule.patterns + rule.unless:
                pattern.search(text)
        extract(read_meeting(text + "\\n", "hostile.md"), rules)
    print("ok")
    """
)


def test_rules_stay_linear_on_hostile_lines():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
