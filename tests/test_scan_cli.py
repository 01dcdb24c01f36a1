"""`track scan`: inputs, output formats, titles, owners, kinds, ids, thresholds and overrides."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from conftest import FIXTURES, extract_from, fixture_text, line_of, run_track, scan_json

ANSI = re.compile(r"\x1b\[")
JSONL_KEYS = {"path", "line", "end_line", "title", "text", "kind", "owner", "labels", "confidence", "id", "meeting"}
KINDS = {"action", "need", "problem", "question"}


def by_line(items: list[dict]) -> dict[int, dict]:
    return {item["line"]: item for item in items}


def scan_fixture(name: str, *extra):
    result, items = scan_json([*extra, FIXTURES / name])
    assert result.exit_code == 0, result.stderr
    return items


def found_at(name: str, needle: str, *extra) -> dict | None:
    items = scan_fixture(name, *extra)
    return by_line(items).get(line_of(fixture_text(name), needle))


# --- inputs --------------------------------------------------------------------


def test_scan_one_file_text_output(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    result = run_track(["scan", "markers.md"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "markers.md"
    assert "  markers.md:6  [action] File an issue about the flaky linker test (kim)" in lines
    assert "  markers.md:5  [action] Publish the updated roadmap page" in lines
    assert result.stderr.strip().splitlines()[-1] == "4 follow-ups in 1 note"


def test_scan_directory_is_recursive_and_sorted(tmp_path, monkeypatch):
    (tmp_path / "notes" / "2024" / "deep").mkdir(parents=True)
    (tmp_path / "notes" / "b.md").write_text("Kim will send the survey.\n")
    (tmp_path / "notes" / "2024" / "a.md").write_text("- [ ] update the docs\n")
    (tmp_path / "notes" / "2024" / "deep" / "c.markdown").write_text("TODO: tag the release\n")
    (tmp_path / "notes" / "2024" / "ignored.txt").write_text("TODO: never read\n")
    monkeypatch.chdir(tmp_path)
    result, items = scan_json(["notes"])
    assert result.exit_code == 0, result.stderr
    assert [item["path"] for item in items] == ["notes/2024/a.md", "notes/2024/deep/c.markdown", "notes/b.md"]
    text = run_track(["scan", "notes"])
    assert text.stderr.strip().splitlines()[-1] == "3 follow-ups in 3 notes"


def test_scan_stdin():
    result, items = scan_json(["-"], input="# Sync\n\nAI(kim): file an issue about the flaky test\n")
    assert result.exit_code == 0, result.stderr
    assert len(items) == 1
    item = items[0]
    assert (item["path"], item["line"], item["owner"]) == ("-", 3, "kim")
    assert item["meeting"]["title"] == "Sync"


def test_scan_files_and_stdin_together(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    result, items = scan_json(["markers.md", "-"], input="- [ ] update the docs\n")
    assert result.exit_code == 0
    assert {item["path"] for item in items} == {"markers.md", "-"}


def test_scan_requires_a_path():
    result = run_track(["scan"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- output formats --------------------------------------------------------------------


def test_jsonl_objects_have_the_documented_keys():
    items = scan_fixture("paragraph_speakers.md", "--all")
    assert items
    for item in items:
        assert JSONL_KEYS <= set(item), JSONL_KEYS - set(item)
        assert set(item["meeting"]) >= {"title", "date", "path"}
        assert item["meeting"] == {
            "title": "Lumen runtime weekly, 2023-06-14",
            "date": "2023-06-14",
            "path": str(FIXTURES / "paragraph_speakers.md"),
        }
        assert item["path"] == str(FIXTURES / "paragraph_speakers.md")
        assert item["kind"] in KINDS
        assert 0 < item["confidence"] <= 1
        assert item["line"] <= item["end_line"]
        assert isinstance(item["labels"], list)
        assert re.fullmatch(r"[0-9a-f]{16}", item["id"])


def test_json_and_jsonl_and_text_agree():
    path = FIXTURES / "nested_speakers.md"
    _, jsonl_items = scan_json([path])
    as_json = run_track(["scan", "--format", "json", path])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == {"follow_ups": jsonl_items}
    as_text = run_track(["scan", "--format", "text", path])
    text_lines = [ln for ln in as_text.stdout.splitlines() if ln.startswith("  ")]
    assert len(text_lines) == len(jsonl_items)
    for line, item in zip(text_lines, jsonl_items):
        assert line.startswith(f"  {path}:{item['line']}  [{item['kind']}] {item['title']}")


def test_json_with_nothing_found_is_still_json():
    result = run_track(["scan", "--format", "json", FIXTURES / "agenda_only.md"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"follow_ups": []}


def test_output_is_byte_identical_across_runs():
    for fmt in ("text", "json", "jsonl"):
        first = run_track(["scan", "--all", "--format", fmt, FIXTURES])
        second = run_track(["scan", "--all", "--format", fmt, FIXTURES])
        assert first.exit_code == second.exit_code == 0
        assert first.stdout_bytes == second.stdout_bytes
        assert first.stdout_bytes


def test_no_ansi_escapes_when_not_a_tty():
    result = run_track(["scan", "--all", FIXTURES])
    assert result.exit_code == 0
    assert not ANSI.search(result.output)


def _run_on_a_tty(args: list[str], env: dict) -> str:
    """Run `python -m tracker ARGS` with stdout on a pseudo-terminal."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", *args], stdout=slave, stderr=subprocess.DEVNULL, env=env
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def test_no_color_is_honoured_on_a_tty():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    args = ["scan", str(FIXTURES / "markers.md")]
    coloured = _run_on_a_tty(args, env)
    assert ANSI.search(coloured), "a terminal without NO_COLOR should get colour"
    plain = _run_on_a_tty(args, {**env, "NO_COLOR": "1"})
    assert not ANSI.search(plain)
    assert "[action] File an issue about the flaky linker test (kim)" in plain


