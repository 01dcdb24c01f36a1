"""`track sync` and `track config check`: the commands that talk to GitHub (or get ready to)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .actions import add_summary, set_outputs
from .config import Config, ConfigError, find_config, load_config, select_notes
from .console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error, warn
from .github import AuthError, GitHubError, Pacing, connect, endpoints
from .plan import Links
from .report import DONE, outcome_dict, outcome_text, plan_text, step_summary
from .rules import RuleError, load_rules
from .sync import apply, make_plan, notes_commit, read_notes, repository_root


def fail(message: str, status: int = EXIT_USAGE):
    error(message)
    sys.exit(status)


def config_or_exit(root: Path, path: Path | None) -> Config:
    try:
        return load_config(path or find_config(root))
    except ConfigError as exc:
        fail(str(exc))


def _note_paths(root: Path, args: tuple[str, ...], selected: list[str]) -> tuple[list[str], set[str] | None]:
    """The notes to reconcile (relative to root) and the scope; no arguments: every selected note."""
    if not args:
        return selected, None
    chosen: list[str] = []
    for arg in args:
        path = Path(arg).resolve()
        if not path.exists():
            fail(f"{arg}: no such file or directory")
        try:
            rel = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            fail(f"{arg}: not inside the repository at {root}")
        if path.is_dir():
            prefix = "" if rel == "." else rel + "/"
            chosen += [p for p in selected if p.startswith(prefix)]
        else:
            chosen.append(rel)
    chosen = list(dict.fromkeys(chosen))
    return chosen, set(chosen)


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Config file to use instead of .github/track.toml or [tool.track] in pyproject.toml.")
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Apply without asking, even on a terminal.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json for programs (fields in the README).")
@click.option("--ref", metavar="SHA", help="The notes' commit for links. Default: $GITHUB_SHA, else git HEAD.")
@click.option("--backfill", is_flag=True,
              help="Lift the first-sync guard: file every follow-up even when `start` is unset.")
@click.option("--allow-removals", is_flag=True,
              help="Lift the mass-removal guard: let most tracked follow-ups count as gone from the notes.")
@click.option("--max-writes", type=click.IntRange(0), metavar="N", help="At most N writes this run (config: max_writes).")
@click.option("--write-interval", type=click.FloatRange(0), metavar="SECONDS",
              help="Seconds between writes (config: write_interval).")
@click.option("--verbose", "-v", is_flag=True, help="Say more about what was read and decided (never secrets).")
def sync(paths, config_path, dry_run, yes, fmt, ref, backfill, allow_removals, max_writes, write_interval, verbose):
    """Make the repository's follow-up issues match the meeting notes.

    Reads every note the config selects (or just PATH..., files or folders),
    finds the follow-ups as `track scan` does, and plans what to change on
    GitHub: create an issue per new follow-up, update one whose follow-up
    was edited or moved, comment on (or close) one whose follow-up left the
    notes. It prints the plan, then applies it: on a terminal it asks first.

    Running it twice changes nothing the second time. A person's edits win:
    track rewrites only its own part of an issue body, never a title, label
    or assignee a person changed, never reopens a closed issue, and leaves an
    issue alone once a person removes the base label.

    \b
    Credentials come from the environment only: GITHUB_TOKEN or GH_TOKEN, or
    a GitHub App (TRACK_APP_ID, TRACK_APP_PRIVATE_KEY_FILE,
    TRACK_APP_INSTALLATION_ID). GITHUB_API_URL and GITHUB_SERVER_URL select a
    GitHub Enterprise server.

    \b
    Exit status: 0 done; 1 something was not done (a write failed, the write
    budget ran out, a guard refused, a note could not be read); 2 usage or
    configuration error.

    \b
    Examples:
      track sync --dry-run                  what would change, nothing written
      track sync --yes                      apply without asking
      track sync meetings/2024/             only these notes' follow-ups
      track sync --dry-run --format json    the plan as data
    """
    env = dict(os.environ)
    root = repository_root(Path.cwd())
    config = config_or_exit(root, config_path)
    if not config.repo:
        fail(f"no repository to file issues in: set `repo` in {config.source or '.github/track.toml'} "
              "or GITHUB_REPOSITORY")
    try:
        ruleset, broken = load_rules([root / r for r in config.rules], set(config.disable))
    except RuleError as exc:
        fail(f"{config.source}: {exc}")
    for problem in broken:
        error(problem)
    selected = select_notes(root, config)
    note_paths, scope = _note_paths(root, paths, selected)
    sha = notes_commit(root, ref, env)
    if sha is None:
        if not dry_run:
            fail("cannot tell which commit the notes are at, for the links: pass --ref SHA "
                  "(or run inside the notes' git checkout)")
        sha = "HEAD"
    api, server = endpoints(env)
    links = Links(server, config.links_repo, sha)
    writes_cap = config.max_writes if max_writes is None else max_writes
    interval = config.write_interval if write_interval is None else write_interval
    if verbose:
        context = [f"config: {config.source or 'defaults (no config file)'}", f"repository: {config.repo}",
                     f"API: {api}", f"notes: {len(note_paths)} of {len(selected)} selected, at {sha}",
                     f"max_writes: {writes_cap}, write_interval: {interval:g} s"]
        for line in context:
            click.echo(line, err=True)
    notes = read_notes(root, note_paths, set(selected), config, ruleset)
    for problem in notes.problems:
        (error if problem.fatal else warn)(str(problem))
    read_failed = bool(broken) or any(p.fatal for p in notes.problems)
    try:
        client = connect(config.repo, Pacing(write_interval=interval), env=env)
        planned = make_plan(client, notes, config, links, scope, backfill, writes_cap, allow_removals)
    except GitHubError as exc:
        fail(str(exc), EXIT_USAGE if isinstance(exc, AuthError) else EXIT_FAILED)
    for message in planned.warnings:
        warn(message)
    plan = planned.plan
    if fmt == "json" and (dry_run or planned.refused or not plan.writes):
        click.echo(json.dumps(plan.to_dict() | {"refused": planned.refused}, indent=2, ensure_ascii=False))
    elif fmt == "text":
        click.echo("\n".join(plan_text(plan, verbose)))
    if dry_run or planned.refused or not plan.writes:
        _summarise(env, plan, None, server, planned.refused, dry_run)
    if planned.refused:
        fail(planned.refused, EXIT_FAILED)
    if dry_run or not plan.writes:
        sys.exit(EXIT_FAILED if read_failed else EXIT_OK)
    if _interactive() and not yes:
        if not click.confirm(f"Apply {plan.writes} write{'s' * (plan.writes != 1)} to {plan.repo}?", default=False):
            click.echo("Nothing written.", err=True)
            sys.exit(EXIT_FAILED)
    outcome = apply(plan, client, config, writes_cap, _progress if fmt == "text" else None)
    if fmt == "json":
        click.echo(json.dumps(plan.to_dict() | {"refused": None, "result": outcome_dict(outcome)}, indent=2,
                              ensure_ascii=False))
    else:
        click.echo("\n".join(outcome_text(outcome)))
    _summarise(env, plan, outcome, server)
    sys.exit(EXIT_OK if outcome.ok and not read_failed else EXIT_FAILED)


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer the question before writing."""
    return sys.stdin.isatty()


