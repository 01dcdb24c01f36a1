"""`track sync` from end to end: read the notes, read the tracker, plan, apply.

The plan is pure (plan.py); this module does the I/O around it: which notes,
which commit, which issues, which logins can be assigned, and then the
writes, one at a time, within the run's write budget.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .config import Config
from .extract import extract
from .github import GitHubError, GitHubIssues, Invalid, NotFound
from .meeting import normalise_newlines, read_meeting
from .plan import Action, Desired, Links, Plan, desired_from, reconcile
from .render import LABEL_DESCRIPTION_LIMIT, cut
from .rules import RuleSet
from .sources import Problem, decode

KIND_COLORS = {"action": "1d76db", "need": "fbca04", "problem": "d93f0b", "question": "cc317c"}
BASE_COLOR, SERIES_COLOR, RULE_COLOR = "0e8a16", "c5def5", "ededed"


# --- the notes side ----------------------------------------------------------------------


@dataclass
class Notes:
    desired: list[Desired]
    existing: set[str]  # every note path the config selects, read or not
    problems: list[Problem] = field(default_factory=list)
    unread: set[str] = field(default_factory=set)  # could not be read: their issues are left alone


def read_notes(root: Path, paths: list[str], existing: set[str], config: Config, ruleset: RuleSet,
               read: Callable[[str], bytes] | None = None) -> Notes:
    """What the notes at ``paths`` (relative to ``root``) want filed, weak candidates included.

    ``read`` gives a note's bytes (default: from the working tree; the PR
    preview reads them out of a commit).
    """
    read = read or (lambda rel: (root / rel).read_bytes())
    notes = Notes([], existing)
    for rel in paths:
        try:
            data = read(rel)
        except OSError as exc:
            notes.problems.append(Problem(rel, f"cannot read: {exc.strerror or exc}"))
            notes.unread.add(rel)
            continue
        text, problem = decode(data, rel)
        if problem:
            # Replaced bytes would change titles and quotes: leave the note's issues as they are.
            notes.problems.append(replace(problem, message=problem.message.split(";")[0]
                                          + "; its issues are left as they are", fatal=True))
            notes.unread.add(rel)
            continue
        meeting = read_meeting(text, rel, rel)
        raw_lines = normalise_newlines(text).split("\n")  # numbered as the parser numbers them
        notes.desired.extend(desired_from(meeting, extract(meeting, ruleset, 0.0), raw_lines, config))
    return notes


def notes_commit(root: Path, ref: str | None, env: dict[str, str]) -> str | None:
    """The commit the links point at: --ref, else GITHUB_SHA, else HEAD of the notes checkout."""
    if ref:
        return ref
    if env.get("GITHUB_SHA"):
        return env["GITHUB_SHA"]
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def repository_root(start: Path) -> Path:
    try:
        done = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return start
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else start


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Planned:
    plan: Plan
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None  # why nothing may be written (the flood guard)


def make_plan(
    client: GitHubIssues, notes: Notes, config: Config, links: Links, scope: set[str] | None,
    backfill: bool = False, max_writes: int | None = None, allow_removals: bool = False,
) -> Planned:
    """Read the tracker, then plan; a few extra reads only when the plan has writes that need them."""
    repo = client.repo
    tracked = client.tracked(config.labels.base)

    def plan_with(issues, unassignable=frozenset()) -> Plan:
        return reconcile(notes.desired, issues, config, links, notes.existing, scope, unassignable, repo,
                         frozenset(notes.unread))

    plan = plan_with(tracked)
    if plan.of("create"):
        # An issue a person detached (base label removed) must not come back as a new one.
        known = {t.number for t in tracked}
        detached = [t for t in client.marked_elsewhere(config.labels.base) if t.number not in known]
        if detached:
            tracked = tracked + detached
            plan = plan_with(tracked)
    warnings = []
    logins = sorted({a for act in plan.actions if act.op in ("create", "update") for a in act.fields.get("assignees", [])})
    unassignable = frozenset(login.casefold() for login in logins if not client.can_assign(login))
    if unassignable:
        for login in sorted(unassignable):
            warnings.append(f"@{login} cannot be assigned issues in {repo}: filed without an assignee "
                            f"(check the people map in {config.source or 'the config'})")
        plan = plan_with(tracked, unassignable)
    plan = _with_new_labels(plan, client, warnings)
    limit = config.max_writes if max_writes is None else max_writes
    refused = flood_guard(plan, config, backfill, limit) or removal_guard(plan, notes, config, allow_removals)
    return Planned(plan, warnings, refused)


def _with_new_labels(plan: Plan, client: GitHubIssues, warnings: list[str]) -> Plan:
    """Add the labels to create, so the plan shows every write (one listing, only when labels are set)."""
    wanted = plan.wanted_labels()
    if not wanted:
        return plan
    try:
        existing = client.labels()
    except GitHubError as exc:
        # GitHub still creates a missing label, plain grey, when an issue names it.
        warnings.append(f"cannot list labels ({exc}): new labels will be created without colours")
        return plan
    return replace(plan, new_labels=tuple(name for name in wanted if name.casefold() not in existing))


MASS_REMOVAL = 10  # more removals than this, and more than half the open tracked issues, is a mistake until said otherwise


def removal_guard(plan: Plan, notes: Notes, config: Config, allowed: bool) -> str | None:
    """Refuse to take most tracked follow-ups for removed: a typo in `notes` or a moved folder does that."""
    removed = len(plan.of("comment")) + len(plan.of("close"))
    if not removed:
        return None
    where = config.source or "the default config"
    if not notes.existing:  # always a mistake: even --allow-removals does not lift this one
        return (f"the `notes` globs in {where} select no note at all, so all {removed} tracked follow-ups would "
                f"count as removed: fix `notes` (track config check shows what it selects)")
    if not allowed and removed > MASS_REMOVAL and removed * 2 > plan.tracked:
        return (f"{removed} of {plan.tracked} tracked follow-ups would count as removed from the notes: if the "
                f"notes really moved or went, pass --allow-removals; otherwise check `notes` in {where}")
    return None


def flood_guard(plan: Plan, config: Config, backfill: bool, max_writes: int) -> str | None:
    """Refuse a first sync that would flood the tracker with old follow-ups."""
    creates = len(plan.of("create"))
    if backfill or config.start or plan.tracked or creates <= max_writes:
        return None
    return (f"this first sync would create {creates} issues, more than max_writes ({max_writes}): "
            f"set `start` in {config.source or '.github/track.toml'} to file only meetings from that date on, "
            f"or pass --backfill to file them all")


# --- applying ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    done: list[tuple[Action, int | None]] = field(default_factory=list)  # with the issue number
    failed: list[tuple[Action, str]] = field(default_factory=list)
    labels_created: list[str] = field(default_factory=list)
    writes: int = 0
    left: list[Action] = field(default_factory=list)  # not attempted: the write budget ran out
    stopped: str | None = None
    warnings: list[str] = field(default_factory=list)

    def count(self, op: str) -> int:
        return sum(1 for action, _ in self.done if action.op == op)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.left and self.stopped is None


def label_spec(name: str, config: Config) -> tuple[str, str]:
    """Colour and description for a label track creates."""
    if name == config.labels.base:
        return BASE_COLOR, "A follow-up from meeting notes, filed by track"
    for kind, label in config.labels.kinds.items():
        if name == label:
            return KIND_COLORS[kind], f"A follow-up of kind '{kind}', filed by track"
    prefix = config.labels.series_prefix
    if config.labels.series and prefix and name.startswith(prefix):
        return SERIES_COLOR, cut(f"Follow-ups from the {name[len(prefix):]} meetings", LABEL_DESCRIPTION_LIMIT)
    return RULE_COLOR, "Added by a track rule"


def apply(plan: Plan, client: GitHubIssues, config: Config, max_writes: int, progress=None) -> Outcome:
    """Carry out the plan's writes in order, stopping cleanly at ``max_writes``."""
    out = Outcome()
    actions = [a for a in plan.actions if a.op != "skip"]
    _create_labels(plan, client, config, max_writes, out)
    for index, action in enumerate(actions):
        if out.writes + action.writes > max_writes:
            out.left = actions[index:]
            out.stopped = f"max_writes ({max_writes}) reached"
            break
        try:
            number = _apply_one(action, client, out, plan.sha)
        except (Invalid, NotFound) as exc:  # this item only: go on with the others
            out.failed.append((action, str(exc)))
            continue
        except GitHubError as exc:  # GitHub is not answering: stop, the next run converges
            out.failed.append((action, str(exc)))
            out.left = actions[index + 1:]
            out.stopped = "GitHub stopped answering"
            break
        out.done.append((action, number))
        if progress:
            progress(action, number)
    return out


def _create_labels(plan: Plan, client: GitHubIssues, config: Config, max_writes: int, out: Outcome) -> None:
    """Create the labels the writes need, with colours and descriptions (best effort).

    Where a label cannot be created (a token without the right, a server
    without the endpoint), GitHub still creates it, plain grey, when an
    issue names it; so say so and go on.
    """
    for name in plan.new_labels:
        if out.writes >= max_writes:
            return
        color, description = label_spec(name, config)
        try:
            client.create_label(name, color, description)
        except GitHubError as exc:
            out.warnings.append(f"cannot create label '{name}': {exc}")
            continue
        out.writes += 1
        out.labels_created.append(name)


def _apply_one(action: Action, client: GitHubIssues, out: Outcome, sha: str) -> int | None:
    if action.op == "create":
        number = client.create_issue(action.fields, action.id or "")
        out.writes += 1
        return number
    if action.comment is not None:
        # The comment goes first: a close or a removal mark never happens without it.
        # Keyed by the commit: a follow-up that leaves the notes again later gets a comment again.
        if client.comment(action.issue, action.comment, f"{action.id} {action.op} {sha}"):
            out.writes += 1
    if action.fields:
        client.edit_issue(action.issue, action.fields)
        out.writes += 1
    return action.issue

