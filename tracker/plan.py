"""The sync plan: what the notes want, matched against what the tracker has (pure, no I/O).

Matching is by the id in each issue's hidden state first; a follow-up whose
text was edited is matched to the unclaimed issue from the same note with
near-identical text, and a follow-up in a renamed note to the issue whose
note is gone and whose text is the same. Only then is anything created, so
an edit or a move never becomes a second issue.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field, replace

from .config import Config
from .extract import normalise
from .meeting import Meeting
from .model import FollowUp
from .render import (
    TITLE_LIMIT, Content, Mark, Source, cut, file_link, label_name, managed_body, mark_removed, permalink,
    room_for_managed, splice,
)

EDIT_SIMILARITY = 0.75  # a follow-up this close to an unclaimed issue's text, in the same note, is an edit
MATCH_TEXT = 2000  # characters of a follow-up's text kept for matching (in every issue's hidden state)
OPS = ("create", "update", "comment", "close", "skip")

# Hold reasons: why a follow-up found in the notes is not filed as new.
WEAK = "weak"  # below min_confidence: only keeps an existing issue from counting as removed
BEFORE_START = "before-start"  # before `start`: existing issues stay in step, none is created


@dataclass(frozen=True)
class Desired:
    """A follow-up as track wants it filed."""

    id: str
    text: str  # normalised, for matching
    content: Content
    source: Source
    hold: str | None = None
    confidence: float = 1.0

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True)
class Tracked:
    """An issue carrying track's state."""

    number: int
    state: str  # open or closed
    title: str
    body: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    mark: Mark
    labelled: bool = True  # still has the base label; False: a person detached it
    url: str = ""
    created_at: str | None = None  # ISO 8601, as GitHub gives them
    updated_at: str | None = None
    closed_at: str | None = None


@dataclass(frozen=True)
class Action:
    op: str  # one of OPS
    reason: str
    title: str
    id: str | None = None
    issue: int | None = None
    path: str | None = None
    line: int | None = None
    end_line: int | None = None
    changes: tuple[str, ...] = ()  # the issue fields an update sets
    fields: dict = field(default_factory=dict)  # for POST (create) or PATCH (the others)
    comment: str | None = None

    @property
    def writes(self) -> int:
        return (self.op != "skip" and bool(self.fields)) + (self.comment is not None)

    def to_dict(self) -> dict:
        return {
            "op": self.op, "reason": self.reason, "title": self.title, "id": self.id, "issue": self.issue,
            "path": self.path, "line": self.line, "end_line": self.end_line, "changes": list(self.changes),
            "labels": list(self.fields.get("labels", [])), "assignees": list(self.fields.get("assignees", [])),
        }


@dataclass(frozen=True)
class Plan:
    repo: str
    sha: str
    actions: tuple[Action, ...]
    unchanged: int  # tracked follow-ups already as the notes say
    tracked: int  # issues carrying track's state and the base label
    new_labels: tuple[str, ...] = ()  # labels the writes need that the repository lacks

    def of(self, op: str) -> list[Action]:
        return [a for a in self.actions if a.op == op]

    def wanted_labels(self) -> list[str]:
        """Every label a create or update sets, in first-use order."""
        return list(dict.fromkeys(l for a in self.actions if a.op != "skip" for l in a.fields.get("labels", [])))

    @property
    def writes(self) -> int:
        return sum(a.writes for a in self.actions) + len(self.new_labels)

    def counts(self) -> dict[str, int]:
        return {op: len(self.of(op)) for op in OPS} | {"unchanged": self.unchanged}

    def to_dict(self) -> dict:
        return {
            "repo": self.repo, "sha": self.sha, "counts": self.counts(), "writes": self.writes,
            "tracked": self.tracked, "new_labels": list(self.new_labels),
            "actions": [a.to_dict() for a in self.actions],
        }


@dataclass(frozen=True)
class Links:
    server: str
    repo: str  # where the notes live
    sha: str


# --- what the notes want -------------------------------------------------------------


def series_of(path: str) -> str | None:
    """The meeting series of a note: its nearest folder that is not a year or a number."""
    for folder in reversed(path.split("/")[:-1]):
        if not re.fullmatch(r"[\d_.-]+", folder):
            return folder
    return None


