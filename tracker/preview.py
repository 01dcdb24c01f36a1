"""The pull-request preview: what merging the notes a PR changes would file (pure).

Built from the same plan as sync, reconciled for the changed notes only and
linked at the PR's head commit (not the throw-away merge commit), plus the
weaker candidates the PR adds, which will not be filed, so that note-takers
can promote or silence lines before the merge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import Config
from .plan import WEAK, Desired, Links, Plan
from .render import inline, permalink

SUGGEST_FLOOR = 0.2  # weaker candidates below this are noise, not suggestions
SUGGEST_MAX = 25


@dataclass
class Preview:
    repo: str
    pr: int | None
    head: str
    plan: Plan
    desired: dict[str, Desired]  # by follow-up id
    added: list[Desired] = field(default_factory=list)  # follow-ups the PR adds or changes, at any confidence
    suggestions: list[Desired] = field(default_factory=list)
    warning: str | None = None  # what sync would refuse on merge (a guard)
    notices: list[str] = field(default_factory=list)  # what the preview could not see

    def to_dict(self) -> dict:
        return {
            "repo": self.repo, "pr": self.pr, "head": self.head, "plan": self.plan.to_dict(),
            "added": [_brief(d) for d in self.added], "suggestions": [_brief(d) for d in self.suggestions],
            "warning": self.warning, "notices": self.notices,
        }


def _brief(d: Desired) -> dict:
    return {"id": d.id, "title": d.content.title, "path": d.path, "line": d.source.line,
            "end_line": d.source.end_line, "kind": d.content.kind, "owner": d.content.owner,
            "confidence": round(d.confidence, 2), "filed": d.hold is None}


def changed_by_pr(head: list[Desired], base_texts: dict[str, set[str]], base_path: dict[str, str]) -> list[Desired]:
    """Head follow-ups whose text is not in the same note (before any rename) at the base."""
    return [d for d in head if d.text not in base_texts.get(base_path.get(d.path, d.path), set())]


def build_preview(repo: str, pr: int | None, head_sha: str, plan: Plan, head: list[Desired],
                  added: list[Desired], warning: str | None = None, notices: list[str] | None = None) -> Preview:
    suggestions = sorted((d for d in added if d.hold == WEAK and d.confidence >= SUGGEST_FLOOR),
                         key=lambda d: (-d.confidence, d.path, d.source.line))[:SUGGEST_MAX]
    return Preview(repo, pr, head_sha, plan, {d.id: d for d in head}, added, suggestions, warning, notices or [])


# --- markdown ----------------------------------------------------------------------------------


VERB = {"create": "create", "update": "update", "comment": "comment on", "close": "close"}


def markdown(preview: Preview, links: Links, config: Config) -> str:
    plan = preview.plan
    counts = plan.counts()
    what = ", ".join(f"**{VERB[op]} {counts[op]}**" for op in ("create", "update", "comment", "close")
                     if counts[op] or op in ("create", "update"))
    subject = f"#{preview.pr}" if preview.pr else "this change"
    out = [f"### track: what merging {subject} will file", "",
           f"Merging will {what} issue{'s' * (plan.writes != 1)} in {preview.repo}"
           f" (notes at `{preview.head[:12]}`).", ""]
    if preview.warning:
        out += [f"> [!WARNING]\n> On merge, `track sync` will refuse to write: {preview.warning}", ""]
    for notice in preview.notices:
        out += [f"> [!NOTE]\n> {inline(notice)}", ""]
    rows = [a for a in plan.actions if a.op != "skip"]
    if rows:
        out += ["| | follow-up | owner | in the notes |", "|---|---|---|---|"]
        for action in rows:
            out.append(_row(action, preview, links))
        out += ["", "To keep a line out of the tracker, end it with `<!-- track: ignore -->`.", ""]
    skipped = plan.of("skip")
    if skipped:
        out += ["Not filed:", ""] + [f"- {inline(a.title)}: {a.reason}" for a in skipped] + [""]
    if preview.suggestions:
        out += [f"<details><summary>{len(preview.suggestions)} weaker candidate"
                f"{'s' * (len(preview.suggestions) != 1)} that will not be filed</summary>", "",
                f"Below the confidence threshold ({config.min_confidence:g}). To file one, put "
                "`<!-- track: follow-up -->` on its own line just before it.", ""]
        for d in preview.suggestions:
            link = permalink(links.server, links.repo, links.sha, d.path, d.source.line, d.source.end_line)
            out.append(f"- {d.confidence:.2f} [{d.content.kind}] {inline(d.content.title)} "
                       f"([{_short(d.path)}#L{d.source.line}]({link}))")
        out += ["", "</details>", ""]
    if not rows and not skipped and not preview.suggestions:
        out += ["No follow-ups in the notes this pull request changes.", ""]
    return "\n".join(out)


def _row(action, preview: Preview, links: Links) -> str:
    d = preview.desired.get(action.id or "")
    verb = VERB[action.op] + (f" #{action.issue}" if action.issue else "")
    owner = ""
    if d and (d.content.owner or d.content.login):
        owner = inline(d.content.owner or "") + (f" (`@{d.content.login}`)" if d.content.login else "")
    where = ""
    line, end_line = (d.source.line, d.source.end_line) if d else (action.line, action.end_line or action.line)
    if action.path and line and (d or action.op != "comment"):
        link = permalink(links.server, links.repo, links.sha, action.path, line, end_line)
        where = f"[{_short(action.path)}#L{line}]({link})"
    title = inline(action.title).replace("|", "\\|")
    return f"| {verb} | {title} | {owner.replace('|', '/')} | {where} |"


def _short(path: str) -> str:
    return re.sub(r"^.*/", "", path)
