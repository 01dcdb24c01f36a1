"""Bad input: each problem is one line on stderr naming the file, no traceback, the rest still scanned."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import run_track

GOOD_NOTE = "# Sync\n\nAlex will write up the RFC.\n"


def error_lines(stderr: str, prefix: str = "error: ") -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(prefix)]


def assert_clean_failure(result, *names: str, prefix: str = "error: ") -> str:
    """One problem line on stderr naming each file; no traceback anywhere."""
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr, prefix)
    assert len(lines) == len(names), result.stderr
    for line, name in zip(lines, names):
        assert name in line, (name, line)
    return lines[0] if lines else ""


@pytest.fixture
def notes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.md").write_text(GOOD_NOTE)
    return tmp_path


def good_was_scanned(result) -> bool:
    items = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return any(item["path"] == "good.md" and item["line"] == 3 for item in items)


def scan(*args):
    return run_track(["scan", "--format", "jsonl", *args])


# --- notes ---------------------------------------------------------------------------


def test_non_utf8_file_is_a_warning_and_still_scanned(notes):
    (notes / "latin1.md").write_bytes("# Caf\xe9\n\nKim will send the menu.\n".encode("latin-1"))
    result = scan("good.md", "latin1.md")
    assert result.exit_code == 0
    line = assert_clean_failure(result, "latin1.md", prefix="warning: ")
    assert "UTF-8" in line
    assert error_lines(result.stderr) == []
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(item["path"], item["line"]) for item in items} == {("good.md", 3), ("latin1.md", 3)}


def test_binary_file_is_an_error_and_the_rest_is_scanned(notes):
    (notes / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = scan("good.md", "image.md")
    assert result.exit_code == 1
    line = assert_clean_failure(result, "image.md")
    assert "binary" in line
    assert good_was_scanned(result)


def test_missing_path_is_an_error_and_the_rest_is_scanned(notes):
    result = scan("good.md", "no-such-note.md")
    assert result.exit_code == 1
    assert "no such file" in assert_clean_failure(result, "no-such-note.md")
    assert good_was_scanned(result)


def test_directory_without_notes_is_an_error(notes):
    (notes / "empty").mkdir()
    (notes / "empty" / "readme.txt").write_text("not a note\n")
    result = scan("empty", "good.md")
    assert result.exit_code == 1
    assert "no notes" in assert_clean_failure(result, "empty")
    assert good_was_scanned(result)


def test_unreadable_file_is_an_error_and_the_rest_is_scanned(notes):
    locked = notes / "locked.md"
    locked.write_text(GOOD_NOTE)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user (root?) who can read a chmod 000 file")
        result = scan("good.md", "locked.md")
        assert result.exit_code == 1
        assert "cannot read" in assert_clean_failure(result, "locked.md")
        assert good_was_scanned(result)
    finally:
        locked.chmod(0o644)


def test_several_problems_are_all_reported(notes):
    (notes / "bin.md").write_bytes(b"\x00\x01\x02")
    result = scan("missing.md", "good.md", "bin.md")
    assert result.exit_code == 1
    assert_clean_failure(result, "missing.md", "bin.md")
    assert good_was_scanned(result)


def test_empty_note_is_fine(notes):
    (notes / "empty.md").write_text("")
    result = scan("empty.md", "good.md")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert good_was_scanned(result)


# --- usage errors ----------------------------------------------------------------------


def test_no_path_is_a_usage_error():
    result = run_track(["scan"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "PATH" in result.stderr


def test_bad_format_is_a_usage_error(notes):
    result = run_track(["scan", "--format", "xml", "good.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "xml" in result.stderr and result.stdout == ""


def test_disabling_an_unknown_rule_is_a_usage_error(notes):
    result = run_track(["scan", "--disable", "no-such-rule", "good.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "no-such-rule" in result.stderr
    assert result.stdout == ""


def test_rules_dir_that_does_not_exist_is_a_usage_error(notes):
    result = run_track(["scan", "--rules", "no-such-dir", "good.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "no-such-dir" in result.stderr


# --- broken rule files -----------------------------------------------------------------

GOOD_RULE = """
[[rule]]
id = "zebra-rule"
kind = "action"
weight = 0.9
patterns = ['''\\bzebra\\b''']
[rule.examples]
match = ["feed the zebra"]
"""

BROKEN_RULES = {
    "bad-toml": ("[[rule]\nid = 'x'\n", ["not valid TOML"]),
    "unknown-key": (
        "[[rule]]\nid = 'typo-rule'\nkind = 'action'\npatern = ['x']\npatterns = ['x']\n"
        "[rule.examples]\nmatch = ['x']\n",
        ["typo-rule", "patern"],
    ),
    "invalid-regex": (
        "[[rule]]\nid = 'regex-rule'\nkind = 'action'\npatterns = ['(unclosed']\n[rule.examples]\nmatch = ['x']\n",
        ["regex-rule", "patterns", "(unclosed"],
    ),
    "invalid-unless": (
        "[[rule]]\nid = 'unless-rule'\nkind = 'action'\npatterns = ['x']\nunless = ['[z']\n[rule.examples]\nmatch = ['x']\n",
        ["unless-rule", "unless"],
    ),
    "missing-match-examples": (
        "[[rule]]\nid = 'lonely-rule'\nkind = 'action'\npatterns = ['x']\n[rule.examples]\nno_match = ['y']\n",
        ["lonely-rule", "examples.match"],
    ),
    "no-examples": (
        "[[rule]]\nid = 'bare-rule'\nkind = 'action'\npatterns = ['x']\n",
        ["bare-rule", "examples.match"],
    ),
    "bad-kind": (
        "[[rule]]\nid = 'kind-rule'\nkind = 'chore'\npatterns = ['x']\n[rule.examples]\nmatch = ['x']\n",
        ["kind-rule", "kind"],
    ),
    "bad-weight": (
        "[[rule]]\nid = 'heavy-rule'\nkind = 'action'\nweight = 3\npatterns = ['x']\n[rule.examples]\nmatch = ['x']\n",
        ["heavy-rule", "weight"],
    ),
    "bad-context": (
        "[[rule]]\nid = 'ctx-rule'\nkind = 'action'\npatterns = ['x']\n[rule.context]\nchecked = true\n"
        "[rule.examples]\nmatch = ['x']\n",
        ["ctx-rule", "context.checked"],
    ),
    "bad-known-owner": (
        "[[rule]]\nid = 'owner-rule'\nkind = 'action'\nknown_owner = 'yes'\npatterns = ['x']\n[rule.examples]\nmatch = ['x']\n",
        ["owner-rule", "known_owner", "required"],
    ),
    "bad-scope": (
        "[[rule]]\nid = 'scope-rule'\nweight = -0.5\nscope = 'paragraph'\npatterns = ['x']\n[rule.examples]\nmatch = ['x']\n",
        ["scope-rule", "scope", "clause"],
    ),
    "scope-on-positive-rule": (
        "[[rule]]\nid = 'wide-rule'\nkind = 'action'\nscope = 'clause'\npatterns = ['x']\n[rule.examples]\nmatch = ['x']\n",
        ["wide-rule", "scope", "negative weight"],
    ),
    "bad-paragraph-ends": (
        "[[rule]]\nid = 'tail-rule'\nweight = -0.5\npatterns = ['.']\n[rule.context]\nparagraph_ends = ['(open']\n"
        "[rule.examples]\nmatch = ['x']\n",
        ["tail-rule", "paragraph_ends"],
    ),
    "duplicate-builtin-id": (
        "[[rule]]\nid = 'open-checkbox'\nkind = 'action'\npatterns = ['x']\n[rule.examples]\nmatch = ['x']\n",
        ["open-checkbox", "already used"],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_RULES))
def test_broken_rule_file_is_named_and_the_other_rules_still_load(notes, case):
    content, expected = BROKEN_RULES[case]
    rules = notes / "rules"
    rules.mkdir()
    (rules / "broken.toml").write_text(content)
    (rules / "good.toml").write_text(GOOD_RULE)
    (notes / "zoo.md").write_text("We should feed the zebra.\n")

    result = scan("--rules", "rules", "good.md", "zoo.md")
    assert result.exit_code == 1
    line = assert_clean_failure(result, "broken.toml")
    for word in expected:
        assert word in line, (word, line)
    # the good rule file in the same folder and the built-in rules still work
    items = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert any(item["path"] == "zoo.md" and "zebra-rule" in item["rules"] for item in items)
    assert good_was_scanned(result)

    listing = run_track(["rules", "--rules", "rules"])
    assert listing.exit_code == 1
    assert "zebra-rule" in listing.stdout
    assert_clean_failure(listing, "broken.toml")


# --- explain ----------------------------------------------------------------------------


def test_explain_a_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("# Sync\n\n## Runtime\n\n- Morgan: the allocator is done\n  - Morgan will write up the design doc\n")
    result = run_track(["explain", "note.md:6"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0] == "note.md:6  Morgan will write up the design doc"
    assert "section:  Sync > Runtime" in out
    assert "speaker:  Morgan" in out
    assert "list depth 2" in out
    assert "lead-in:  Morgan: the allocator is done" in out
    assert re.search(r"^    [a-z0-9._-]+ +\+\d\.\d\d  matched ", out, re.M), out
    assert "confidence:" in out and "would be filed" in out


def test_explain_shows_a_damper_outside_the_clause_of_the_evidence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("- Ana: the arm64 port has been merged, the RFC is to be updated soon\n")
    result = run_track(["explain", "note.md:1"])
    assert result.exit_code == 0
    assert re.search(r"^    finished-work +-0\.60  matched 'has been merged' in another clause \(not counted\)$", result.stdout, re.M)
    assert "would be filed" in result.stdout


def test_explain_names_the_follow_up_a_wrapped_line_belongs_to(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("## Action Items\n\n- Ravi: ping the stakeholders who missed this\n  meeting\n")
    for line in (3, 4):
        result = run_track(["explain", f"note.md:{line}"])
        assert result.exit_code == 0
        assert result.stdout.splitlines()[-1] == "  reported:   lines 3-4 (0.95), 'Ping the stakeholders who missed this meeting'"


def test_explain_a_line_not_reported_has_no_reported_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("The wall is green.\n")
    result = run_track(["explain", "note.md:1"])
    assert "reported:" not in result.stdout


def test_explain_an_ignored_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("Alex will write the RFC. <!-- track: ignore -->\n")
    result = run_track(["explain", "note.md:1"])
    assert result.exit_code == 0
    assert "silenced" in result.stdout


def test_explain_a_line_no_rule_matches(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("The wall is green.\n")
    result = run_track(["explain", "note.md:1"])
    assert result.exit_code == 0
    assert "(no rule matched)" in result.stdout
    assert "not a follow-up" in result.stdout


def test_explain_a_line_that_is_not_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text("# T\n\n```\ncode\n```\n")
    result = run_track(["explain", "note.md:4"])
    assert result.exit_code == 0
    assert "not a text line" in result.stdout


@pytest.mark.parametrize("arg", ["note.md", "note.md:", "note.md:0", "note.md:x", ":3"])
def test_explain_bad_argument_is_a_usage_error(tmp_path, monkeypatch, arg):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.md").write_text(GOOD_NOTE)
    result = run_track(["explain", arg])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "FILE:LINE" in result.stderr


def test_explain_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_track(["explain", "gone.md:3"])
    assert result.exit_code == 1
    assert_clean_failure(result, "gone.md")