# --- titles ----------------------------------------------------------------------


def test_titles_are_clean_everywhere():
    result, items = scan_json(["--all", FIXTURES])
    assert result.exit_code == 0
    assert len(items) > 20
    for item in items:
        title = item["title"]
        assert title, item
        assert len(title) < 80, title
        assert not re.search(r"[.,;:!?\-]$", title), title
        assert not re.search(r"\*\*|__|`|\]\(|<!--", title), title
        assert not re.match(r"^(?:\*\*)?[A-Z][\w .-]{0,30}(?:\*\*)?:", title), f"speaker prefix left in {title!r}"
        assert not re.match(r"^(?:AI|ACTION|TODO)\b", title), title


def test_titles_drop_speaker_markers_and_markdown():
    items = by_line(scan_fixture("markers.md"))
    assert items[6]["title"] == "File an issue about the flaky linker test"
    assert items[8]["title"] == "Write down the release checklist"
    checkbox = found_at("checkboxes.md", "update docs for the new")
    assert checkbox["title"] == "Update docs for the new --offline flag"
    sasha = found_at("paragraph_speakers.md", "Sasha: I'll file an issue")
    assert sasha["title"] == "I'll file an issue for the crash and attach the reproducer"
    assert sasha["text"] == "I'll file an issue for the crash and attach the reproducer."


def test_long_titles_are_cut_under_80_characters():
    note = "Kim will " + " ".join(f"rewrite module{i} and" for i in range(30)) + " finish.\n"
    result, items = scan_json(["-"], input=note)
    assert len(items) == 1
    title = items[0]["title"]
    assert len(title) < 80
    assert title.startswith("Kim will rewrite module0")
    assert title.endswith("…")


def test_link_text_is_kept_and_the_url_dropped():
    result, items = scan_json(["-"], input="- [ ] read the [migration guide](https://example.com/guide) draft\n")
    assert items[0]["title"] == "Read the migration guide draft"


def test_titles_keep_brackets_balanced():
    note = "Kim will review the parser changes (after the release)\n\n[Wasm64] Alex will write the RFC\n"
    result, items = scan_json(["-"], input=note)
    titles = [item["title"] for item in items]
    assert titles == ["Kim will review the parser changes (after the release)", "[Wasm64] Alex will write the RFC"]