def owner_login(owner: str | None, people: dict[str, str], meeting: Meeting) -> str | None:
    """The owner's login: from the people map, else from the attendee list's ``Name @login``.

    A first name alone ("Dana") maps to the one attendee with that first name.
    """
    if not owner:
        return None
    key = owner.strip().lstrip("@").casefold()
    if key in people:
        return people[key]
    by_first: dict[str, set[str]] = {}
    for name, login in meeting.logins:
        if key in (name.casefold(), login.casefold()):
            return login
        by_first.setdefault(name.split()[0].casefold() if name.split() else "", set()).add(login)
    firsts = by_first.get(key, set())
    return next(iter(firsts)) if len(firsts) == 1 else None


def labels_for(item: FollowUp, config: Config) -> tuple[str, ...]:
    names = [config.labels.base, config.labels.kinds[item.kind]]
    series = series_of(item.path)
    if config.labels.series and series:
        names.append(config.labels.series_prefix + series)
    names.extend(item.labels)
    return tuple(dict.fromkeys(label_name(n) for n in names if n.strip()))


def hold_for(item: FollowUp, meeting: Meeting, config: Config) -> str | None:
    if item.confidence < config.min_confidence:
        return WEAK
    # With `start` set, a meeting whose date cannot be told is not filed: it may be an old one.
    if config.start and (not meeting.date or dt.date.fromisoformat(meeting.date) < config.start):
        return BEFORE_START
    return None


def desired_from(meeting: Meeting, items: list[FollowUp], raw_lines: list[str], config: Config) -> list[Desired]:
    """What the notes of one meeting want filed; ``items`` are all candidates, weak ones too."""
    out = []
    for item in items:
        content = Content(
            title=cut(item.title, TITLE_LIMIT), kind=item.kind, owner=item.owner,
            login=owner_login(item.owner, config.people, meeting), labels=labels_for(item, config),
        )
        section = item.section[1:] if item.section[:1] == (meeting.title,) else item.section
        source = Source(
            path=meeting.repo_path or meeting.path, line=item.line, end_line=item.end_line,
            meeting_title=meeting.title, meeting_date=meeting.date, section=section,
            lines=tuple(raw_lines[item.line - 1: item.end_line]),
        )
        out.append(Desired(item.id, normalise(item.text)[:MATCH_TEXT], content, source, hold_for(item, meeting, config),
                           item.confidence))
    return out


# --- matching ------------------------------------------------------------------------


def match(desired: list[Desired], tracked: list[Tracked], existing_paths: set[str]) -> tuple[dict, list[Tracked]]:
    """Pairs desired id -> issue, and the issues claimed twice (same id as an earlier issue)."""
    by_id: dict[str, Tracked] = {}
    doubles = []
    for issue in sorted(tracked, key=lambda t: t.number):
        if issue.mark.id in by_id:
            doubles.append(issue)
        else:
            by_id[issue.mark.id] = issue
    pairs = {d.id: by_id[d.id] for d in desired if d.id in by_id}
    claimed = {t.number for t in pairs.values()}
    left = [d for d in desired if d.id not in pairs]
    free = [t for t in by_id.values() if t.number not in claimed]
    def claim(found: list[tuple[Desired, Tracked]]) -> None:
        for d, t in found:
            if d.id not in pairs and t.number not in claimed:
                pairs[d.id] = t
                claimed.add(t.number)

    claim(_edits(left, free))
    moves = _moves(left, free, existing_paths)
    claim(moves)
    # A note renamed in the same commit as one of its follow-ups was edited: match edits across the move.
    moved = {t.mark.path: d.path for d, t in moves if pairs.get(d.id) is t}
    left = [d for d in left if d.id not in pairs]
    free = [t for t in free if t.number not in claimed]
    claim(_edits(left, free, moved))
    return pairs, doubles


