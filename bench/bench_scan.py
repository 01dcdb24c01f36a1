#!/usr/bin/env python3
"""How much slower is `track scan` than parsing the same notes with mistune alone?

Times, in one process and one run:

  (a) mistune alone: the full mistune AST of every note,
      ``mistune.create_markdown(renderer=None, plugins=["table", "task_lists"])``
      called on each note's text;
  (b) the scan pipeline: the default rules loaded, then ``read_meeting`` and
      ``extract`` on every note, i.e. what ``track scan`` does minus printing;
  (c) the CLI end to end: ``track scan --format jsonl DIR > /dev/null`` in a
      subprocess (start-up, file reading and JSON output included).

Every file is read once, up front, so (a) and (b) measure no I/O. (a) and (b)
run in --repeat rounds (default 3), each round (a) then (b), so that both see
the same load on a shared machine; the best time of each is reported, and the
median of the rounds' own ratios beside it as a check on noise.
The target is (b)/(a) <= 2.0. Peak memory: tracemalloc's peak over one extra,
untimed pipeline pass (tracemalloc slows Python down, so it never runs during a
timed pass), and ru_maxrss of this process and of the CLI subprocess.

Usage (from the repository root, with the project installed):

    python bench/bench_scan.py                 # the corpus in ../shared/corpus
    python bench/bench_scan.py path/to/notes   # any directory of *.md notes
    python bench/bench_scan.py --check         # exit 1 when (b)/(a) > 2.0

This is a benchmark, not a test: pytest never collects it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import mistune

from tracker.extract import DEFAULT_MIN_CONFIDENCE, extract
from tracker.meeting import read_meeting
from tracker.rules import load_rules
from tracker.sources import Problem, decode, find_notes

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
TARGET_RATIO = 2.0


def load_corpus(corpus: Path) -> list[tuple[str, str]]:
    """(path, text) of every note, found and decoded exactly as `track scan` does."""
    notes = []
    for item in find_notes([str(corpus)]):
        if isinstance(item, Problem):
            print(f"warning: {item}", file=sys.stderr)
            continue
        text, problem = decode(Path(item).read_bytes(), item)
        if problem is not None:
            print(f"warning: {problem}", file=sys.stderr)
        if text is not None:
            notes.append((item, text))
    return notes


def timed(func) -> tuple[float, object]:
    """Seconds for one run of ``func()`` (after a collection, so no earlier garbage is paid for), and its result."""
    gc.collect()
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def parse_with_mistune(texts: list[str]) -> int:
    markdown = mistune.create_markdown(renderer=None, plugins=["table", "task_lists"])
    tokens = 0
    for text in texts:
        tokens += len(markdown(text))
    return tokens


_RULE_PROBLEMS: set[str] = set()


def run_pipeline(notes: list[tuple[str, str]]) -> int:
    ruleset, problems = load_rules([])
    for problem in problems:  # like `track scan`: report a broken rule file, go on without it
        if problem not in _RULE_PROBLEMS:
            _RULE_PROBLEMS.add(problem)
            print(f"warning: {problem}", file=sys.stderr)
    results = []  # kept, as `track scan` keeps them until it prints
    for path, text in notes:
        results.append((path, extract(read_meeting(text, path), ruleset, DEFAULT_MIN_CONFIDENCE)))
    return sum(len(found) for _, found in results)


def track_command() -> list[str]:
    """The `track` installed beside this interpreter, else the one on PATH, else `python -m tracker`."""
    beside = Path(sys.executable).parent / ("track.exe" if os.name == "nt" else "track")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("track")
    return [found] if found else [sys.executable, "-m", "tracker"]


# The CLI runs are started from a small helper process, which times them and
# reports their peak RSS. On Linux a child's ru_maxrss counts the parent's RSS
# at fork time (it survives exec), so children of this process, which holds the
# whole corpus in memory, would all seem at least as big as it.
_CLI_HELPER = """
import json, os, resource, subprocess, sys, time
command, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
best, status = float("inf"), 0
with open(os.devnull, "w") as devnull:
    for _ in range(repeat):
        start = time.perf_counter()
        status = subprocess.run(command, stdout=devnull, stderr=subprocess.DEVNULL).returncode
        best = min(best, time.perf_counter() - start)
