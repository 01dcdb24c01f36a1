"""`track scan` over every real note in ../shared/corpus (skipped when it is absent).

tests/test_corpus.py re-checks every text line's number on the same notes;
this runs the whole pipeline, CLI included, over all of them. The notes are
only read, never copied.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CORPUS

SCAN_TIMEOUT = 300  # generous: the scan takes about 10 s

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")


def test_scan_of_the_whole_corpus_succeeds():
    notes = sum(1 for p in CORPUS.rglob("*") if p.suffix.lower() in (".md", ".markdown") and p.is_file())
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "scan", "--format", "jsonl", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=SCAN_TIMEOUT,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr[-3000:]
    assert not [line for line in done.stderr.splitlines() if line.startswith("error:")]
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(found) > 1000
    assert len({item["path"] for item in found}) > notes // 4
    for item in found:
        assert item["path"].startswith(str(CORPUS))
        assert 1 <= item["line"] <= item["end_line"]
        assert item["title"] and len(item["title"]) < 80
    # (ids shared within a note: see test_scan_cli.py::test_ids_are_unique_when_texts_differ_only_in_case_and_punctuation)