def _edits(left: list[Desired], free: list[Tracked], moved: dict[str, str] | None = None) -> list[tuple[Desired, Tracked]]:
    """Same note (or the note it moved to), near-identical text: best pairs first."""
    scored = []
    for d in left:
        for t in free:
            if (moved or {}).get(t.mark.path, t.mark.path) == d.path:
                ratio = difflib.SequenceMatcher(None, d.text, t.mark.text, autojunk=False).ratio()
                if ratio >= EDIT_SIMILARITY:
                    scored.append((ratio, -t.number, d, t))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [(d, t) for _, _, d, t in scored]


def _moves(left: list[Desired], free: list[Tracked], existing_paths: set[str]) -> list[tuple[Desired, Tracked]]:
    """The note is gone from its old path and the same text is in another note: it moved."""
    gone = {}
    for t in free:
        if t.mark.path not in existing_paths:
            gone.setdefault(t.mark.text, []).append(t)
    return [(d, t) for d in left for t in gone.get(d.text, []) if t.mark.path != d.path]


# --- the plan --------------------------------------------------------------------------


def reconcile(
    desired: list[Desired],
    tracked: list[Tracked],
    config: Config,
    links: Links,
    existing_paths: set[str],
    scope: set[str] | None = None,
    unassignable: frozenset[str] = frozenset(),
    repo: str = "",
    unread: frozenset[str] = frozenset(),
) -> Plan:
    """What to do so the tracker matches the notes.

    ``scope``: the only note paths reconciled (None: all). ``unread``: notes
    that could not be read this time; their issues are left as they are,
    not taken for removed.
    """
    pairs, doubles = match(desired, tracked, existing_paths)
    actions, unchanged = [], 0
    for d in desired:
        issue = pairs.get(d.id)
        action = _for_desired(d, issue, config, links, unassignable)
        if action is None:
            unchanged += issue is not None
        else:
            actions.append(action)
    claimed = {t.number for t in pairs.values()}
    for issue in doubles:
        actions.append(_skip(issue, "another issue already carries this follow-up's marker"))
    for issue in tracked:
        if issue.number in claimed or issue in doubles or not issue.labelled:
            continue
        if (scope is not None and issue.mark.path not in scope) or issue.mark.path in unread:
            continue
        action = _for_removed(issue, config, links, existing_paths)
        if action is not None:
            actions.append(action)
    return Plan(repo, links.sha, tuple(actions), unchanged, sum(t.labelled for t in tracked))


def _skip(issue: Tracked, reason: str) -> Action:
    return Action("skip", reason, issue.title, issue.mark.id, issue.number, issue.mark.path)


def _for_desired(d: Desired, issue: Tracked | None, config: Config, links: Links,
                 unassignable: frozenset[str]) -> Action | None:
    where = dict(id=d.id, path=d.path, line=d.source.line, end_line=d.source.end_line)
    if issue is None:
        if d.hold == WEAK:
            return None
        if d.hold == BEFORE_START:
            when = d.source.meeting_date or "date unknown: none in the front matter, title or path"
            return Action("skip", f"the meeting ({when}) is before start ({config.start})", d.content.title, **where)
        return _create(d, links, unassignable, where)
    mark = issue.mark
    if mark.id == d.id and mark.fingerprint == d.content.fingerprint(d.source) and mark.removed is None:
        return None
    if not issue.labelled:
        return Action("skip", f"detached: a person removed the '{config.labels.base}' label", issue.title,
                      issue=issue.number, **where)
    if issue.state != "open":
        return Action("skip", "closed on GitHub: track never reopens or edits a closed issue", issue.title,
                      issue=issue.number, **where)
    if d.hold == WEAK:
        return None  # still in the notes, though weaker now: leave the issue as it is
    return _update(d, issue, links, unassignable, where)


def _wanted_assignees(d: Desired, unassignable: frozenset[str]) -> tuple[str, ...]:
    login = d.content.login
    return (login,) if login and login.casefold() not in unassignable else ()


def _create(d: Desired, links: Links, unassignable: frozenset[str], where: dict) -> Action:
    assignees = _wanted_assignees(d, unassignable)
    mark = Mark(d.id, d.path, d.text, d.content.fingerprint(d.source), d.content.title,
                d.content.labels, assignees, **_about(d))
    body = managed_body(d.content, d.source, _link(d, links), mark, show_login=bool(assignees))
    fields = {"title": d.content.title, "body": body, "labels": list(d.content.labels)}
    if assignees:
        fields["assignees"] = list(assignees)
    return Action("create", "new follow-up", d.content.title, fields=fields, **where)