def _progress(action, number) -> None:
    click.echo(f"  {DONE[action.op]} #{number}: {action.title}")


def _summarise(env: dict[str, str], plan, outcome, server: str, refused: str | None = None,
               dry_run: bool = False) -> None:
    """In Actions: the job summary, and the step outputs the action passes on."""
    add_summary(step_summary(plan, outcome, server, refused, dry_run), env)
    if outcome is None:
        counts = {op: 0 for op in ("created", "updated", "commented", "closed")}
        counts["skipped"] = len(plan.of("skip"))
    else:
        counts = {"created": outcome.count("create"), "updated": outcome.count("update"),
                  "commented": outcome.count("comment"), "closed": outcome.count("close"),
                  "skipped": len(plan.of("skip"))}
    set_outputs(counts, env)


@click.group("config")
def config_group() -> None:
    """Check the sync configuration."""


@config_group.command("check")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Config file to check instead of .github/track.toml or [tool.track] in pyproject.toml.")
def config_check(config_path):
    """Validate the config and show what it selects, without touching GitHub.

    Prints each setting in force (defaults included) and how many notes the
    `notes` globs pick. Exit status 0 when it is valid, 2 when it is not.
    """
    root = repository_root(Path.cwd())
    config = config_or_exit(root, config_path)
    try:
        load_rules([root / r for r in config.rules], set(config.disable))
    except RuleError as exc:
        fail(f"{config.source}: {exc}")
    notes = select_notes(root, config)
    click.echo(f"{config.source or 'no config file: every default applies'}: valid")
    for key, value in _settings(config).items():
        click.echo(f"  {key:<15} {value}")
    click.echo(f"  {len(notes)} note{'s' * (len(notes) != 1)} selected" + (f", first {notes[0]}" if notes else ""))
    if not config.repo:
        warn("no `repo` set and no GITHUB_REPOSITORY: sync will not know where to file issues")
    sys.exit(EXIT_OK)


def _settings(config: Config) -> dict[str, str]:
    labels = config.labels
    return {
        "repo": config.repo or "(unset)",
        "notes_repo": config.links_repo or "(unset)",
        "notes": ", ".join(config.notes),
        "exclude": ", ".join(config.exclude),
        "start": str(config.start or "(unset: every meeting)"),
        "labels": f"base '{labels.base}', kinds " + ", ".join(f"'{v}'" for v in labels.kinds.values())
                  + (f", series '{labels.series_prefix}<folder>'" if labels.series else ", no series label"),
        "people": f"{len(config.people)} name{'s' * (len(config.people) != 1)}",
        "min_confidence": f"{config.min_confidence:g}",
        "on_removed": config.on_removed,
        "max_writes": str(config.max_writes),
        "write_interval": f"{config.write_interval:g} s",
        "rules": ", ".join(config.rules) or "(built-in rules only)",
        "disable": ", ".join(config.disable) or "(none)",
    }
