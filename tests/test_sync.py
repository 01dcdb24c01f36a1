"""`track sync` end to end: the real CLI against a stateful fake of GitHub's issues API."""

from __future__ import annotations

import json
import re

import pytest

from syncenv import TOKEN, workspace
from tracker.render import read_mark

NOTE = "meetings/wasmtime/2024/wasmtime-03-14.md"
NOTE_TEXT = """\
# Wasmtime project call: March 14, 2024

## Attendees

- Dana Whitfield @dwhit
- Priya Raman
- Tom Okafor

## Notes

### Release process

- Dana: the release branch is cut; one more PR needed for arm64 support.
- Priya: there's currently an unexplained segfault in the fuzzer on macOS.
- We agreed to keep the old API for one more release.

### Component model

- Tom will write up the RFC for resource handles and share it next week.

## Action items

- [ ] Priya to bisect the segfault
- [x] Dana to publish the 19.0 release notes
"""
TITLES = {
    "One more PR needed for arm64 support",
    "There's currently an unexplained segfault in the fuzzer on macOS",
    "Tom will write up the RFC for resource handles and share it next week",
    "Priya to bisect the segfault",
}

OTHER_TEXT = """\
# Wasmtime project call: March 21, 2024

## Action items

- [ ] Tom to rebase the component model PR
"""