def _about(d: Desired) -> dict:
    """What the digest reads from an issue's state: kind, owner and meeting."""
    return dict(kind=d.content.kind, owner=d.content.owner, meeting=d.source.meeting_title,
                date=d.source.meeting_date)


def _update(d: Desired, issue: Tracked, links: Links, unassignable: frozenset[str], where: dict) -> Action:
    old = issue.mark
    person_titled = issue.title != old.title  # then the title stays theirs, and the mark keeps ours
    title = issue.title if person_titled else d.content.title
    labels = _labels_after(issue.labels, old.labels, d.content.labels)
    person_assigned = _folded(issue.assignees) != _folded(old.assignees)  # logins compare without case
    assignees = issue.assignees if person_assigned else _wanted_assignees(d, unassignable)
    mark = Mark(d.id, d.path, d.text, d.content.fingerprint(d.source), old.title if person_titled else title,
                d.content.labels, old.assignees if person_assigned else assignees, **_about(d))
    managed = managed_body(d.content, d.source, _link(d, links), mark, room=room_for_managed(issue.body),
                           show_login=bool(assignees) and d.content.login in assignees)
    fields = {"body": splice(issue.body, managed)}
    if title != issue.title:
        fields["title"] = title
    if _folded(labels) != _folded(issue.labels):
        fields["labels"] = list(labels)
    if _folded(assignees) != _folded(issue.assignees):
        fields["assignees"] = list(assignees)
    return Action("update", _update_reason(d, old), title, issue=issue.number,
                  changes=tuple(fields), fields=fields, **where)


def _update_reason(d: Desired, old: Mark) -> str:
    if old.removed is not None:
        return "back in the notes"
    if old.path != d.path:
        return f"the note moved from {old.path}"
    if old.id != d.id:
        return "the follow-up's text was edited in the notes"
    return "the notes changed what the issue shows"


def _labels_after(current: tuple[str, ...], ours_before: tuple[str, ...], ours_now: tuple[str, ...]) -> tuple[str, ...]:
    """Drop only labels track added and no longer wants; add only labels it newly wants.

    A label a person removed stays removed, and one a person added stays.
    """
    fold = _folded
    dropped = fold(ours_before) - fold(ours_now)
    added = [l for l in ours_now if l.casefold() not in fold(ours_before) | fold(current)]
    return tuple(l for l in current if l.casefold() not in dropped) + tuple(added)


def _folded(labels) -> set[str]:
    """Label names as GitHub compares them: without regard to case."""
    return {label.casefold() for label in labels}


def _link(d: Desired, links: Links) -> str:
    return permalink(links.server, links.repo, links.sha, d.path, d.source.line, d.source.end_line)


def _for_removed(issue: Tracked, config: Config, links: Links, existing_paths: set[str]) -> Action | None:
    if issue.state != "open" or issue.mark.removed is not None or config.on_removed == "ignore":
        return None
    if issue.mark.path in existing_paths:
        where = file_link(links.server, links.repo, links.sha, issue.mark.path)
    else:  # the whole note is gone: point at the commit instead
        where = f"{links.server.rstrip('/')}/{links.repo}/commit/{links.sha}"
    comment = (f"This follow-up is no longer in the meeting notes as of [{links.sha[:7]}]({where}). "
               + ("track closed this issue; reopen it if the work is still wanted."
                  if config.on_removed == "close" else
                  "track leaves the issue open: close it if the work is done or dropped."))
    mark = replace(issue.mark, removed=links.sha)
    fields = {"body": mark_removed(issue.body, mark, where)}
    if config.on_removed == "close":
        fields["state"] = "closed"
    op = "close" if config.on_removed == "close" else "comment"
    return Action(op, "no longer in the notes", issue.title, issue.mark.id, issue.number, issue.mark.path,
                  changes=tuple(fields), fields=fields, comment=comment)

