"""Shared helpers for the `track` test suite.

Tests drive the public entry points only: the CLI through click's CliRunner,
and ``read_meeting`` / ``extract`` / ``load_rules`` / ``evaluate``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.extract import extract
from tracker.meeting import read_meeting
from tracker.rules import load_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

_HTML_COMMENT = re.compile(r"<!--.*?-->")
_MD_NOISE = re.compile(r"[*_`]+")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the one raw line of ``text`` containing ``needle``."""
    found = [i for i, raw in enumerate(text.split("\n"), 1) if needle in raw]
    assert len(found) == 1, f"{needle!r} is on lines {found}, expected exactly one"
    return found[0]


_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")


def _plain(text: str) -> str:
    text = text.replace("\ufeff", "").replace("\r", " ")
    text = _LINK.sub(r"\1", text)  # headings are reported with links as their text
    text = _HTML_COMMENT.sub("", text)
    return " ".join(_MD_NOISE.sub("", text).split())


def line_number_errors(meeting, source: str) -> list[str]:
    """Lines whose text is not on the source line their number names.

    A text line's text, stripped of markdown emphasis, HTML comments and
    surrounding space, must appear in ``source.split("\\n")[number - 1]``. A
    table row is checked cell by cell (the row's text joins the cells).
    """
    raw_lines = source.split("\n")
    errors = []
    for line in meeting.lines:
        if not 1 <= line.number <= len(raw_lines):
            errors.append(f"line {line.number} is outside the file ({len(raw_lines)} lines): {line.text!r}")
            continue
        raw = _plain(raw_lines[line.number - 1])
        pieces = line.text.split(" | ") if line.block == "table" else [line.text]
        for piece in pieces:
            if _plain(piece) not in raw:
                errors.append(f"line {line.number}: {line.text!r} is not in {raw_lines[line.number - 1]!r}")
                break
    return errors


def assert_line_numbers_exact(meeting, source: str) -> None:
    errors = line_number_errors(meeting, source)
    assert not errors, "\n".join(errors[:20])


def lines_by_number(meeting) -> dict:
    return {line.number: line for line in meeting.lines}


@pytest.fixture(scope="session")
def builtin_rules():
    ruleset, problems = load_rules([])
    assert problems == [], f"built-in rule files are broken: {problems}"
    return ruleset


def run_track(args, input=None, env=None):
    """Run the CLI in-process; stdout and stderr are kept apart (click >= 8.2)."""
    runner = CliRunner()
    return runner.invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


def scan_json(args, input=None):
    """`track scan --format jsonl ARGS` -> (result, list of follow-up dicts)."""
    result = run_track(["scan", "--format", "jsonl", *args], input=input)
    items = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, items


def extract_from(text: str, path: str, ruleset, min_confidence: float = 0.5):
    return extract(read_meeting(text, path), ruleset, min_confidence)
