"""Edge cases found in review: each once filed a duplicate, lost state, wrote too much, or crashed."""

from __future__ import annotations

import json

import pytest

from syncenv import TOKEN, git, synced_repository, workspace
from test_sync import NOTE, NOTE_TEXT, TITLES, by_title, synced


def writes_after(ws) -> int:
    ws.fake.reset_counts()
    assert ws.sync("--yes").exit_code == 0
    return ws.fake.writes


def test_a_body_edited_in_the_web_ui_with_crlf_is_still_track_s(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        record = ws.fake.issues[1]
        record["body"] = (record["body"] + "\n\nBlocked on the CI migration.").replace("\n", "\r\n")
        assert writes_after(ws) == 0 and len(ws.fake.issues) == 4


def test_a_renamed_note_with_an_edited_follow_up_keeps_its_issues(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        (ws.root / NOTE).unlink()
        ws.write("meetings/wasmtime/2024/2024-03-14-wasmtime.md",
                 NOTE_TEXT.replace("bisect the segfault", "bisect the segfault on macOS"))
        plan = ws.plan()
        assert plan["counts"]["create"] == 0 and plan["counts"]["comment"] == 0
        assert plan["counts"]["update"] == 4


def test_a_note_that_is_not_utf8_leaves_its_issues_alone(tmp_path):
    with workspace(tmp_path) as ws:
        text = NOTE_TEXT.replace("Priya to bisect", "José to bisect")
        ws.write(NOTE, text)
        synced(ws)
        (ws.root / NOTE).write_bytes(text.encode("latin-1"))
        ws.fake.reset_counts()
        result = ws.sync("--yes")
        assert result.exit_code == 1 and "not valid UTF-8" in result.stderr
        assert ws.fake.writes == 0


def test_each_removal_gets_its_own_comment(tmp_path):
    with workspace(tmp_path, 'on_removed = "close"\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        gone = NOTE_TEXT.replace("- [ ] Priya to bisect the segfault\n", "")
        ws.write(NOTE, gone)
        assert ws.sync("--yes", ref="a" * 40).exit_code == 0
        number = by_title(ws)["Priya to bisect the segfault"]["number"]
        ws.fake.issues[number].update(state="open", state_reason="reopened", closed_at=None)  # a person reopens it
        ws.write(NOTE, NOTE_TEXT)
        assert ws.sync("--yes", ref="b" * 40).exit_code == 0
        ws.write(NOTE, gone)
        assert ws.sync("--yes", ref="c" * 40).exit_code == 0
        issue = by_title(ws)["Priya to bisect the segfault"]
        assert issue["state"] == "closed" and len(issue["comments"]) == 2


def test_note_paths_with_spaces_and_hashes_are_encoded_in_links(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write("meetings/team/Weekly sync #12 2024-03-14.md", NOTE_TEXT)
        synced(ws)
        body = ws.fake.snapshot()[0]["body"]
        assert "/meetings/team/Weekly%20sync%20%2312%202024-03-14.md?plain=1#L" in body


def test_a_huge_follow_up_is_cut_to_fit_not_rejected(tmp_path):
    with workspace(tmp_path) as ws:
        words = " ".join(f"word{i}" for i in range(9000))
        ws.write(NOTE, NOTE_TEXT + f"\n- [ ] Tom to review {words}\n")
        synced(ws)
        assert all(len(i["body"]) <= 65_536 for i in ws.fake.snapshot())
        assert writes_after(ws) == 0


def test_logins_in_another_case_are_the_same_person(tmp_path):
    with workspace(tmp_path, '[people]\n"Tom" = "Alice"\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        ws.write(NOTE, NOTE_TEXT.replace("share it next week", "share it on Friday"))
        synced(ws)
        issue = by_title(ws)["Tom will write up the RFC for resource handles and share it on Friday"]
        assert [a.casefold() for a in issue["assignees"]] == ["alice"] and "(@Alice)" in issue["body"]


# --- guards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [(), ("--allow-removals",)])  # not even --allow-removals lifts this one
def test_notes_globs_that_select_nothing_remove_nothing(tmp_path, flags):
    with workspace(tmp_path, 'on_removed = "close"\nnotes = ["meetings/**/*.md"]\n') as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        ws.config('repo = "acme/notes"\nwrite_interval = 0\non_removed = "close"\nnotes = ["meeting/**/*.md"]\n')
        ws.fake.reset_counts()
        result = ws.sync("--yes", *flags)
        assert result.exit_code == 1 and "select no note at all" in result.stderr
        assert ws.fake.writes == 0 and all(i["state"] == "open" for i in ws.fake.snapshot())


def test_most_follow_ups_gone_at_once_needs_allow_removals(tmp_path):
    with workspace(tmp_path) as ws:
        items = "\n".join(f"- [ ] Tom to update the parser for case {n}" for n in range(12))
        ws.write("meetings/parser/2025/parser-03-01.md", f"# Parser call, March 1, 2025\n\n## Action items\n{items}\n")
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        (ws.root / "meetings/parser/2025/parser-03-01.md").unlink()
        ws.fake.reset_counts()
        refused = ws.sync("--yes")
        assert refused.exit_code == 1 and "12 of 16 tracked follow-ups would count as removed" in refused.stderr
        assert "--allow-removals" in refused.stderr
        assert ws.fake.writes == 0
        allowed = ws.sync("--yes", "--allow-removals")
        assert allowed.exit_code == 0 and "12 commented on" in allowed.output


# --- one-line errors, never a traceback or the token -------------------------------------------------


def test_a_malformed_pyproject_is_a_config_error(tmp_path):
    with workspace(tmp_path) as ws:
        (ws.root / ".github/track.toml").unlink()
        ws.write("pyproject.toml", "[tool.track\nrepo = 'acme/notes'\n")
        for command in (["config", "check"], ["sync", "--dry-run"], ["digest"]):
            result = ws.run(*command)
            assert result.exit_code == 2 and "pyproject.toml: invalid TOML" in result.stderr


def test_a_token_with_a_line_break_is_refused_without_echoing_it(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        ws.env["GITHUB_TOKEN"] = TOKEN + "\nsecond-line"
        result = ws.sync("--dry-run")
        assert result.exit_code == 2 and "line break" in result.stderr
        assert TOKEN not in result.output and ws.fake.requests == []


def test_an_invalid_app_private_key_is_a_usage_error(tmp_path):
    with workspace(tmp_path / "repo") as ws:
        ws.write(NOTE, NOTE_TEXT)
        key = tmp_path / "key.pem"
        key.write_text("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n")
        ws.env |= {"GITHUB_TOKEN": None, "TRACK_APP_ID": "1", "TRACK_APP_PRIVATE_KEY_FILE": str(key),
                   "TRACK_APP_INSTALLATION_ID": "42"}
        result = ws.sync("--dry-run")
        assert result.exit_code == 2 and "is not a PEM private key of the App" in result.stderr


def test_a_response_cut_off_mid_body_is_retried(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        ws.fake.faults = lambda method, path, index: "cut" if index == 0 else None
        synced(ws)
        assert {i["title"] for i in ws.fake.snapshot()} == TITLES


# --- preview and digest ---------------------------------------------------------------------------------


def test_the_preview_of_a_pr_that_deletes_a_note_shows_the_comments_sync_will_make(tmp_path):
    with workspace(tmp_path) as ws:
        synced_repository(ws, {NOTE: NOTE_TEXT})
        git(ws, "checkout", "-q", "-b", "cleanup")
        git(ws, "rm", "-q", NOTE)
        git(ws, "commit", "-q", "-m", "drop the note")
        preview = json.loads(ws.run("preview", "--base", "main", "--head", "cleanup", "--format", "json").stdout)
        assert preview["plan"]["counts"]["comment"] == ws.plan("--allow-removals")["counts"]["comment"] == 4
        assert "would count as removed" in preview["warning"]


def test_the_weekly_digest_comment_survives_a_failed_first_run_of_the_week(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT)
        synced(ws)
        assert ws.run("digest", "--post", "--as-of", "2026-03-04", "--no-notes").exit_code == 0
        number = next(n for n, i in ws.fake.issues.items() if "digest" in i["labels"])
        ws.fake.faults = lambda method, path, index: "502" if method == "POST" and path.endswith("/comments") else None
        assert ws.run("digest", "--post", "--as-of", "2026-03-11", "--no-notes").exit_code == 1
        ws.fake.faults = None
        assert ws.run("digest", "--post", "--as-of", "2026-03-11", "--no-notes").exit_code == 0
        assert [c["body"][:12] for c in ws.fake.comments[number]] == ["**2026-W11**"]


def test_github_links_in_digest_titles_do_not_back_link(tmp_path):
    with workspace(tmp_path) as ws:
        ws.write(NOTE, NOTE_TEXT + "- [ ] Tom to follow up on https://github.com/acme/other/issues/7\n")
        synced(ws)
        text = ws.run("digest", "--no-notes").stdout
        assert "https://github.com/acme/other/issues/7" not in text and "www.github.com/acme/other" in text



def test_a_lone_carriage_return_does_not_shift_the_quoted_lines(tmp_path):
    with workspace(tmp_path) as ws:
        # GitHub numbers lines at "\n" only: a stray "\r" above must not move the quote off its line.
        ws.write(NOTE, NOTE_TEXT.replace("- Tom Okafor", "- Tom\rOkafor"))
        synced(ws)
        body = by_title(ws)["Tom will write up the RFC for resource handles and share it next week"]["body"]
        assert "> - Tom will write up the RFC for resource handles" in body
