"""`track digest`: golden markdown for a fixture of tracked issues, and the rolling digest issue."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from syncenv import workspace
from tracker.digest import bar
from tracker.render import Content, Mark, Source, managed_body

GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-03-04"  # a Wednesday
NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.timezone.utc)

# title, series, meeting date, owner in the notes, assignee, filed (days ago), closed (days ago), last activity (days ago)
FIXTURE = [
    ("Write up the RFC for resource handles", "wasmtime", "2026-01-08", "Tom", "alice", 55, None, 50),
    ("Bisect the segfault in the fuzzer on macOS", "wasmtime", "2026-01-22", "Priya", "bob", 41, None, 2),
    ("One more PR needed for arm64 support", "wasmtime", "2026-02-05", "Dana", None, 27, None, 27),
    ("Publish the 19.0 release notes", "wasmtime", "2026-02-05", "Dana", None, 27, 20, 20),
    ("Decide whether to keep 32-bit builds", "cranelift", "2026-02-11", None, None, 21, None, 21),
    ("Port the register allocator checker to the new IR", "cranelift", "2026-02-25", "Chris", "alice", 6, None, 6),
    ("There's an unexplained hang in the async test suite", "cranelift", "2026-02-25", None, None, 6, 1, 1),
    ("Ping @carol about #12 before the next call", "wasmtime", "2026-03-03", "Tom", None, 1, None, 1),
]


def seed(fake) -> None:
    for n, (title, series, date, owner, assignee, filed, closed, touched) in enumerate(FIXTURE):
        path = f"meetings/{series}/2026/{series}-{date[5:]}.md"
        content = Content(title, "action", owner, None, ("follow-up", "kind: action", f"meeting: {series}"))
        source = Source(path, 10 + n, 10 + n, f"{series.capitalize()} call", date, ("Action items",), (f"- {title}",))
        mark = Mark(f"{n:016x}", path, title.lower(), content.fingerprint(source), title, content.labels, (),
                    kind="action", owner=owner, meeting=source.meeting_title, date=date)
        body = managed_body(content, source, f"https://github.com/acme/notes/blob/abc/{path}?plain=1#L1-L1", mark)
        number = fake.add_issue(title, body, labels=list(content.labels), assignees=[assignee] if assignee else [])
        record = fake.issues[number]
        record["created_at"] = NOW - dt.timedelta(days=filed)
        record["updated_at"] = NOW - dt.timedelta(days=touched)
        if closed is not None:
            record.update(state="closed", state_reason="completed", closed_at=NOW - dt.timedelta(days=closed))
    fake.add_issue("Unrelated bug report", "No marker here.", labels=["bug"])


def digest(ws, *args: str):
    return ws.run("digest", *args)


@pytest.fixture
def ws(tmp_path):
    with workspace(tmp_path) as ws:
        ws.fake.now = NOW
        seed(ws.fake)
        ws.fake.reset_counts()
        yield ws


def test_markdown_matches_the_golden_file(ws):
    result = digest(ws, "--as-of", AS_OF, "--no-notes")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / "digest.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text()
    assert ws.fake.writes == 0


def test_the_digest_groups_by_owner_with_unassigned_last_and_neutralises_text(ws):
    text = digest(ws, "--as-of", AS_OF, "--no-notes").stdout
    owners = [line for line in text.splitlines() if line.startswith("### ")]
    # most open first, then by name; unassigned always last
    assert owners == ["### @alice (2)", "### @bob (1)", "### Dana (1)", "### Tom (1)", "### Unassigned (1)"]
    assert "@&#8203;carol" in text and "#&#8203;12" in text
    assert "https://www.github.com/acme/notes/issues/1" in text  # no back-links from the digest
    assert "https://github.com/acme/notes/issues/" not in text


def test_json_format(ws):
    data = json.loads(digest(ws, "--as-of", AS_OF, "--no-notes", "--format", "json").stdout)
    # "this week" is the ISO week: since Monday 2026-03-02
    assert data["as_of"] == AS_OF and data["since"] == "2026-03-02" and data["week"] == "2026-W10"
    assert [i["issue"] for i in data["new"]] == [8]
    assert [i["issue"] for i in data["closed"]] == [7]
    assert [i["issue"] for i in data["stale"]] == [1]
    assert data["by_owner"]["Unassigned"] == [5]
    assert [w["start"] for w in data["trend"]][-2:] == ["2026-02-23", "2026-03-02"]
    assert [w["open"] for w in data["trend"]] == [1, 2, 2, 4, 4, 4, 6, 6]
    assert [w["closed"] for w in data["trend"]] == [0, 0, 0, 0, 1, 0, 0, 1]
    since_7d = json.loads(digest(ws, "--as-of", AS_OF, "--no-notes", "--format", "json", "--since", "7d").stdout)
    assert since_7d["since"] == "2026-02-26" and [i["issue"] for i in since_7d["new"]] == [6, 7, 8]


def test_post_keeps_one_rolling_issue_and_comments_once_a_week(ws):
    first = digest(ws, "--as-of", AS_OF, "--no-notes", "--post")
    assert first.exit_code == 0 and "digest issue created" in first.stderr
    issues = [i for i in ws.fake.snapshot() if "digest" in i["labels"]]
    assert len(issues) == 1 and issues[0]["title"] == "Open follow-ups: weekly digest"

    ws.fake.reset_counts()
    again = digest(ws, "--as-of", AS_OF, "--no-notes", "--post")
    assert "digest issue unchanged" in again.stderr and ws.fake.writes == 0

    ws.fake.reset_counts()
    digest(ws, "--as-of", "2026-03-06", "--no-notes", "--post")  # later the same week, nothing changed
    assert ws.fake.writes == 0

    ws.fake.issues[3].update(state="closed", state_reason="completed", closed_at=NOW + dt.timedelta(days=2))
    ws.fake.reset_counts()
    digest(ws, "--as-of", "2026-03-06", "--no-notes", "--post")  # an issue closed mid-week: the body only
    assert ws.fake.writes == 1 and ws.fake.count("PATCH") == 1

    ws.fake.reset_counts()
    digest(ws, "--as-of", "2026-03-10", "--no-notes", "--post")  # a new week: body and one comment
    assert ws.fake.count("PATCH") == 1 and ws.fake.count("POST") == 1
    issue = [i for i in ws.fake.snapshot() if "digest" in i["labels"]][0]
    assert len(issue["comments"]) == 1 and issue["comments"][0].startswith("**2026-W11**: 5 open")
    assert len([i for i in ws.fake.snapshot() if "digest" in i["labels"]]) == 1


def test_post_writes_the_digest_url_output(ws, tmp_path):
    ws.env["GITHUB_OUTPUT"] = str(tmp_path / "out")
    digest(ws, "--as-of", AS_OF, "--no-notes", "--post")
    assert (tmp_path / "out").read_text() == "digest-url=https://github.com/acme/notes/issues/10\n"


def test_follow_ups_mentioned_again_in_a_later_meeting(ws):
    ws.write("meetings/wasmtime/2026/wasmtime-02-19.md",
             "# Wasmtime call\n\n## Notes\n\n- Still need one more PR for arm64 support, Dana says.\n")
    text = digest(ws, "--as-of", AS_OF).stdout
    assert "## Mentioned again in later meetings" in text
    assert "again in meetings/wasmtime/2026/wasmtime-02-19.md:5 (2026-02-19)" in text


def test_an_overlong_digest_is_cut_with_a_note(tmp_path):
    with workspace(tmp_path) as ws:
        ws.fake.now = NOW
        for n in range(900):
            title = f"Follow up on item {n} " + "with a long explanation " * 8
            mark = Mark(f"{n:016x}", "meetings/x/2026/x-01-01.md", title.lower(), "0" * 16, title, ("follow-up",),
                        kind="need", owner=f"Person {n % 40}", meeting="X call", date="2026-01-01")
            content = Content(title, "need", None, None, ("follow-up",))
            source = Source(mark.path, 1, 1, "X call", "2026-01-01", (), (title,))
            ws.fake.add_issue(title, managed_body(content, source, "https://x", mark), labels=["follow-up"])
        text = digest(ws, "--as-of", AS_OF, "--no-notes").stdout
        assert len(text) <= 65_536
        assert "more not shown: the issue body limit is 65,536 characters." in text


def test_bars_use_eighth_blocks():
    assert bar(10, 10, width=4) == "████"
    assert bar(5, 10, width=4) == "██"
    assert bar(1, 10, width=4) == "▍"
    assert bar(0, 10) == ""


def test_a_digest_issue_a_person_closed_is_not_replaced(ws):
    digest(ws, "--as-of", AS_OF, "--no-notes", "--post")
    number = next(n for n, i in ws.fake.issues.items() if "digest" in i["labels"])
    ws.fake.issues[number]["state"] = "closed"
    ws.fake.reset_counts()
    result = digest(ws, "--as-of", "2026-03-10", "--no-notes", "--post")
    assert result.exit_code == 0 and "closed by a person" in result.stderr
    assert ws.fake.writes == 0 and sum("digest" in i["labels"] for i in ws.fake.snapshot()) == 1


def test_as_of_a_past_day_shows_that_day(ws):
    data = json.loads(digest(ws, "--as-of", "2026-02-05", "--no-notes", "--format", "json").stdout)
    # filed by then: #1-#4 (#4 closed on 2026-02-12, so still open that day); #5-#8 came later
    assert [i["issue"] for i in data["open"]] == [1, 2, 3, 4]
    assert data["closed"] == []


def test_a_bad_since_names_the_option(ws):
    result = digest(ws, "--since", "last week", "--no-notes")
    assert result.exit_code == 2 and "'--since'" in result.stderr