print(json.dumps({"seconds": best, "status": status,
                  "maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_cli(corpus: Path, repeat: int) -> dict:
    """Best time, last exit status and peak RSS of ``track scan --format jsonl CORPUS > /dev/null``."""
    command = track_command() + ["scan", "--format", "jsonl", str(corpus)]
    helper = [sys.executable, "-I", "-S", "-c", _CLI_HELPER, json.dumps(command), str(repeat)]
    done = subprocess.run(helper, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def max_rss_mib(rss: int) -> float:
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS,
                        help=f"directory of markdown notes (default: {DEFAULT_CORPUS})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is reported (default: 3)")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI timing")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when (b)/(a) is above {TARGET_RATIO}")
    args = parser.parse_args(argv)

    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus}\n"
              f"Pass a directory of markdown notes: python bench/bench_scan.py path/to/notes", file=sys.stderr)
        return 2
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    print(f"reading {args.corpus} ...", file=sys.stderr)
    notes = load_corpus(args.corpus)
    if not notes:
        print(f"error: no notes (*.md) under {args.corpus}", file=sys.stderr)
        return 2
    texts = [text for _, text in notes]
    chars = sum(len(t) for t in texts)
    lines = sum(t.count("\n") + (not t.endswith("\n")) for t in texts if t)

    rounds = []
    for n in range(1, args.repeat + 1):
        print(f"round {n} of {args.repeat}: (a) mistune alone, then (b) the scan pipeline ...", file=sys.stderr)
        a_s, _ = timed(lambda: parse_with_mistune(texts))
        b_s, found = timed(lambda: run_pipeline(notes))
        rounds.append((a_s, b_s))
    mistune_s = min(a for a, _ in rounds)
    pipeline_s = min(b for _, b in rounds)
    round_ratios = sorted(b / a for a, b in rounds)

    print("    one more pipeline pass under tracemalloc ...", file=sys.stderr)
    gc.collect()
    tracemalloc.start()
    run_pipeline(notes)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    cli = None
    if not args.no_cli:
        print(f"(c) CLI end to end, {args.repeat} runs ...", file=sys.stderr)
        cli = run_cli(args.corpus, args.repeat)

    ratio = pipeline_s / mistune_s
    within = ratio <= TARGET_RATIO
    print()
    print(f"corpus             {args.corpus}")
    print(f"files              {len(notes)}")
    print(f"lines              {lines}")
    print(f"characters         {chars}")
    print(f"follow-ups found   {found}  (confidence >= {DEFAULT_MIN_CONFIDENCE})")
    print(f"(a) mistune AST    {mistune_s:8.3f} s   best of {args.repeat}")
    print(f"(b) scan pipeline  {pipeline_s:8.3f} s   best of {args.repeat}  (read_meeting + extract, default rules)")
    if cli is not None:
        note = "" if cli["status"] == 0 else f"  (track exited {cli['status']})"
        print(f"(c) track scan CLI {cli['seconds']:8.3f} s   best of {args.repeat}  (subprocess, --format jsonl > /dev/null){note}")
    print(f"ratio (b)/(a)      {ratio:8.2f}     target <= {TARGET_RATIO:.1f}: {'met' if within else 'MISSED'}")
    print(f"                   {statistics.median(round_ratios):8.2f}     median of the rounds' ratios "
          f"({', '.join(f'{r:.2f}' for r in round_ratios)})")
    print(f"peak memory        {traced_peak / 2**20:8.1f} MiB tracemalloc peak of one pipeline pass")
    print(f"                   {max_rss_mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss):8.1f} MiB ru_maxrss of this process")
    if cli is not None:
        print(f"                   {max_rss_mib(cli['maxrss']):8.1f} MiB ru_maxrss of the CLI subprocess")
    return 1 if args.check and not within else 0


if __name__ == "__main__":
    sys.exit(main())
