"""track scan end to end through the CLI: formats, exit codes, bad input, line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.meeting import read_meeting

NOTE = """# Runtime sync 2024-05-14

## Attendees
- Ana Ruiz @anaruiz
- Bo

## Agenda
- Ana: release status

## Notes
Ana: The loader rewrite is now merged, thanks everyone.
Bo: There's currently an unexplained segfault in the fuzzer.
Ana: I'll file an issue for the flaky Windows test.

- Bo: arm64 status
  - One more PR needed for arm64 support.

```
- [ ] not a task, this is code
```

## Action items
- [ ] Bo to update the docs
- AI(ana): write up the RFC
"""


def _scan(*args, input=None):
    return CliRunner().invoke(main, ["scan", *args], input=input)


def _jsonl(result):
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "notes" / "2024" / "sync-05-14.md"
    path.parent.mkdir(parents=True)
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_scan_finds_the_follow_ups_with_exact_lines_and_owners(note):
    result = _scan("--format", "jsonl", str(note))
    assert result.exit_code == 0, result.output
    found = {item["line"]: item for item in _jsonl(result)}
    source = NOTE.split("\n")
    assert found[12]["kind"] == "problem" and found[12]["owner"] == "Bo"
    assert found[13]["owner"] == "Ana" and "issue" in found[13]["title"]
    assert found[16]["kind"] == "need" and found[16]["owner"] == "Bo"
    assert found[23]["owner"] == "Bo"
    assert found[24]["owner"] == "ana" and found[24]["title"] == "Write up the RFC"
    assert 11 not in found  # finished work
    assert 8 not in found  # agenda
    assert all(n not in found for n in (18, 19, 20))  # code block
    for n, item in found.items():
        assert item["text"].split()[-1] in source[n - 1]
        assert item["meeting"] == {"title": "Runtime sync 2024-05-14", "date": "2024-05-14", "path": item["path"]}
        for key in ("path", "line", "end_line", "title", "text", "kind", "owner", "labels", "confidence", "id"):
            assert key in item
        assert len(item["title"]) < 80 and not item["title"].endswith((".", ":", "!"))
        assert ":" not in item["title"][:6]  # no speaker prefix


def test_ids_survive_lines_inserted_above(note, tmp_path):
    before = {i["id"]: i["line"] for i in _jsonl(_scan("--format", "jsonl", str(note)))}
    note.write_text("<!-- moved -->\n\n\n" + NOTE, encoding="utf-8")
    after = {i["id"]: i["line"] for i in _jsonl(_scan("--format", "jsonl", str(note)))}
    assert before.keys() == after.keys()
    assert all(after[k] == before[k] + 3 for k in before)


def test_output_is_deterministic_and_plain_without_a_tty(note):
    first, second = _scan(str(note.parent.parent)), _scan(str(note.parent.parent))
    assert first.stdout == second.stdout
    assert "\x1b[" not in first.stdout
    assert f"{note.as_posix()}:12  [problem]" in first.stdout.replace(str(note), note.as_posix())


def test_json_and_all(note):
    data = json.loads(_scan("--format", "json", str(note)).stdout)
    strong = data["follow_ups"]
    everything = _jsonl(_scan("--format", "jsonl", "--all", str(note)))
    assert len(everything) >= len(strong)
    assert all(item["confidence"] >= 0.5 for item in strong)


def test_stdin():
    result = _scan("--format", "jsonl", "-", input="Kim: I'll send the summary to the list.\n")
    assert result.exit_code == 0
    [item] = _jsonl(result)
    assert item["path"] == "-" and item["owner"] == "Kim"


def test_overrides():
    text = (
        "Ana: I'll write the RFC <!-- track: ignore -->\n"
        "\n<!-- track: follow-up -->\nRename the nightly job\n"
        "\n<!-- track: ignore -->\n## Parking lot\n\nBo: I'll file an issue\n\n## Notes\n\nBo: I'll open the PR\n"
    )
    items = _jsonl(_scan("--format", "jsonl", "-", input=text))
    assert [(i["line"], i["confidence"]) for i in items if i["line"] == 4] == [(4, 1.0)]
    assert {i["line"] for i in items} == {4, 13}


def test_line_numbers_survive_crlf_bom_front_matter_and_deep_nesting():
    nested = "".join("  " * d + "- level\n" for d in range(300))
    text = "\ufeff---\ntitle: Deep\ndate: 2024-01-02\n---\r\n# Deep\r\n\r\nAna: I'll file an issue\r\n" + nested + "Bo: I'll open the PR\n"
    meeting = read_meeting(text, "x.md")
    assert meeting.title == "Deep" and meeting.date == "2024-01-02"
    source = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    for line in meeting.lines:
        assert line.text.replace("**", "") in source[line.number - 1].replace("**", "")
    numbers = {ln.number for ln in meeting.lines if "I'll" in ln.text}
    assert numbers == {7, 308}  # 4 front-matter lines, title, blank, then the speaker line


@pytest.mark.parametrize(
    "path, expected",
    [("notes/2021/wasmtime-08-05.md", "2021-08-05"), ("x/2024/07-23-Meeting-notes.md", "2024-07-23"), ("m/2024-04-10.md", "2024-04-10")],
)
def test_date_from_path(path, expected):
    assert read_meeting("# Weekly call\n", path).date == expected


def test_bad_inputs_are_reported_and_the_rest_still_scanned(tmp_path, note):
    binary = tmp_path / "blob.md"
    binary.write_bytes(b"\x00\x01\x02PNG")
    latin = tmp_path / "latin.md"
    latin.write_bytes("Bo: I'll file an issue about the caf\xe9 bug\n".encode("latin-1"))
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _scan("--format", "jsonl", str(binary), str(latin), str(tmp_path / "missing.md"), str(empty), str(note))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert any("blob.md" in e and "binary" in e for e in errors)
    assert any("latin.md" in e and "UTF-8" in e for e in errors)
    assert any("missing.md" in e for e in errors)
    assert any("empty" in e and "no notes" in e for e in errors)
    paths = {i["path"] for i in _jsonl(result)}
    assert str(latin) in paths and str(note) in paths


def test_usage_errors_exit_2(note):
    assert _scan().exit_code == 2
    assert _scan("--format", "xml", str(note)).exit_code == 2
    assert _scan("--disable", "no-such-rule", str(note)).exit_code == 2


def test_a_broken_rule_file_is_named_and_the_others_still_load(tmp_path, note):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.toml").write_text('[[rule]]\nid = "oops"\nkind = "action"\npatterns = ["(unclosed"]\n[rule.examples]\nmatch = ["x"]\n')
    (rules / "mine.toml").write_text(
        '[[rule]]\nid = "rename-job"\nkind = "action"\nweight = 0.9\npatterns = ["\\\\brename the nightly job\\\\b"]\n'
        '[rule.examples]\nmatch = ["Rename the nightly job"]\n'
    )
    result = CliRunner().invoke(main, ["scan", "--format", "jsonl", "--rules", str(rules), "-"], input="Rename the nightly job\n")
    assert result.exit_code == 1
    assert "broken.toml: rule 'oops'" in result.stderr and "patterns" in result.stderr
    assert [i["rules"] for i in _jsonl(result)] == [["rename-job"]]


def test_explain_shows_context_and_rules(note):
    result = CliRunner().invoke(main, ["explain", f"{note}:16"])
    assert result.exit_code == 0
    assert "speaker:  Bo" in result.stdout and "need-to" in result.stdout and "would be filed" in result.stdout
    assert CliRunner().invoke(main, ["explain", "nonsense"]).exit_code == 2


def test_rules_lists_builtin_rules():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0 and "action-marker" in result.stdout


def test_ids_do_not_depend_on_the_working_directory_or_stdin(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "notes").mkdir()
    (repo / "notes" / "a.md").write_text("Ana: I will file an issue.\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    from_root = _jsonl(_scan("--format", "jsonl", "notes/a.md"))
    monkeypatch.chdir(repo / "notes")
    from_inside = _jsonl(_scan("--format", "jsonl", "a.md"))
    piped = _jsonl(_scan("--format", "jsonl", "--stdin-path", "notes/a.md", "-", input="Ana: I will file an issue.\n"))
    assert from_root[0]["id"] == from_inside[0]["id"] == piped[0]["id"]
    assert piped[0]["path"] == "notes/a.md"


def test_handles_in_a_status_round_are_speakers_and_topic_words_are_not():
    note = (
        "fitzgen: looking into stack walking; will sync up with bjorn3 next week\n\n"
        "uweigand: planning on moving to vector registers\n\n"
        "akirilov: CFI is up for review\n\n"
        "fuzzing: will need more cores for the nightly runs\n"
    )
    meeting = read_meeting(note, "status.md")
    speakers = {ln.number: ln.speaker for ln in meeting.lines}
    assert speakers[1] == "fitzgen" and speakers[3] == "uweigand" and speakers[5] == "akirilov"
    assert speakers[7] is None


def test_name_comma_prefix_is_a_speaker_only_for_an_attendee():
    note = (
        "# TSC\n\n## Present\n\n* Jana Novak @jnovak\n* Matteo Rossi @mrossi\n\n## Notes\n\n"
        "* Matteo, will ping people who might be good candidates\n* However, this is fine\n* Jana - we need to land it\n"
    )
    speakers = {ln.number: ln.speaker for ln in read_meeting(note, "tsc.md").lines}
    assert speakers[10] == "Matteo" and speakers[11] is None and speakers[12] == "Jana"
