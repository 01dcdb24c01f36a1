"""Measure `track sync` against the fake GitHub: request budget, fault injection, and the dev-set notes.

    python bench/bench_sync.py budget        # requests for 1,000 follow-ups: first sync, no-change re-sync
    python bench/bench_sync.py faults        # 100 seeded fault histories: runs, faults by kind, duplicates
    python bench/bench_sync.py devset        # the dev-set notes: sync, again, lines inserted, one edit per note
    python bench/bench_sync.py digest        # requests of `digest --post` for 1,000 tracked issues
    python bench/bench_sync.py devdigest     # the digest of the dev-set notes synced into the fake (markdown)
    python bench/bench_sync.py corpus        # every corpus note: sync, again, lines inserted (about a minute)
    python bench/bench_sync.py               # budget, faults, devset and digest

The counts are exact (the fake counts every request); nothing is timed
except the wall clock of each part, for information. `devset` reads
../shared/corpus and ../shared/eval/dev-files.txt and copies those notes to
a temporary folder: nothing of the corpus is written into the project.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakegithub import FAULT_KINDS, SeededFaults  # noqa: E402
from syncenv import workspace  # noqa: E402
from test_sync_budget import FOLLOW_UPS, busy_notes  # noqa: E402
from test_sync_faults import FIRST, SEEDS, converge, few_retries, second  # noqa: E402
from tracker.extract import extract  # noqa: E402
from tracker.meeting import read_meeting  # noqa: E402
from tracker.render import read_mark  # noqa: E402
from tracker.rules import load_rules  # noqa: E402

SHARED = ROOT.parent / "shared"
RULES = load_rules([])[0]


def by_kind(requests) -> str:
    kinds = Counter(method + " " + re.sub(r"/\d+", "/N", path) for method, path, _ in requests)
    return ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items()))


def budget() -> None:
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp), '[people]\n"Alex" = "alice"\n') as ws:
        for rel, text in busy_notes().items():
            ws.write(rel, text)
        started = time.perf_counter()
        result = ws.sync("--yes", "--backfill", "--max-writes", "5000")
        took = time.perf_counter() - started
        assert result.exit_code == 0, result.output
        print(f"first sync of {FOLLOW_UPS} follow-ups: {len(ws.fake.requests)} requests, {ws.fake.writes} writes "
              f"({took:.1f} s)")
        print(f"  {by_kind(ws.fake.requests)}")
        ws.fake.reset_counts()
        result = ws.sync("--yes")
        assert result.exit_code == 0, result.output
        print(f"no-change re-sync: {len(ws.fake.requests)} requests, {ws.fake.writes} writes "
              f"(budget ceil({FOLLOW_UPS}/100) + 3 = {-(-FOLLOW_UPS // 100) + 3})")
        print(f"  {by_kind(ws.fake.requests)}")


def faults() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        with workspace(Path(tmp) / "clean") as ws, few_retries():
            converge(ws, FIRST)
            converge(ws, second(FIRST))
            clean = ws.fake.snapshot()
    injected: Counter = Counter()
    runs = duplicates = differing = requests = 0
    failed: list[str] = []
    for seed in SEEDS:
        schedule = SeededFaults(seed, rate=0.25, kinds=FAULT_KINDS)
        with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws, few_retries():
            ws.fake.faults = schedule
            runs += converge(ws, FIRST, failed) + converge(ws, second(FIRST), failed)
            state = ws.fake.snapshot()
            requests += len(ws.fake.requests)
        ids = Counter(read_mark(i["body"]).id for i in state if read_mark(i["body"]))
        duplicates += sum(n - 1 for n in ids.values())
        differing += state != clean
        injected.update(kind for _, _, _, kind in schedule.injected)
        injected.update(f"{kind} on {method}" for _, method, _, kind in schedule.injected if kind == "lost")
    print(f"fault injection: {len(SEEDS)} seeded histories, {runs} sync runs, {requests} requests, "
          f"{sum(v for k, v in injected.items() if ' on ' not in k)} faults injected ({time.perf_counter() - started:.0f} s)")
    print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(injected.items())))
    print(f"  runs that gave up halfway (exit 1; the next run went on): {len(failed)}")
    print(f"  duplicate issues: {duplicates}; final states different from the fault-free run: {differing}")


def devset() -> None:
    files_list = SHARED / "eval" / "dev-files.txt"
    if not files_list.exists():
        print("devset: ../shared/eval is not here; skipped")
        return
    rels = [line.strip() for line in files_list.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        for rel in rels:
            target = ws.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SHARED / "corpus" / rel, target)

        def run(label: str, *args: str) -> dict:
            ws.fake.reset_counts()
            result = ws.sync("--yes", "--backfill", "--max-writes", "100000", "--format", "json", *args)
            assert result.exit_code == 0, result.output[-2000:]
            done = json.loads(result.stdout).get("result", {"done": []})["done"]
            ops = Counter(d["op"] for d in done)
            print(f"{label}: {len(ws.fake.requests)} requests, {ws.fake.writes} writes; "
                  + (", ".join(f"{op} {n}" for op, n in sorted(ops.items())) or "nothing done"))
            return ops

        run(f"first sync of {len(rels)} dev-set notes")
        run("same notes again")
        for rel in rels:
            path = ws.root / rel
            path.write_text("\n".join(f"<!-- inserted line {n} -->" for n in range(5)) + "\n" + path.read_text())
        run("5 lines inserted at the top of every note")
        edited = edit_one_per_note(ws, rels)
        ops = run(f"one follow-up edited in each of {edited} notes")
        print(f"  updates {ops.get('update', 0)}, creates {ops.get('create', 0)}, "
              f"comments {ops.get('comment', 0)}; issues now {len(ws.fake.issues)}")
        run("and again")


def still_filed(text: str, path: str, number: int) -> bool:
    """Whether a follow-up at the default threshold still covers line ``number``."""
    meeting = read_meeting(text, path, path)
    return any(f.line <= number <= f.end_line for f in extract(meeting, RULES))


def edit_one_per_note(ws, rels: list[str]) -> int:
    """Make a typo (a doubled letter) in one filed follow-up's first line, in each note that has one.

    The typo goes into the longest word that is not what made it a
    follow-up: a typo in "TODO" or "question" would remove the follow-up
    instead of editing it, which is a different case (the one-comment path).
    """
    plan = ws.plan()
    assert plan["writes"] == 0
    first_line: dict[str, int] = {}
    for rec in ws.fake.issues.values():
        match = re.search(r"#L(\d+)-L\d+", rec["body"])
        mark = read_mark(rec["body"])
        if match and mark and mark.removed is None:
            first_line.setdefault(mark.path, int(match.group(1)) + 5)  # 5 lines were inserted above
    edited = 0
    for path, number in first_line.items():
        file = ws.root / path
        lines = file.read_text().split("\n")
        original = lines[number - 1]
        for word in sorted(set(re.findall(r"[A-Za-z]{5,}", original)), key=len, reverse=True):
            lines[number - 1] = original.replace(word, word[:2] + word[1:], 1)
            if still_filed("\n".join(lines), path, number):
                file.write_text("\n".join(lines))
                edited += 1
                break
    return edited


def digest() -> None:
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        for rel, text in busy_notes().items():
            ws.write(rel, text)
        assert ws.sync("--yes", "--backfill", "--max-writes", "5000").exit_code == 0
        for day, what in [("2026-03-02", "first post"), ("2026-03-02", "same day again"),
                          ("2026-03-04", "later that week, nothing changed"),
                          ("2026-03-05", "later that week, one issue closed"), ("2026-03-09", "the next week")]:
            if "closed" in what:
                ws.fake.issues[1]["state"] = "closed"
            ws.fake.reset_counts()
            result = ws.run("digest", "--post", "--no-notes", "--as-of", day)
            assert result.exit_code == 0, result.output
            print(f"digest --post, {FOLLOW_UPS} tracked issues, {what} ({day}): {len(ws.fake.requests)} requests, "
                  f"{ws.fake.writes} writes; {by_kind(ws.fake.requests)}")


def devdigest() -> None:
    rels = [line.strip() for line in (SHARED / "eval" / "dev-files.txt").read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        for rel in rels:
            target = ws.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SHARED / "corpus" / rel, target)
        assert ws.sync("--yes", "--backfill", "--max-writes", "100000").exit_code == 0
        print(ws.run("digest", "--as-of", ws.fake.now.date().isoformat()).stdout, end="")


def corpus() -> None:
    """Every note of ../shared/corpus: first sync, again, then 4 lines inserted at the top of every note."""
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as ws:
        for folder in (SHARED / "corpus").iterdir():
            if folder.is_dir():
                shutil.copytree(folder, ws.root / folder.name)
        for label, prepare in [("first sync of the whole corpus", None), ("again", None),
                               ("4 lines inserted at the top of every note", _insert_lines)]:
            if prepare:
                prepare(ws.root)
            ws.fake.reset_counts()
            started = time.perf_counter()
            result = ws.sync("--yes", "--backfill", "--max-writes", "100000")
            assert result.exit_code == 0, result.output[-2000:]
            print(f"{label}: {len(ws.fake.requests)} requests, {ws.fake.writes} writes, "
                  f"{len(ws.fake.issues)} issues ({time.perf_counter() - started:.1f} s)")


def _insert_lines(root: Path) -> None:
    for path in root.rglob("*.md"):
        data = path.read_bytes()
        path.write_bytes(b"<!-- moved down -->\n\nPreface.\n\n" + data)


if __name__ == "__main__":
    parts = {"budget": budget, "faults": faults, "devset": devset, "digest": digest, "devdigest": devdigest,
             "corpus": corpus}
    for name in sys.argv[1:] or ["budget", "faults", "devset", "digest"]:
        parts[name]()
