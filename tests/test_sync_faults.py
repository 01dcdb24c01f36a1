"""Fault injection: whatever GitHub does to requests, sync converges, with no duplicate issue.

Each seed replays a small history of notes (first sync, then edits, a
removal, a new follow-up and a renamed note) against a fake GitHub that
answers with a seeded schedule of 5xx, secondary rate limits with
Retry-After, 429s, used-up rate limits, dropped connections and writes that
are applied but whose response is lost. Requests get two tries instead of
six, so runs also give up halfway (exit 1) and the next run has to pick up
where they stopped. Runs repeat until one finishes cleanly with nothing left
to do; the end state must equal a fault-free run.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

import pytest

import tracker.github
from fakegithub import FAULT_KINDS, SeededFaults
from syncenv import workspace
from tracker.render import read_mark

SEEDS = range(100)
MAX_RUNS = 25  # per phase; convergence takes 1-4 runs at these fault rates

FIRST = {
    "meetings/runtime/2025/runtime-02-06.md": """\
# Runtime sync, February 6, 2025

## Attendees
- Ines Duarte @ines
- Kofi Mensah

## Discussion
- Ines: the nightly build is red on Windows; someone needs to look at the linker flags.
- Kofi will draft the deprecation notice for the old config format.
- Open question: do we keep the 32-bit builds next year?

## Action items
- [ ] Kofi to ping the packaging team about the Debian name clash
- [ ] Ines to write the migration guide
""",
    "meetings/runtime/2025/runtime-02-13.md": """\
# Runtime sync, February 13, 2025

## Action items
- [ ] Ines to review the allocator patch
- [ ] Kofi to set up the benchmark machine
""",
}


def second(notes: dict[str, str]) -> dict[str, str]:
    """The next state of the notes: an edit, a removal, a new follow-up and a renamed note."""
    first, later = notes["meetings/runtime/2025/runtime-02-06.md"], notes["meetings/runtime/2025/runtime-02-13.md"]
    first = first.replace("draft the deprecation notice", "draft the deprecation notice and blog post")
    first = first.replace("- [ ] Ines to write the migration guide\n", "- [ ] Kofi to update the release checklist\n")
    return {
        "meetings/runtime/2025/runtime-02-06.md": first,
        "meetings/runtime/2025/2025-02-13-runtime.md": later,
    }


def converge(ws, notes: dict[str, str], failed: list | None = None) -> int:
    """Sync until a run ends cleanly and a dry run plans nothing; returns the runs it took."""
    for rel in list(_note_files(ws)):
        if rel not in notes:
            (ws.root / rel).unlink()
    for rel, text in notes.items():
        ws.write(rel, text)
    for run in range(1, MAX_RUNS + 1):
        result = ws.sync("--yes")
        assert result.exit_code in (0, 1), result.output
        if failed is not None and result.exit_code == 1:
            failed.append(result.output.strip().splitlines()[-1])
        if result.exit_code == 0:
            faults, ws.fake.faults = ws.fake.faults, None
            plan = ws.plan()
            ws.fake.faults = faults
            assert plan["writes"] == 0, plan
            return run
    raise AssertionError(f"no convergence in {MAX_RUNS} runs")


def _note_files(ws):
    return [p.relative_to(ws.root).as_posix() for p in (ws.root / "meetings").rglob("*.md")]


@contextmanager
def few_retries():
    """Two tries a request instead of six, so that runs also give up halfway and the next run converges."""
    saved, tracker.github.ATTEMPTS = tracker.github.ATTEMPTS, 2
    try:
        yield
    finally:
        tracker.github.ATTEMPTS = saved


def history(tmp_path, faults=None) -> tuple[list[dict], int]:
    with workspace(tmp_path) as ws, few_retries():
        ws.fake.faults = faults
        runs = converge(ws, FIRST) + converge(ws, second(FIRST))
        return ws.fake.snapshot(), runs


@pytest.fixture(scope="module")
def fault_free(tmp_path_factory):
    state, runs = history(tmp_path_factory.mktemp("clean"))
    assert runs == 2
    return state


def test_fault_free_history_is_what_the_notes_say(fault_free):
    titles = Counter(i["title"] for i in fault_free)
    assert titles["Kofi to update the release checklist"] == 1
    assert sum(1 for i in fault_free if i["comments"]) == 1  # the removed follow-up, commented once
    assert all("2025-02-13-runtime.md" in i["body"] for i in fault_free if "benchmark" in i["title"])


@pytest.mark.parametrize("seed", SEEDS)
def test_faults_never_duplicate_and_converge_to_the_fault_free_state(tmp_path, seed, fault_free):
    faults = SeededFaults(seed, rate=0.25, kinds=FAULT_KINDS)
    state, _ = history(tmp_path, faults)
    ids = Counter(read_mark(i["body"]).id for i in state if read_mark(i["body"]))
    assert all(n == 1 for n in ids.values()), f"duplicate issues: {ids.most_common(3)}"
    assert state == fault_free
    assert faults.injected  # every seed really was disturbed
