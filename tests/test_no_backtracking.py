"""Guard against catastrophic regex backtracking.

Every built-in rule regex (patterns, unless, and the context section/lead-in
patterns, which run on headings and lead-in lines taken from the note) and the
speaker regex run over adversarial lines in a child process. The only timing
asserted is a generous timeout: the whole sweep takes about 15 s; one
backtracking pattern takes hours. The children start together (module fixture).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tracker.rules import load_rules

TIMEOUT = 60  # seconds; generous: the whole sweep takes about 15 s
KNOWN_SLOW_TIMEOUT = 3  # for a known-bad pattern: it needs minutes to hours, so 3 s or 60 s fail alike

MB = 1_000_000
# name -> Python expression building the adversarial line (evaluated in the child)
INPUTS = {
    "words-1MB": f"('Alex will write the RFC and we need to fix it ' * {MB // 46 + 1})[:{MB}]",
    "a-1MB": f"'a' * {MB}",
    "spaces-1MB": f"' ' * {MB}",
    "name-prefixes-5000": "'Name: ' * 5000",
    "spaces-100k-then-x": "' ' * 100_000 + 'x'",
    "parens": "'(' * 50_000",
    "brackets": "'[' * 50_000",
    "stars": "'*' * 50_000",
    "underscores": "'_' * 50_000",
    "colons": "':' * 50_000",
    "word-space": "'a ' * 50_000",
    "will-chain": "'Kim will ' * 20_000",
    "marker-chain": "'AI(' * 50_000",
    "dash-space": "'- ' * 50_000",
}

# (rule id, field) pairs that once backtracked; each is re-run on its own with a short deadline below.
KNOWN_SLOW = {("agenda-item", "context.heading")}

SWEEP = textwrap.dedent(
    """
    import sys
    from tracker.rules import load_rules
    from tracker.speakers import split_speaker, lowercase_handles

    inputs = {INPUTS}
    skip = {SKIP}
    only = {ONLY}
    ruleset, problems = load_rules([])
    if problems:
        sys.exit("broken rule files: " + "; ".join(problems))
    targets = []
    for rule in ruleset.rules:
        fields = [("patterns", p) for p in rule.patterns] + [("unless", p) for p in rule.unless]
        for name in ("section", "not_section", "heading", "not_heading", "lead_in"):
            pattern = getattr(rule.context, name, None)
            if pattern is not None:
                fields.append(("context." + name, pattern))
        for field, pattern in fields:
            key = (rule.id, field)
            if key in skip or (only and key not in only):
                continue
            targets.append((rule.id + " " + field, pattern))
    for input_name, expr in sorted(inputs.items()):
        text = eval(expr)
        for label, pattern in targets:
            print("running", label, "on", input_name, flush=True)
            pattern.search(text)
        if not only:
            print("running speaker regex on", input_name, flush=True)
            split_speaker(text)
            split_speaker(text, frozenset({{"name", "a"}}))
            lowercase_handles(text)
            lowercase_handles(text + "\\n" + text)
    print("DONE", len(targets), flush=True)
    """
)


def _sweep_script(inputs: dict, skip=frozenset(), only=frozenset()) -> str:
    return SWEEP.format(INPUTS=repr(inputs), SKIP=repr(set(skip)), ONLY=repr(set(only)))


def _note(path: Path) -> None:
    """Each adversarial line as it stands, and in every place a rule can look at it."""
    lines = ["# Adversarial note", ""]
    for name, expr in INPUTS.items():
        text = eval(expr)  # noqa: S307 - our own constant expressions
        part = text[:50_000]
        lines += [
            f"## {name}",
            "",
            text,  # a paragraph (or whatever markdown makes of it)
            "",
            f"### {part}",  # a heading: section patterns run on it
            "",
            "Alex will fix it " + part,  # rules match, so owners, titles and spans run too
            "",
            "- [ ] " + part,
            "",
            "> Kim: " + part,
            "",
            "Remaining " + part + ":",  # a lead-in: lead-in patterns run on it
            "- an item under a long lead-in",
            "",
            "| who | what |",
            "| --- | --- |",
            f"| Kim | {part.replace('|', '/')} |",
            "",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _finish(proc: subprocess.Popen, timeout: float) -> tuple[int | None, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out, err


@pytest.fixture(scope="module")
def children(tmp_path_factory):
    """Start the sweep, the scan and the known-slow check at once; tests collect their results."""
    note = tmp_path_factory.mktemp("adversarial") / "adversarial.md"
    _note(note)
    started = {
        "sweep": [sys.executable, "-c", _sweep_script(INPUTS, KNOWN_SLOW)],
        "scan": [sys.executable, "-m", "tracker", "scan", "--all", "--format", "jsonl", str(note)],
        "known-slow": [
            sys.executable, "-c", _sweep_script({"spaces-100k-then-x": INPUTS["spaces-100k-then-x"]}, only=KNOWN_SLOW)
        ],
    }
    procs = {
        key: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for key, cmd in started.items()
    }
    start = time.monotonic()
    deadlines = {key: start + (KNOWN_SLOW_TIMEOUT if key == "known-slow" else TIMEOUT) for key in procs}
    results = {}

    def result(key):
        if key not in results:
            results[key] = _finish(procs[key], max(0.0, deadlines[key] - time.monotonic()))
        return results[key]

    # stop the known-bad child at its deadline even if its test runs last
    result("known-slow")
    yield result
    for proc in procs.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _last_running(out: str) -> str:
    running = [line for line in out.splitlines() if line.startswith("running")]
    return running[-1] if running else "(nothing started)"


def test_rule_and_speaker_regexes_finish_on_adversarial_lines(children):
    code, out, err = children("sweep")
    assert code is not None, f"timed out after {TIMEOUT}s while {_last_running(out)}"
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
    assert out.rstrip().splitlines()[-1].startswith("DONE")


def test_scan_finishes_on_an_adversarial_note(children):
    code, out, err = children("scan")
    assert code is not None, f"track scan did not finish within {TIMEOUT}s"
    assert code == 0, err[-2000:]
    assert "Traceback" not in err
    assert '"line": ' in out  # the "Alex will fix it" lines are found
    assert len(out.splitlines()) >= len(INPUTS)


def test_known_slow_list_names_existing_rules():
    ruleset, _ = load_rules([])
    ids = {rule.id for rule in ruleset.rules}
    assert {rule_id for rule_id, _ in KNOWN_SLOW} <= ids, "drop fixed/renamed rules from KNOWN_SLOW"


def test_agenda_item_section_pattern_does_not_backtrack(children):
    code, out, err = children("known-slow")
    assert code == 0, f"did not finish in {KNOWN_SLOW_TIMEOUT}s while {_last_running(out)}"
    assert "DONE 1" in out