def test_title_is_never_empty():
    # '<TODO: AR to add slides>' (WebAssembly CG style) once lost its whole title as an "HTML tag"
    _, items = scan_json(["-"], input="# Notes\n\n<TODO: AR to add slides>\n")
    assert len(items) == 1
    assert items[0]["title"] == "AR to add slides"


# --- ids -------------------------------------------------------------------------


def test_id_survives_lines_inserted_above(tmp_path):
    note = tmp_path / "note.md"
    original = fixture_text("paragraph_speakers.md")
    note.write_text(original)
    _, before = scan_json([note])
    note.write_text("Inserted line one.\n\nInserted line three.\n" + original)
    _, after = scan_json([note])
    assert before and len(before) == len(after)
    for old, new in zip(before, after):
        assert new["id"] == old["id"]
        assert (new["line"], new["end_line"]) == (old["line"] + 3, old["end_line"] + 3)
        assert new["title"] == old["title"]


def test_id_is_the_same_from_any_directory_of_a_git_work_tree(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "notes" / "2021").mkdir(parents=True)
    note = repo / "notes" / "2021" / "wasmtime-08-05.md"
    note.write_text(fixture_text("markers.md"))

    def ids(cwd, target):
        monkeypatch.chdir(cwd)
        result, items = scan_json([target])
        assert result.exit_code == 0, result.stderr
        return [item["id"] for item in items], [item["path"] for item in items]

    from_root, root_paths = ids(repo, "notes/2021/wasmtime-08-05.md")
    from_folder, folder_paths = ids(repo / "notes" / "2021", "wasmtime-08-05.md")
    from_outside, _ = ids(tmp_path, note)
    assert from_root and from_root == from_folder == from_outside
    assert root_paths[0] == "notes/2021/wasmtime-08-05.md" and folder_paths[0] == "wasmtime-08-05.md"

    monkeypatch.chdir(repo)
    result, piped = scan_json(["--stdin-path", "notes/2021/wasmtime-08-05.md", "-"], input=fixture_text("markers.md"))
    assert [item["id"] for item in piped] == from_root
    assert piped[0]["path"] == "notes/2021/wasmtime-08-05.md"
    assert piped[0]["meeting"]["date"] == "2021-08-05"


def test_ids_are_unique_even_for_repeated_text():
    note = "# Sync\n\n## Monday\n\n- [ ] update the docs\n\n## Friday\n\n- [ ] update the docs\n"
    result, items = scan_json(["-"], input=note)
    assert [item["line"] for item in items] == [5, 9]
    assert items[0]["id"] != items[1]["id"]


def test_ids_are_unique_when_texts_differ_only_in_case_and_punctuation():
    note = "# Sync\n\n## Monday\n\n- [ ] update the docs\n\n## Friday\n\n- [ ] Update the docs.\n"
    _, items = scan_json(["-"], input=note)
    assert [item["line"] for item in items] == [5, 9]
    assert items[0]["id"] != items[1]["id"]


def test_ids_are_unique_across_the_fixtures():
    _, items = scan_json(["--all", FIXTURES])
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))


def test_id_does_not_depend_on_the_threshold():
    path = FIXTURES / "paragraph_speakers.md"
    _, default = scan_json([path])
    _, everything = scan_json(["--all", path])
    everything_by_line = by_line(everything)
    for item in default:
        assert everything_by_line[item["line"]]["id"] == item["id"]
        assert everything_by_line[item["line"]]["end_line"] == item["end_line"]


# --- owners and kinds --------------------------------------------------------------


