"""How a sync plan and its outcome are shown: to a terminal, as JSON, and in an Actions job summary."""

from __future__ import annotations

from .plan import Action, Plan
from .sync import Outcome

VERBS = {"create": "to create", "update": "to update", "comment": "to comment on", "close": "to close",
         "skip": "skipped"}
DONE = {"create": "created", "update": "updated", "comment": "commented on", "close": "closed"}
BEFORE_START = "the meeting ("  # the reason every before-start skip starts with
FOLD_AFTER = 5  # more skips than this for meetings before start are shown as one line


def _where(action: Action) -> str:
    if action.issue is not None and action.op != "create":
        return f"#{action.issue}"
    return f"{action.path}:{action.line}" if action.path else ""


def action_line(action: Action) -> str:
    changes = f"; sets {', '.join(action.changes)}" if action.op == "update" and action.changes else ""
    return f"  {action.op:<8} {_where(action):<12} {action.title}  ({action.reason}{changes})"


def plan_text(plan: Plan, verbose: bool = False) -> list[str]:
    lines = [f"Plan for {plan.repo} at {plan.sha[:12]} ({plan.tracked} tracked issue{'s' * (plan.tracked != 1)}):"]
    early = [a for a in plan.actions if a.op == "skip" and a.reason.startswith(BEFORE_START)]
    fold = len(early) > FOLD_AFTER and not verbose
    for action in plan.actions:
        if fold and action in early:
            continue
        lines.append(action_line(action))
    if fold:
        lines.append(f"  {'skip':<8} {len(early)} follow-ups from meetings before `start` (--verbose lists them)")
    if not plan.actions:
        lines.append("  nothing to do: the issues match the notes")
    lines.append(summary(plan))
    return lines


def summary(plan: Plan) -> str:
    counts = plan.counts()
    parts = [f"{counts[op]} {VERBS[op]}" for op in ("create", "update", "comment", "close", "skip")]
    labels = len(plan.new_labels)
    new = f" ({labels} new label{'s' * (labels != 1)})" if labels else ""
    return ", ".join(parts) + f", {counts['unchanged']} unchanged: {plan.writes} write{'s' * (plan.writes != 1)}{new}."


def outcome_text(outcome: Outcome) -> list[str]:
    parts = [f"{outcome.count(op)} {word}" for op, word in DONE.items()]
    lines = ["Done: " + ", ".join(parts) + f" ({outcome.writes} write{'s' * (outcome.writes != 1)}"
             + (f", {len(outcome.labels_created)} new label{'s' * (len(outcome.labels_created) != 1)})"
                if outcome.labels_created else ")")]
    for message in outcome.warnings:
        lines.append(f"warning: {message}")
    for action, message in outcome.failed:
        lines.append(f"failed: {action.op} {_where(action)} {action.title}: {message}")
    if outcome.stopped:
        left = sum(a.writes for a in outcome.left)
        lines.append(f"stopped: {outcome.stopped}; {len(outcome.left)} action{'s' * (len(outcome.left) != 1)} "
                     f"({left} write{'s' * (left != 1)}) left for the next run")
    return lines


def outcome_dict(outcome: Outcome) -> dict:
    return {
        "done": [{"op": a.op, "issue": n, "id": a.id, "title": a.title} for a, n in outcome.done],
        "failed": [{"op": a.op, "issue": a.issue, "id": a.id, "title": a.title, "error": m} for a, m in outcome.failed],
        "labels_created": outcome.labels_created,
        "writes": outcome.writes,
        "left": len(outcome.left),
        "stopped": outcome.stopped,
    }


def step_summary(plan: Plan, outcome: Outcome | None, server: str, refused: str | None = None,
                 dry_run: bool = False) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: what the run did, with links to the issues."""
    lines = [f"## track sync: {plan.repo}", ""]
    if outcome is None:
        why = ("Dry run" if dry_run else f"Refused: {refused}" if refused
               else "The issues already match the notes")
        lines += [f"{why}: nothing was written.", "", summary(plan), ""]
        rows = [(a.op, a, a.issue) for a in plan.actions]
    else:
        lines += outcome_text(outcome) + [""]
        rows = [(DONE[a.op], a, number) for a, number in outcome.done]
    if rows:
        lines += ["| | issue | title | why |", "|---|---|---|---|"]
        for verb, action, number in rows:
            issue = f"[#{number}]({server}/{plan.repo}/issues/{number})" if number else ""
            title = action.title.replace("|", "\\|")
            lines.append(f"| {verb} | {issue} | {title} | {action.reason} |")
    return "\n".join(lines) + "\n"
