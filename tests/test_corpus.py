"""Checks on the real meeting notes in ../shared/corpus; skipped where it is absent (a user's clone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.meeting import normalise_newlines, read_meeting

_MARKUP = re.compile(r"\*\*|__|`+|(?<!\w)[*_]|[*_](?!\w)")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


def test_every_text_line_number_is_exact_on_real_notes():
    """Re-checks mistune's line tracking (it leans on internals: see tracker/markdown.py)."""
    checked = 0
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        source = normalise_newlines(text).split("\n")
        for line in read_meeting(text, str(path)).lines:
            if line.block == "table":
                continue
            if line.block == "heading":  # cleaned of links and emphasis: check its first word
                first = re.sub(r"\W", "", (line.text.split() or [""])[0])
                assert first in re.sub(r"\W", "", source[line.number - 1]), f"{path}:{line.number}"
                continue
            expected = _MARKUP.sub("", line.text.split("<!--")[0]).strip()[:40]
            assert expected in _MARKUP.sub("", source[line.number - 1]), f"{path}:{line.number}"
            checked += 1
    assert checked > 100_000