@pytest.mark.parametrize(
    "name,needle,owner,kind",
    [
        ("paragraph_speakers.md", "Ravi: Morgan will write up", "Morgan", "action"),
        ("paragraph_speakers.md", "Sasha: I'll file an issue", "Sasha", "action"),
        ("paragraph_speakers.md", "Jo: There's currently an unexplained crash", "Jo", "problem"),
        ("nested_speakers.md", "TL: I will write the rename PR", "TL", "action"),
        ("nested_speakers.md", "still need to port the tests", "Alex", "need"),
        ("nested_speakers.md", "waiting on the naming decision", "Priya Raman", "need"),
        ("markers.md", "AI(kim): file an issue", "kim", "action"),
        ("markers.md", "ACTION: Sam to send", "Sam", "action"),
        ("markers.md", "AI: publish the updated roadmap", None, "action"),
        ("markers.md", "TODO: write down the release", None, "action"),
        ("checkboxes.md", "Kim: check the broken links", "Kim", "action"),
        ("checkboxes.md", "update docs for the new", None, "action"),
        ("action_items.md", "Priya: book the room", "Priya", "action"),
        ("action_items.md", "Lee: rotate the signing keys", "Lee", "action"),
        ("action_items.md", "Update the proposal with the new partition", None, "action"),
        ("front_matter.md", "Morgan will draft the Q1 roadmap", "Morgan", "action"),
        ("table.md", "Alex will send the rotation schedule", "Alex", "action"),
        ("nodejs_tsc.md", "Li Wei: I will draft the migration guide", "Li Wei", "action"),
        ("nodejs_minutes.md", "@kimpark to open a PR", "kimpark", "action"),
        ("nodejs_minutes.md", "Just need to settle the wording", "leeo", "need"),
        ("nodejs_minutes.md", "Take this back to the issue", None, "question"),
        ("nodejs_minutes.md", "Leave on agenda until the survey closes", None, "question"),
        ("nodejs_minutes.md", "sam will prototype the vote counter", "sam", "action"),
        ("nodejs_minutes.md", "The TSC should review the release checklist", None, "need"),
        ("nodejs_minutes.md", "Lee is drafting a short upgrade guide", "Lee", "action"),
        ("nodejs_minutes.md", "Let's document who runs it and when", "sam", "action"),
    ],
)
def test_follow_up_found_with_owner_and_kind(name, needle, owner, kind):
    item = found_at(name, needle)
    assert item is not None, f"{name}: {needle!r} was not reported"
    assert (item["owner"], item["kind"]) == (owner, kind)
    assert item["confidence"] >= 0.5


@pytest.mark.parametrize(
    "note,owner",
    [
        ("Kate to push the release branch tomorrow.", "Kate"),
        ("Dan Smith will write up the RFC.", "Dan Smith"),
        ("AI(Ana): book the room", "Ana"),
        ("AI[JR]: reserve the venue", "JR"),
        ("Ravi: I'll open a tracking issue for wasm64.", "Ravi"),
        ("**Ravi**: I'll open a tracking issue for wasm64.", "Ravi"),
        ("Ravi: Kim will open a tracking issue for wasm64.", "Kim"),
        ("Mika: Planning to add support for the new s390x features.", "Mika"),
        ("Ralph: would be great to use clearer terms, asks Nathaniel for comments on it", "Nathaniel"),
    ],
)
def test_owner_forms(note, owner):
    _, items = scan_json(["-"], input=note + "\n")
    assert len(items) == 1, items
    assert items[0]["owner"] == owner


def test_owner_of_a_summary_line_is_the_attendee_it_is_about():
    note = (
        "# ML sync\n\n## Attendees\n\n- Stuart Lee\n- Ana Ruiz\n\n## Notes\n\n"
        "- errors: Stuart discussed the need for better error codes; expect a GitHub issue.\n"
        "- Nobody has looked at the flaky upload test yet; it still needs an owner.\n"
    )
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["owner"]) for item in items] == [(10, "Stuart"), (11, None)]


def test_owner_of_an_assignment_is_an_attendee_from_an_attendee_table():
    note = (
        "# Sync\n\n## Attendees\n\n| Attendee | Affiliation |\n|---|---|\n| Tomasz Ros | Acme |\n\n"
        "## Next steps\n\nTomasz to address the review comments on the release PR.\n"
    )
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["owner"]) for item in items] == [(11, "Tomasz")]


def test_owner_of_an_action_item_is_an_attendee_from_an_attending_row():
    note = (
        "## Registry sync\n\n| | |\n|---|---|\n| Attending | Lena Marsh, Kofi Boateng |\n| Note Taker | Kofi Boateng |\n\n"
        "* Action Items\n    * Kofi - update the co-chair status\n    * Lena - investigate hosting the v0 index\n"
    )
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["owner"], item["title"]) for item in items] == [
        (9, "Kofi", "Update the co-chair status"),
        (10, "Lena", "Investigate hosting the v0 index"),
    ]


