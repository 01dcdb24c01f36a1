"""Keeping one thing up to date on GitHub: the rolling digest issue, and the PR preview comment.

Both are found again by a hidden marker, edited in place when their text
changed, and left alone when it did not, so re-running writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .github import GitHubIssues
from .render import BODY_LIMIT, cut

DIGEST_LABEL = "digest"
DIGEST_TITLE = "Open follow-ups: weekly digest"
_DIGEST_MARK = re.compile(r"<!-- track:digest week=(\d{4}-W\d{2}) -->")
PREVIEW_MARK = "<!-- track:preview -->"
DIGEST_MARK_ROOM = 64  # characters the digest's week marker takes at the end of its body


@dataclass
class Posted:
    url: str
    writes: int
    created: bool = False
    closed: bool = False  # the digest issue was closed by a person: nothing posted


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_body(markdown: str, week: str) -> str:
    marker = f"\n<!-- track:digest week={week} -->\n"
    return cut(markdown, BODY_LIMIT - len(marker)) + marker


def post_digest(client: GitHubIssues, markdown: str, as_of: dt.date, headline: str) -> Posted:
    """Create or edit the one open digest issue; comment once a week so subscribers hear of it weekly."""
    week = iso_week(as_of)
    body = digest_body(markdown, week)
    existing = [raw for raw in client.issues_labelled(DIGEST_LABEL, state="all")
                if _DIGEST_MARK.search(raw.get("body") or "")]
    if existing and all(raw.get("state") == "closed" for raw in existing):
        # A person closed it: that means stop. Reopening it resumes the digest.
        newest = existing[-1]
        return Posted(newest.get("html_url") or _issue_url(client, newest["number"]), 0, closed=True)
    existing = [raw for raw in existing if raw.get("state") != "closed"]
    if not existing:
        client.create_label(DIGEST_LABEL, "5319e7", "The weekly digest of open follow-ups, kept by track")
        data = client.create_plain_issue(
            {"title": DIGEST_TITLE, "body": body, "labels": [DIGEST_LABEL]},
            recover=lambda: _find_digest(client),
        )
        return Posted(data.get("html_url") or _issue_url(client, data["number"]), 2, created=True)
    issue = existing[0]
    writes = 0
    last = _DIGEST_MARK.search(issue.get("body") or "").group(1)
    if last != week:
        # The comment first: the body's week marks it as posted, so it must not move on before the comment.
        if client.comment(issue["number"], f"**{week}**: {headline}", f"digest {week}"):
            writes += 1
    if issue.get("body") != body:
        client.edit_issue(issue["number"], {"body": body})
        writes += 1
    return Posted(issue.get("html_url") or _issue_url(client, issue["number"]), writes)


def _find_digest(client: GitHubIssues) -> int | None:
    for raw in client.issues_labelled(DIGEST_LABEL, state="all"):
        if _DIGEST_MARK.search(raw.get("body") or ""):
            return raw["number"]
    return None


def _issue_url(client: GitHubIssues, number: int) -> str:
    return f"{client.web}/{client.repo}/issues/{number}"


def post_preview(client: GitHubIssues, pr: int, markdown: str) -> Posted:
    """Create the PR's one preview comment, or edit it in place; never a second one."""
    body = cut(f"{PREVIEW_MARK}\n{markdown}", BODY_LIMIT)
    for raw in client.comments(pr):
        if PREVIEW_MARK in (raw.get("body") or ""):
            if raw.get("body") == body:
                return Posted(raw.get("html_url", ""), 0)
            client.edit_comment(raw["id"], body)
            return Posted(raw.get("html_url", ""), 1)

    def recover() -> int | None:
        return next((c["id"] for c in client.comments(pr) if PREVIEW_MARK in (c.get("body") or "")), None)

    data = client.post_comment(pr, body, recover)
    return Posted(data.get("html_url", ""), 1, created=True)
