"""`track preview`: a real git repository with a base and a PR branch, against the fake GitHub."""

from __future__ import annotations

import json

import pytest

from syncenv import git, synced_repository, workspace
from test_sync import NOTE, NOTE_TEXT

ADDED = """
### Tooling

- Kim will set up the nightly fuzzing job on the new runners.
- Is anyone able to review the async proposal before the next call?
"""
SECOND_NOTE = "meetings/wasmtime/2024/wasmtime-03-21.md"
SECOND_TEXT = """\
# Wasmtime project call: March 21, 2024

## Action items

- [ ] Tom to rebase the component model PR
"""


@pytest.fixture
def repo(tmp_path):
    """Notes on main, synced; a branch `notes` that edits one follow-up and adds others."""
    with workspace(tmp_path) as ws:
        synced_repository(ws, {NOTE: NOTE_TEXT})
        git(ws, "checkout", "-q", "-b", "notes")
        ws.write(NOTE, NOTE_TEXT.replace("write up the RFC", "write up the draft RFC").replace(
            "### Component model", ADDED + "\n### Component model"))
        ws.write(SECOND_NOTE, SECOND_TEXT)
        git(ws, "add", "-A")
        git(ws, "commit", "-q", "-m", "notes of March 21")
        ws.pr = ws.fake.add_issue("Notes of March 21", "", pull_request=True)
        ws.fake.reset_counts()
        yield ws


def preview(ws, *args: str):
    return ws.run("preview", *args)


def event(ws, fork: bool = False) -> str:
    head_repo = "someone/notes" if fork else "acme/notes"
    data = {"number": ws.pr, "pull_request": {
        "number": ws.pr,
        "base": {"sha": git(ws, "rev-parse", "main"), "repo": {"full_name": "acme/notes"}},
        "head": {"sha": git(ws, "rev-parse", "notes"), "repo": {"full_name": head_repo}},
    }}
    path = ws.root.parent / f"event-{ws.fake.count()}.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_preview_lists_exactly_what_the_branch_adds_or_changes(repo):
    result = preview(repo, "--base", "main", "--head", "notes", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ops = sorted((a["op"], a["title"]) for a in data["plan"]["actions"])
    assert ops == [
        ("create", "Kim will set up the nightly fuzzing job on the new runners"),
        ("create", "Tom to rebase the component model PR"),
        ("update", "Tom will write up the draft RFC for resource handles and share it next week"),
    ]
    assert {d["title"] for d in data["added"] if d["filed"]} == {t for _, t in ops}
    assert data["plan"]["counts"]["unchanged"] == 3
    assert repo.fake.writes == 0


def test_preview_links_at_the_head_commit_and_shows_suggestions(repo):
    result = preview(repo, "--base", "main", "--head", "notes", "--pr", str(repo.pr))
    head = git(repo, "rev-parse", "notes")
    assert f"### track: what merging #{repo.pr} will file" in result.output
    assert "Merging will **create 2**, **update 1** issues in acme/notes" in result.output
    assert f"/blob/{head}/{NOTE}?plain=1#L" in result.output
    assert "`<!-- track: ignore -->`" in result.output
    assert "Is anyone able to review the async proposal before the next call" in result.output
    assert "`<!-- track: follow-up -->`" in result.output


def test_one_comment_created_then_edited_on_the_next_push(repo):
    summary = repo.root.parent / "summary.md"
    repo.env |= {"GITHUB_EVENT_PATH": event(repo), "GITHUB_STEP_SUMMARY": str(summary)}
    first = preview(repo, "--post")
    assert first.exit_code == 0 and "preview comment posted" in first.stderr
    assert len(repo.fake.comments[repo.pr]) == 1

    repo.write(SECOND_NOTE, SECOND_TEXT + "- [ ] Kim to write the release blog post\n")
    git(repo, "commit", "-q", "-am", "one more")
    repo.env["GITHUB_EVENT_PATH"] = event(repo)
    second = preview(repo, "--post")
    assert "preview comment updated" in second.stderr
    comments = repo.fake.comments[repo.pr]
    assert len(comments) == 1 and "Kim to write the release blog post" in comments[0]["body"]

    repo.fake.reset_counts()
    assert "preview comment unchanged" in preview(repo, "--post").stderr
    assert repo.fake.writes == 0
    assert summary.read_text().count("### track: what merging") == 3
    assert all(i["state"] == "open" for i in repo.fake.snapshot()) and len(repo.fake.issues) == 5


def test_a_fork_gets_the_job_summary_only_and_succeeds(repo):
    summary = repo.root.parent / "summary.md"
    repo.env |= {"GITHUB_EVENT_PATH": event(repo, fork=True), "GITHUB_STEP_SUMMARY": str(summary)}
    result = preview(repo, "--post")
    assert result.exit_code == 0 and "read-only token" in result.stderr
    assert repo.fake.writes == 0 and repo.fake.comments[repo.pr] == []
    assert "what merging" in summary.read_text()


def test_a_missing_base_says_how_to_fetch_it(repo):
    result = preview(repo, "--base", "0123456789abcdef0123456789abcdef01234567")
    assert result.exit_code == 2 and "fetch-depth: 0" in result.stderr


# --- the preview plans on the merge, as sync will see it -------------------------------------------


def test_a_base_that_moved_on_is_merged_in_not_taken_for_removals(repo):
    git(repo, "checkout", "-q", "main")
    repo.write(NOTE, NOTE_TEXT + "- [ ] Priya to write the migration guide for the new CLI\n")
    git(repo, "commit", "-qam", "main adds a follow-up to the same note")
    assert repo.sync("--yes", ref=git(repo, "rev-parse", "HEAD")).exit_code == 0
    git(repo, "checkout", "-q", "notes")
    data = json.loads(preview(repo, "--base", "main", "--head", "notes", "--format", "json").stdout)
    ops = {(a["op"], a["title"]) for a in data["plan"]["actions"]}
    assert not [op for op, title in ops if "migration guide" in title]  # kept by the merge: nothing to do
    assert {t for op, t in ops if op == "create"} == {"Kim will set up the nightly fuzzing job on the new runners",
                                                     "Tom to rebase the component model PR"}
    assert data["notices"] == []


def test_a_note_moved_out_of_the_notes_globs_shows_its_removals(tmp_path):
    with workspace(tmp_path, 'notes = ["meetings/**/*.md"]\n') as ws:
        synced_repository(ws, {NOTE: NOTE_TEXT})
        git(ws, "checkout", "-q", "-b", "archive")
        (ws.root / "archive").mkdir()
        git(ws, "mv", NOTE, "archive/wasmtime-03-14.md")
        git(ws, "commit", "-qm", "archive the note")
        data = json.loads(preview(ws, "--base", "main", "--head", "archive", "--format", "json").stdout)
        assert data["plan"]["counts"]["comment"] == 4


def test_what_the_preview_cannot_see_is_said(repo):
    repo.config('repo = "acme/notes"\nwrite_interval = 0\n[labels]\nseries_prefix = "mtg: "\n')
    (repo.root / SECOND_NOTE).write_bytes(SECOND_TEXT.replace("Tom", "Tomás").encode("latin-1"))
    git(repo, "commit", "-qam", "config and a latin-1 note")
    result = preview(repo, "--base", "main", "--head", "notes")
    assert "This pull request changes .github/track.toml" in result.stdout
    assert f"{SECOND_NOTE}: not valid UTF-8" in result.stdout and SECOND_NOTE in result.stderr