def test_wrapped_follow_up_spans_its_continuation_lines():
    text = fixture_text("paragraph_speakers.md")
    item = found_at("paragraph_speakers.md", "Jo: There's currently an unexplained crash")
    assert (item["line"], item["end_line"]) == (
        line_of(text, "Jo: There's currently"),
        line_of(text, "allocator runs out of slots."),
    )
    assert item["text"] == "There's currently an unexplained crash in the fuzzer when the allocator runs out of slots."
    assert item["section"][-1] == "Pooling allocator"


@pytest.mark.parametrize("wrapped", ["`try_call` in the new ABI.", "(and its tests) before the release.", "2 more backends."])
def test_a_sentence_wraps_onto_a_line_that_starts_with_code_a_bracket_or_a_digit(wrapped):
    note = f"- cfallin: conclusion: we need to port\n  {wrapped}\n- Next: the venue. Kim checks it\n  Friday.\n"
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"]) for item in items] == [(1, 2)]


def test_a_follow_up_split_by_a_soft_wrap_is_found():
    note = "- SC: aarch64 is complete in the new backend as of this week; next thing\n  is to write a blog post\n"
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"], item["owner"]) for item in items] == [(1, 2, "SC")]
    assert items[0]["title"] == "Next thing is to write a blog post"


def test_a_wrapped_action_item_is_one_follow_up():
    note = (
        "## Action Items\n\n- agree on a review mechanism\n- Ravi: ping the stakeholders who missed this\n  meeting\n"
        "- all: review the user stories\n"
    )
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"]) for item in items] == [(3, 3), (4, 5), (6, 6)]
    assert items[1]["title"] == "Ping the stakeholders who missed this meeting"


def test_a_wrapped_line_with_a_sentence_of_its_own_stays_a_follow_up():
    note = "- Kim: the parser landed. we need to port the tests to\n  the new runner. Ana will file an issue for the flaky test\n"
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"], item["owner"]) for item in items] == [(1, 1, "Kim"), (2, 2, "Ana")]
    assert items[0]["title"] == "We need to port the tests to"


def test_a_folded_follow_up_keeps_the_title_and_rules_of_its_first_line():
    note = "## Action Items\n\n- Ravi: ping the stakeholders who missed this\n  meeting\n"
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"]) for item in items] == [(3, 4)]
    assert items[0]["title"] == "Ping the stakeholders who missed this meeting"
    assert len(items[0]["rules"]) == len(set(items[0]["rules"]))
    assert (items[0]["owner"], items[0]["kind"]) == ("Ravi", "action")


def test_lines_of_a_run_under_a_lead_in_stay_follow_ups_of_their_own():
    note = "Ines: a few work items remaining to ship the port:\nteach the test runner to skip GPIO tests\nport the fixtures\n"
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"]) for item in items] == [(2, 2), (3, 3)]


def test_an_ignored_line_is_never_part_of_a_follow_up():
    note = "- Ravi: we still need to port the parser\n  and the private notes <!-- track: ignore -->\n"
    _, items = scan_json(["-"], input=note)
    assert [(item["line"], item["end_line"], item["text"]) for item in items] == [(1, 1, "we still need to port the parser")]


def test_a_capitalised_line_starts_a_new_sentence():
    _, items = scan_json(["-"], input="- Ravi: we need to port the tests\n  Then the docs are fine as they are.\n")
    assert [(item["line"], item["end_line"]) for item in items] == [(1, 1)]


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("- Ana: the arm64 port has been merged, the RFC and patch to be updated soon", True),
        ("- Ana: the arm64 port has been merged and the patch is to be updated soon", False),
        ("- Ana: we need to port the tests, which has been merged already", False),
    ],
)
def test_finished_work_in_one_clause_leaves_the_work_in_another(line, found):
    _, items = scan_json(["-"], input=line + "\n")
    assert bool(items) is found


