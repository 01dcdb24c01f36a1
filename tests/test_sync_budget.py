"""Request budget with 1,000 tracked follow-ups, counted by the fake (deterministic, so asserted exactly)."""

from __future__ import annotations

import math

from syncenv import workspace

NOTES, PER_NOTE = 10, 100
FOLLOW_UPS = NOTES * PER_NOTE


def busy_notes() -> dict[str, str]:
    """Ten meetings with a hundred open action items each."""
    notes = {}
    for week in range(NOTES):
        items = "\n".join(f"- [ ] Alex to update the parser for case {week}-{n}" for n in range(PER_NOTE))
        notes[f"meetings/parser/2025/parser-03-{week + 1:02d}.md"] = (
            f"# Parser working group, March {week + 1}, 2025\n\n## Attendees\n- Alex Moreau\n\n"
            f"## Action items\n{items}\n"
        )
    return notes


def test_first_sync_and_no_change_resync_request_counts(tmp_path):
    with workspace(tmp_path, '[people]\n"Alex" = "alice"\n') as ws:
        for rel, text in busy_notes().items():
            ws.write(rel, text)
        result = ws.sync("--yes", "--backfill", "--max-writes", "5000")
        assert result.exit_code == 0, result.output
        fake = ws.fake
        assert fake.count("POST", r"/issues$") == FOLLOW_UPS
        labels = 3  # follow-up, kind: action, meeting: parser
        assert fake.count("POST", r"/labels$") == labels
        assert fake.count("GET", r"/issues$") == 2  # tracked (empty) + issues this account opened
        assert fake.count("GET", r"^/user$") == 1
        assert fake.count("GET", r"/labels$") == 1
        assert fake.count("GET", r"/assignees/") == 1  # one login, checked once
        assert fake.count("GET", r"search") == 0
        assert len(fake.requests) == FOLLOW_UPS + labels + 5

        fake.reset_counts()
        result = ws.sync("--yes")
        assert result.exit_code == 0, result.output
        assert fake.writes == 0
        assert len(fake.requests) == math.ceil(FOLLOW_UPS / 100)  # the tracked listing, 100 a page
        assert len(fake.requests) <= math.ceil(FOLLOW_UPS / 100) + 3


def test_digest_post_request_counts_for_1000_tracked_issues(tmp_path):
    with workspace(tmp_path) as ws:
        for rel, text in busy_notes().items():
            ws.write(rel, text)
        assert ws.sync("--yes", "--backfill", "--max-writes", "5000").exit_code == 0

        def post(day: str) -> tuple[int, int]:
            ws.fake.reset_counts()
            result = ws.run("digest", "--post", "--no-notes", "--as-of", day)
            assert result.exit_code == 0, result.output
            return len(ws.fake.requests), ws.fake.writes

        pages = math.ceil(FOLLOW_UPS / 100)
        assert post("2026-03-02") == (pages + 3, 2)  # listings; the digest label and the issue
        assert post("2026-03-02") == (pages + 1, 0)  # same day: nothing to write
        assert post("2026-03-04") == (pages + 1, 0)  # later that week, nothing changed: nothing to write
        ws.fake.issues[1]["state"] = "closed"
        assert post("2026-03-05") == (pages + 2, 1)  # an issue closed mid-week: the body only
        assert post("2026-03-09") == (pages + 4, 2)  # a new week: the body, and one comment (looked for first)