@pytest.fixture
def ws(tmp_path):
    with workspace(tmp_path, '[people]\n"Tom" = "alice"\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        yield ws


def synced(ws, *args):
    result = ws.sync("--yes", *args)
    assert result.exit_code == 0, result.output
    return result


def by_title(ws) -> dict[str, dict]:
    return {i["title"]: i for i in ws.fake.snapshot()}


# --- plan, then apply ---------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_writes_nothing(ws):
    result = ws.sync("--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("  create ") == 4
    assert "4 to create" in result.output and "9 writes (5 new labels)" in result.output
    assert ws.fake.writes == 0 and ws.fake.issues == {}


def test_json_plan_has_the_documented_fields(ws):
    plan = ws.plan()
    assert set(plan) == {"repo", "sha", "counts", "writes", "tracked", "new_labels", "actions", "refused"}
    assert plan["new_labels"] == ["follow-up", "kind: need", "meeting: wasmtime", "kind: problem", "kind: action"]
    assert plan["writes"] == 9
    assert plan["counts"] == {"create": 4, "update": 0, "comment": 0, "close": 0, "skip": 0, "unchanged": 0}
    action = plan["actions"][0]
    assert set(action) == {"op", "reason", "title", "id", "issue", "path", "line", "end_line", "changes",
                           "labels", "assignees"}
    assert action["op"] == "create" and action["path"] == NOTE and action["line"] == 13
    assert {a["title"] for a in plan["actions"]} == TITLES


def test_first_sync_files_one_labelled_issue_per_follow_up(ws):
    result = synced(ws)
    assert "Done: 4 created" in result.output
    issues = by_title(ws)
    assert set(issues) == TITLES
    need = issues["One more PR needed for arm64 support"]
    assert need["labels"] == ["follow-up", "kind: need", "meeting: wasmtime"]
    assert need["state"] == "open" and need["user"] == "track-bot"
    assert ws.fake.labels["follow-up"]["color"] == "0e8a16"
    assert ws.fake.labels["kind: action"]["description"]


def test_body_quotes_the_lines_and_links_them_at_the_commit(ws):
    synced(ws)
    body = by_title(ws)["One more PR needed for arm64 support"]["body"]
    assert "> - Dana: the release branch is cut; one more PR needed for arm64 support." in body
    link = f"https://github.com/acme/notes/blob/{ws.ref}/{NOTE}?plain=1#L13-L13"
    assert link in body
    assert "Wasmtime project call: March 14, 2024 (2024-03-14)" in body
    assert "*Notes › Release process*" in body
    assert "**Need**" in body and "**Owner:** Dana" in body
    mark = read_mark(body)
    assert mark is not None and mark.path == NOTE and len(mark.id) == 16


def test_owner_in_the_people_map_is_assigned(ws):
    synced(ws)
    issue = by_title(ws)["Tom will write up the RFC for resource handles and share it next week"]
    assert issue["assignees"] == ["alice"]
    assert "@alice" in issue["body"]


def test_a_login_the_repo_cannot_assign_is_dropped_with_a_warning(tmp_path):
    with workspace(tmp_path, '[people]\n"Tom" = "mallory"\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        result = synced(ws)
        assert "@mallory cannot be assigned" in result.stderr
        issue = by_title(ws)["Tom will write up the RFC for resource handles and share it next week"]
        assert issue["assignees"] == [] and "@mallory" not in issue["body"]
        assert _writes_after(ws) == 0


def _writes_after(ws) -> int:
    ws.fake.reset_counts()
    assert ws.sync("--yes").exit_code == 0
    return ws.fake.writes


def test_the_second_run_writes_nothing(ws):
    synced(ws)
    ws.fake.reset_counts()
    result = synced(ws)
    assert ws.fake.writes == 0
    assert "4 unchanged: 0 writes" in result.output
    assert ws.fake.count("GET") == 1  # one page of tracked issues, nothing else


def test_lines_inserted_above_change_nothing(ws):
    synced(ws)
    ws.write(NOTE, NOTE_TEXT.replace("## Attendees", "Recording: none this week.\n\nChair: Dana\n\n## Attendees"))
    assert _writes_after(ws) == 0


def test_an_edited_follow_up_updates_its_issue_in_place(ws):
    synced(ws)
    numbers = {i["title"]: i["number"] for i in ws.fake.snapshot()}
    ws.write(NOTE, NOTE_TEXT.replace("write up the RFC", "write up the draft RFC"))
    plan = ws.plan()
    assert plan["counts"]["create"] == 0 and plan["counts"]["update"] == 1
    assert plan["actions"][0]["reason"] == "the follow-up's text was edited in the notes"
    synced(ws)
    issues = by_title(ws)
    assert len(issues) == 4
    edited = issues["Tom will write up the draft RFC for resource handles and share it next week"]
    assert edited["number"] == numbers["Tom will write up the RFC for resource handles and share it next week"]
    assert "write up the draft RFC" in edited["body"]
    assert _writes_after(ws) == 0


def test_a_renamed_note_keeps_its_issues(ws):
    synced(ws)
    before = {i["number"] for i in ws.fake.snapshot()}
    (ws.root / NOTE).rename(ws.root / "meetings/wasmtime/2024/2024-03-14-wasmtime.md")
    synced(ws)
    issues = ws.fake.snapshot()
    assert {i["number"] for i in issues} == before
    assert all("2024-03-14-wasmtime.md" in i["body"] for i in issues)
    assert all(i["comments"] == [] for i in issues)
    assert _writes_after(ws) == 0


def test_a_removed_follow_up_gets_one_comment_and_stays_open(ws):
    synced(ws)
    ws.write(NOTE, NOTE_TEXT.replace("- [ ] Priya to bisect the segfault\n", ""))
    result = synced(ws)
    assert "Done: 0 created, 0 updated, 1 commented on" in result.output
    issue = by_title(ws)["Priya to bisect the segfault"]
    assert issue["state"] == "open"
    assert len(issue["comments"]) == 1 and "no longer in the meeting notes" in issue["comments"][0]
    assert f"/blob/{ws.ref}/{NOTE}?plain=1" in issue["comments"][0]
    assert "No longer in the notes" in issue["body"]
    assert _writes_after(ws) == 0


def test_a_follow_up_that_comes_back_is_updated_not_refiled(ws):
    synced(ws)
    ws.write(NOTE, NOTE_TEXT.replace("- [ ] Priya to bisect the segfault\n", ""))
    synced(ws)
    ws.write(NOTE, NOTE_TEXT)
    plan = ws.plan()
    assert [a["op"] for a in plan["actions"]] == ["update"] and plan["actions"][0]["reason"] == "back in the notes"
    synced(ws)
    assert "No longer in the notes" not in by_title(ws)["Priya to bisect the segfault"]["body"]


@pytest.mark.parametrize("setting, state, comments", [("close", "closed", 1), ("ignore", "open", 0)])
def test_on_removed_close_or_ignore(tmp_path, setting, state, comments):
    with workspace(tmp_path, f'on_removed = "{setting}"\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        ws.write(NOTE, NOTE_TEXT.replace("- [ ] Priya to bisect the segfault\n", ""))
        synced(ws)
        issue = by_title(ws)["Priya to bisect the segfault"]
        assert issue["state"] == state and len(issue["comments"]) == comments
        assert _writes_after(ws) == 0


def test_paths_limit_the_sync_to_those_notes(ws):
    other = "meetings/wasmtime/2024/wasmtime-03-21.md"
    ws.write(other, OTHER_TEXT)
    synced(ws)
    ws.write(NOTE, NOTE_TEXT.replace("- [ ] Priya to bisect the segfault\n", ""))
    plan = ws.plan(other)
    assert plan["actions"] == [] and plan["counts"]["unchanged"] == 1


# --- a person's edits win ---------------------------------------------------------------------


def _edit(ws, title: str, **fields) -> int:
    number = by_title(ws)[title]["number"]
    ws.fake.issues[number].update(fields)
    return number


def test_a_person_s_title_text_labels_and_assignees_survive_an_update(ws):
    synced(ws)
    title = "Tom will write up the RFC for resource handles and share it next week"
    number = by_title(ws)[title]["number"]
    record = ws.fake.issues[number]
    record["title"] = "RFC: resource handles"
    record["body"] = record["body"] + "\n\nTriage: wait for the design review."
    ws.fake.labels["good first issue"] = {"id": 9999, "name": "good first issue", "color": "7057ff",
                                          "description": None}
    record["labels"] = [l for l in record["labels"] if l != "kind: action"] + ["good first issue"]
    record["assignees"] = ["bob"]
    ws.write(NOTE, NOTE_TEXT.replace("share it next week", "share it by Friday"))
    synced(ws)
    after = ws.fake.snapshot()[number - 1]
    assert after["title"] == "RFC: resource handles"
    assert after["body"].endswith("Triage: wait for the design review.")
    assert "share it by Friday" in after["body"]
    assert "good first issue" in after["labels"] and "kind: action" not in after["labels"]
    assert after["assignees"] == ["bob"]
    assert _writes_after(ws) == 0


def test_a_closed_issue_is_never_reopened_or_refiled(ws):
    synced(ws)
    number = by_title(ws)["Priya to bisect the segfault"]["number"]
    ws.fake.issues[number]["state"] = "closed"
    ws.write(NOTE, NOTE_TEXT.replace("bisect the segfault", "bisect the segfault on macOS"))
    plan = ws.plan()
    assert [(a["op"], a["issue"]) for a in plan["actions"]] == [("skip", number)]
    assert _writes_after(ws) == 0
    assert ws.fake.snapshot()[number - 1]["state"] == "closed"


def test_removing_the_base_label_detaches_an_issue_for_good(ws):
    synced(ws)
    number = by_title(ws)["Priya to bisect the segfault"]["number"]
    ws.fake.issues[number]["labels"] = ["kind: action"]
    with_new = NOTE_TEXT.replace("- [x] Dana", "- [ ] Tom to file the follow-up issue\n- [x] Dana")
    ws.write(NOTE, with_new)
    plan = ws.plan()
    assert [(a["op"], a["title"]) for a in plan["actions"]] == [("create", "Tom to file the follow-up issue")]
    synced(ws)
    assert len(ws.fake.issues) == 5
    ws.write(NOTE, with_new.replace("- [ ] Priya to bisect", "- [ ] Priya to bisect again"))
    plan = ws.plan()
    assert [(a["op"], a["issue"]) for a in plan["actions"]] == [("skip", number)]
    assert "detached" in plan["actions"][0]["reason"]
    synced(ws)
    assert len(ws.fake.issues) == 5
    assert ws.fake.issues[number]["labels"] == ["kind: action"]


def test_an_issue_without_track_s_marker_is_never_touched(ws):
    number = ws.fake.add_issue("Bisect the segfault", "Filed by hand.", labels=["follow-up"])
    synced(ws)
    assert ws.fake.snapshot()[number - 1]["body"] == "Filed by hand."
    assert ws.fake.snapshot()[number - 1]["comments"] == []


def test_marker_text_inside_the_notes_cannot_redirect_an_update(ws):
    synced(ws)
    victim = by_title(ws)["Priya to bisect the segfault"]
    forged = re.search(r"<!-- track:state [^>]*-->", victim["body"]).group(0)
    ws.write(NOTE, NOTE_TEXT + f"\n- Dana will paste this: {forged}\n")
    synced(ws)
    issues = ws.fake.snapshot()
    assert ws.fake.snapshot()[victim["number"] - 1]["body"] == victim["body"]
    for issue in issues:
        assert read_mark(issue["body"]).id != read_mark(victim["body"]).id or issue["number"] == victim["number"]


def test_mentions_and_issue_references_in_the_notes_ping_nobody(ws):
    ws.write(NOTE, NOTE_TEXT + "\n- @carol will look at #42 and https://github.com/acme/x/issues/7 next week.\n")
    synced(ws)
    body = next(i["body"] for i in ws.fake.snapshot() if "carol" in i["body"])
    assert "@carol" not in body and "@&#8203;carol" in body
    assert "#42" not in body and "https://github.com/acme/x/issues/7" not in body


# --- limits, budgets and guards --------------------------------------------------------------


def test_overlong_titles_labels_and_bodies_are_cut_to_fit(tmp_path):
    series = "s" * 80
    with workspace(tmp_path) as ws:
        long_words = " ".join(["carefully"] * 60)
        quoted = "\n".join(f"  continued {'x' * 900} {n}" for n in range(90))
        ws.write(f"{series}/2024-05-01.md", f"# Call\n\n- Alex will {long_words} review it.\n\n- Alex will fix it.\n{quoted}\n")
        synced(ws)
        issues = ws.fake.snapshot()
        assert issues and all(len(i["title"]) <= 256 for i in issues)
        assert all(len(label) <= 50 for i in issues for label in i["labels"])
        assert all(len(i["body"]) <= 65_536 for i in issues)
        assert _writes_after(ws) == 0


def test_max_writes_stops_cleanly_and_the_next_run_continues(tmp_path):
    with workspace(tmp_path, "max_writes = 6\n") as ws:
        ws.write(NOTE, NOTE_TEXT)
        result = ws.sync("--yes", "--backfill")
        assert result.exit_code == 1
        assert "max_writes (6) reached" in result.output and "left for the next run" in result.output
        assert ws.fake.writes == 6
        assert ws.sync("--yes").exit_code == 0
        assert {i["title"] for i in ws.fake.snapshot()} == TITLES
        assert _writes_after(ws) == 0


def test_the_first_sync_refuses_to_flood_the_tracker(tmp_path):
    with workspace(tmp_path, "max_writes = 3\n") as ws:
        ws.write(NOTE, NOTE_TEXT)
        result = ws.sync("--yes")
        assert result.exit_code == 1
        assert "would create 4 issues, more than max_writes (3)" in result.stderr
        assert "set `start`" in result.stderr and "--backfill" in result.stderr
        assert ws.fake.writes == 0


def test_start_leaves_older_meetings_unfiled(tmp_path):
    with workspace(tmp_path, "start = 2024-03-15\n") as ws:
        ws.write(NOTE, NOTE_TEXT)
        ws.write("meetings/wasmtime/2024/wasmtime-03-21.md", OTHER_TEXT)
        plan = ws.plan()
        assert plan["counts"]["create"] == 1 and plan["counts"]["skip"] == 4
        assert "before start (2024-03-15)" in plan["actions"][0]["reason"]


def test_write_interval_spaces_the_writes(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        assert ws.sync("--yes", "--write-interval", "2.5").exit_code == 0
        assert ws.clock.slept and all(s == pytest.approx(2.5) for s in ws.clock.slept)
        assert len(ws.clock.slept) == ws.fake.writes - 1


# --- configuration, credentials and endpoints -----------------------------------------------------


@pytest.mark.parametrize("config, message", [
    ("colour = 1\n", ".github/track.toml: colour: unknown key"),
    ("max_writes = 'ten'\n", ".github/track.toml: max_writes: expected an integer"),
    ("[labels\n", ".github/track.toml: invalid TOML"),
    ("on_removed = 'delete'\n", "on_removed: expected one of 'comment', 'close', 'ignore', got 'delete'"),
])
def test_a_bad_config_is_one_line_and_exit_2(tmp_path, config, message):
    with workspace(tmp_path, config) as ws:
        result = ws.sync("--dry-run")
        assert result.exit_code == 2
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert ws.fake.requests == []


def test_config_in_pyproject_and_config_check(tmp_path):
    with workspace(tmp_path) as ws:
        (ws.root / ".github/track.toml").unlink()
        ws.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.track]\nrepo = "acme/notes"\nmax_writes = 7\n')
        ws.write(NOTE, NOTE_TEXT)
        result = ws.sync("--dry-run", "--verbose")
        assert result.exit_code == 0 and "pyproject.toml" in result.stderr and "max_writes: 7" in result.stderr
        check = ws.run("config", "check")
        assert check.exit_code == 0 and "max_writes      7" in check.output and "1 note selected" in check.output


def test_no_token_is_a_usage_error(tmp_path):
    with workspace(tmp_path) as ws:
        ws.env["GITHUB_TOKEN"] = None
        ws.write(NOTE, NOTE_TEXT)
        result = ws.sync("--dry-run")
        assert result.exit_code == 2 and "set GITHUB_TOKEN (or GH_TOKEN)" in result.stderr


def test_the_token_never_appears_in_output(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        outputs = [ws.sync("--yes", "--verbose").output]
        ws.fake.faults = lambda method, path, index: "502"
        outputs.append(ws.sync("--yes", "--verbose").output)
        outputs.append(json.dumps(ws.fake.requests))
        assert all(TOKEN not in text for text in outputs)
        assert "gave up after 6 tries" in outputs[1]


def test_github_enterprise_endpoints(tmp_path):
    with workspace(tmp_path, api_url="https://ghe.example.com/api/v3") as ws:
        ws.env |= {"GITHUB_API_URL": "https://ghe.example.com/api/v3", "GITHUB_SERVER_URL": "https://ghe.example.com"}
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        body = ws.fake.snapshot()[0]["body"]
        assert f"https://ghe.example.com/acme/notes/blob/{ws.ref}/" in body


def actions_file(ws, variable: str, name: str):
    """Point the Actions environment file ``variable`` at a fresh file, as a runner does."""
    path = ws.root / name
    ws.env[variable] = str(path)
    return path


def test_step_summary_is_written_in_actions(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        summary = actions_file(ws, "GITHUB_STEP_SUMMARY", "summary.md")
        synced(ws)
        text = summary.read_text()
        assert text.startswith("## track sync: acme/notes") and "| created | [#1](https://github.com/acme/notes/issues/1)" in text


def test_labels_that_exist_in_another_case_are_reused_not_fought_over(ws):
    ws.fake.add_issue("Unrelated", "Filed by hand.", labels=["Follow-Up", "Kind: Need"])
    synced(ws)
    issue = by_title(ws)["One more PR needed for arm64 support"]
    assert {l.casefold() for l in issue["labels"]} == {"follow-up", "kind: need", "meeting: wasmtime"}
    assert "follow-up" not in ws.fake.labels  # the existing "Follow-Up" was used
    assert _writes_after(ws) == 0


# --- more of the contract -------------------------------------------------------------------------


def test_an_attendee_list_login_is_used_for_the_owner(tmp_path):
    with workspace(tmp_path, assignable=("dwhit",)) as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        issue = by_title(ws)["One more PR needed for arm64 support"]
        assert issue["assignees"] == ["dwhit"] and "**Owner:** Dana (@dwhit)" in issue["body"]


def test_notes_repo_is_used_for_the_links(tmp_path):
    with workspace(tmp_path, 'notes_repo = "acme/meeting-notes"\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        assert f"https://github.com/acme/meeting-notes/blob/{ws.ref}/{NOTE}" in ws.fake.snapshot()[0]["body"]


def test_pull_requests_in_the_listing_are_ignored(ws):
    synced(ws)
    body = ws.fake.snapshot()[0]["body"]
    ws.fake.add_issue("A pull request quoting an issue", body, labels=["follow-up"], pull_request=True)
    # Were the pull request taken for an issue, it would show as a second issue with the same marker.
    assert ws.plan()["actions"] == [] and ws.plan()["tracked"] == 4
    ws.write(NOTE, NOTE_TEXT.replace("- Dana: the release branch is cut; one more PR needed for arm64 support.\n", ""))
    assert [a["issue"] for a in ws.plan()["actions"]] == [1]  # the issue, never the pull request


def test_on_a_terminal_it_asks_before_writing(ws, monkeypatch):
    monkeypatch.setattr("tracker.cli_sync._interactive", lambda: True)
    refused = ws.run("sync", "--ref", ws.ref, input="n\n")
    assert refused.exit_code == 1 and "Apply 9 writes to acme/notes?" in refused.output
    assert ws.fake.writes == 0
    accepted = ws.run("sync", "--ref", ws.ref, input="y\n")
    assert accepted.exit_code == 0 and len(ws.fake.issues) == 4


def test_a_lost_create_response_is_found_by_its_marker_not_filed_again(ws):
    state = {"lost": 0}

    def lose_first_create(method, path, index):
        if method == "POST" and path.endswith("/issues") and not state["lost"]:
            state["lost"] = 1
            return "lost"
        return None

    ws.fake.faults = lose_first_create
    result = synced(ws)
    assert "Done: 4 created" in result.output
    assert len(ws.fake.issues) == 4 and state["lost"] == 1


def test_retry_after_and_rate_limit_reset_are_honoured(ws):
    kinds = iter(["secondary", "429", "ratelimit"])
    ws.fake.faults = lambda method, path, index: next(kinds, None)
    synced(ws)
    # Retry-After of the secondary limit, then of the 429, then until X-RateLimit-Reset (30 s on)
    assert ws.clock.slept[:3] == [7.0, 3.0, pytest.approx(30.0, abs=1)]
    assert len(ws.fake.issues) == 4


def test_waiting_longer_than_the_cap_gives_up_with_one_line(ws, monkeypatch):
    monkeypatch.setattr("tracker.github.MAX_WAIT", 5.0)
    ws.fake.faults = lambda method, path, index: "secondary"
    result = ws.sync("--yes")
    assert result.exit_code == 1
    assert "rate limited (403); waiting 7 s more would pass the 5 s cap" in result.stderr
    assert ws.fake.writes == 0


def test_exhausted_retries_exit_1_and_the_next_run_converges(ws):
    failing = {"on": True}
    ws.fake.faults = lambda method, path, index: "503" if failing["on"] and method == "POST" else None
    result = ws.sync("--yes")
    assert result.exit_code == 1 and "gave up after 6 tries" in result.output
    failing["on"] = False
    synced(ws)
    assert {i["title"] for i in ws.fake.snapshot()} == TITLES


def test_github_app_installation_credentials(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    (tmp_path / "app.pem").write_bytes(pem)
    with workspace(tmp_path / "repo") as ws:
        ws.write(NOTE, NOTE_TEXT)
        ws.env |= {"GITHUB_TOKEN": None, "TRACK_APP_ID": "1234", "TRACK_APP_PRIVATE_KEY_FILE": str(tmp_path / "app.pem"),
                   "TRACK_APP_INSTALLATION_ID": "42"}
        ws.rsps.add("POST", re.compile(r"https://api\.github\.com(:443)?/app/installations/42/access_tokens"),
                    json={"token": "ghs_installationtoken", "expires_at": "2099-01-01T00:00:00Z"}, status=201)
        result = synced(ws)
        assert "Done: 4 created" in result.output and "ghs_installationtoken" not in result.output
        issue_calls = [c for c in ws.rsps.calls if "/repos/acme/notes/issues" in c.request.url]
        assert issue_calls and all(c.request.headers["Authorization"] == "token ghs_installationtoken"
                                   for c in issue_calls)


def test_a_note_that_cannot_be_read_keeps_its_issues_and_fails_the_run(ws):
    synced(ws)
    (ws.root / NOTE).write_bytes(b"\x00\x01binary\xff" * 20)
    ws.fake.reset_counts()
    result = ws.sync("--yes")
    assert result.exit_code == 1 and NOTE in result.stderr
    assert ws.fake.writes == 0


def test_with_start_set_an_undated_meeting_is_not_filed(tmp_path):
    with workspace(tmp_path, "start = 2024-01-01\n") as ws:
        ws.write("meetings/misc/planning.md", "# Planning\n\n## Action items\n\n- [ ] Tom to rebase the component model PR\n")
        plan = ws.plan()
        assert [a["op"] for a in plan["actions"]] == ["skip"]
        assert "date unknown" in plan["actions"][0]["reason"]


def test_step_outputs_for_the_action(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        outputs = actions_file(ws, "GITHUB_OUTPUT", "outputs.txt")
        synced(ws)
        assert outputs.read_text() == "created=4\nupdated=0\ncommented=0\nclosed=0\nskipped=0\n"
        outputs.write_text("")
        actions_file(ws, "GITHUB_STEP_SUMMARY", "summary.md")
        synced(ws)
        assert outputs.read_text() == "created=0\nupdated=0\ncommented=0\nclosed=0\nskipped=0\n"
        assert "The issues already match the notes: nothing was written." in (tmp_path / "summary.md").read_text()