def test_a_clause_damper_keeps_the_vetoes_of_its_sentence():
    # "after ... merged" vetoes finished-work for the whole sentence, wherever it matches
    _, items = scan_json(["-"], input="Kim: after the parser is merged, we need to update the docs that are now done\n")
    assert [item["line"] for item in items] == [1]


def test_a_damper_on_the_line_below_a_wrap_does_not_hold_back_the_phrase_across_it():
    note = (
        "Ana: the parser port for the arm64 and riscv64 backends has been merged, next\n"
        "thing is to write a blog post, the docs are done\n"
    )
    result, items = scan_json(["--all", "-"], input=note)
    assert [(item["line"], item["confidence"] >= 0.5) for item in items] == [(1, True)]


def test_problem_found_in_a_bare_line():
    _, items = scan_json(["-"], input="There's currently an unexplained segfault.\n")
    assert [(item["kind"], item["title"]) for item in items] == [("problem", "There's currently an unexplained segfault")]


# --- what is found and what is not ------------------------------------------------


def test_agenda_and_attendees_only_note_has_nothing():
    for extra in ([], ["--all"]):
        result, items = scan_json([*extra, FIXTURES / "agenda_only.md"])
        assert result.exit_code == 0
        assert items == []
    result = run_track(["scan", FIXTURES / "agenda_only.md"])
    assert result.stdout == ""
    assert "0 follow-ups in 1 note" in result.stderr


def test_checkboxes_open_found_done_and_code_not():
    text = fixture_text("checkboxes.md")
    items = by_line(scan_fixture("checkboxes.md"))
    assert set(items) == {line_of(text, "update docs for the new"), line_of(text, "Kim: check the broken links")}


def test_action_items_and_next_steps_sections():
    text = fixture_text("action_items.md")
    items = by_line(scan_fixture("action_items.md"))
    expected = {
        line_of(text, "Priya: book the room"),
        line_of(text, "Lee: rotate the signing keys"),
        line_of(text, "Update the proposal with the new partition"),
        line_of(text, "Collect numbers from the two hardware"),
    }
    assert set(items) == expected
    for number in expected:
        assert items[number]["section"][-1] in ("Action items", "Next steps")


def test_markers_found_and_lookalikes_not():
    text = fixture_text("markers.md")
    items = by_line(scan_fixture("markers.md"))
    assert line_of(text, "The AI working group") not in items
    for needle in ("AI: publish", "AI(kim)", "ACTION: Sam", "TODO: write down"):
        assert line_of(text, needle) in items
        assert items[line_of(text, needle)]["confidence"] >= 0.9


def test_table_rows_are_reported_on_their_own_lines():
    text = fixture_text("table.md")
    items = by_line(scan_fixture("table.md", "--all"))
    separator = line_of(text, "| ----- |")
    assert separator not in items
    assert line_of(text, "the parser crashes on empty input") in items
    assert line_of(text, "segfault when the cache is full") in items
    crash = items[line_of(text, "the parser crashes on empty input")]
    assert (crash["kind"], crash["end_line"]) == ("problem", crash["line"])


def test_overrides_in_a_scan():
    text = fixture_text("overrides.md")
    items = by_line(scan_fixture("overrides.md", "--all"))
    assert line_of(text, "Alex will write up the RFC.") not in items  # inline ignore
    assert line_of(text, "Kim will send the survey") in items  # the next line is not ignored
    for needle in ("Lee will prototype", "check the licence", "Dana will rewrite"):
        assert line_of(text, needle) not in items, needle  # the ignored section and its subsection
    assert line_of(text, "Jo will book the next venue.") in items  # the section after it
    forced = items[line_of(text, "The projector in room B")]
    assert forced["confidence"] == 1.0
    assert forced["title"] == "The projector in room B is a bit dim"
    assert line_of(text, "The coffee machine") not in items


def test_follow_up_override_forces_a_line_no_rule_matches(builtin_rules):
    text = "# Notes\n\nThe wall is painted green.\n\n<!-- track: follow-up -->\nThe wall is painted green.\n"
    found = extract_from(text, "x.md", builtin_rules, 0.0)
    assert [(f.line, f.confidence) for f in found] == [(6, 1.0)]


def test_nodejs_style_note_boilerplate_is_not_reported():
    text = fixture_text("nodejs_tsc.md")
    items = by_line(scan_fixture("nodejs_tsc.md"))
    for needle in ("Recording", "Jane Doe @janedoe", "Project Calendar", "Jane Doe: the hosted runners"):
        assert line_of(text, needle) not in items, needle


def test_issue_per_section_minutes_skip_agenda_titles_and_settled_topics():
    text = fixture_text("nodejs_minutes.md")
    items = by_line(scan_fixture("nodejs_minutes.md"))
    for needle in ("Investigate moving the version switcher into the foundation", "[#96]", "Revise the membership",
                   "No new discussion in the issue", "will unlock a faster backend"):
        assert line_of(text, needle) not in items, needle


def test_nodejs_commitment_under_an_agenda_heading_is_found():
    item = found_at("nodejs_tsc.md", "Omar Haddad: I'll file an issue")
    assert item is not None and item["owner"] == "Omar Haddad"


def test_dampeners_and_title_use_the_sentence_that_holds_the_commitment():
    _, items = scan_json(["-"], input="Landed the parser. Sam will write the docs.\n")
    assert len(items) == 1
    assert items[0]["title"] == "Sam will write the docs"
    assert items[0]["owner"] == "Sam"


def test_each_sentence_is_weighed_with_its_own_dampers_and_vetoes():
    # The narration in the first sentence damps only that sentence; the commitment after it still counts.
    _, items = scan_json(["-"], input="Kim: I will go through the slides now. We will rename the flag to --fast.\n")
    assert [(i["title"], i["owner"]) for i in items] == [("We will rename the flag to --fast", "Kim")]
    # A question in the next sentence does not veto the commitment before it.
    _, items = scan_json(["-"], input="Kim: sketching it now. Will post the links to the sketches. Does that make sense?\n")
    assert [i["title"] for i in items] == ["Will post the links to the sketches"]


# --- thresholds ------------------------------------------------------------------------


WEAK_RULE = """
[[rule]]
id = "zebra-weak"
kind = "need"
weight = 0.3
description = "Test-only: a weak rule on the word zebra"
patterns = ['''\\bzebra\\b''']
[rule.examples]
match = ["feed the zebra"]
no_match = ["feed the horse"]
"""


def test_all_shows_weak_candidates_with_scores_and_min_confidence_filters(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "zebra.toml").write_text(WEAK_RULE)
    note = tmp_path / "note.md"
    note.write_text("# Zoo\n\nthe zebra enclosure looks tired\n\n- [ ] repaint the gate\n")

    default = run_track(["scan", "--rules", rules, note])
    assert default.exit_code == 0, default.stderr
    assert f"{note}:5  [action] Repaint the gate" in default.stdout
    assert f"{note}:3" not in default.stdout

    everything = run_track(["scan", "--all", "--rules", rules, note])
    assert f"{note}:3  0.30 [need] The zebra enclosure looks tired" in everything.stdout
    assert re.search(rf"{re.escape(str(note))}:5  0\.\d\d \[action\] Repaint the gate", everything.stdout)

    low = run_track(["scan", "--min-confidence", "0.3", "--rules", rules, note])
    assert f"{note}:3  [need] The zebra enclosure looks tired" in low.stdout
    high = run_track(["scan", "--min-confidence", "0.31", "--rules", rules, note])
    assert f"{note}:3" not in high.stdout and f"{note}:5" in high.stdout


def test_thresholds_select_by_confidence():
    def scan(*extra):
        result, items = scan_json([*extra, FIXTURES])
        assert result.exit_code == 0
        return {(i["path"], i["line"]): i["confidence"] for i in items}

    everything = scan("--all")
    assert any(score < 0.5 for score in everything.values())
    assert scan() == {key: score for key, score in everything.items() if score >= 0.5}
    assert scan("--min-confidence", "0.9") == {key: score for key, score in everything.items() if score >= 0.9}
    assert scan("--min-confidence", "0") == everything


def test_min_confidence_out_of_range_is_a_usage_error():
    result = run_track(["scan", "--min-confidence", "1.5", FIXTURES / "markers.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
