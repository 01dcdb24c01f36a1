"""`track digest`: what is still open, by owner and meeting series, from the tracked issues."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

import click

from .actions import add_summary, set_outputs
from .cli_sync import config_or_exit, fail
from .config import select_notes
from .console import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from .digest import build, markdown, mentioned_again, week_start
from .github import AuthError, GitHubError, Pacing, connect, endpoints
from .plan import series_of
from .publish import DIGEST_MARK_ROOM, post_digest
from .render import BODY_LIMIT
from .rules import RuleError, load_rules
from .sync import read_notes, repository_root


def parse_since(text: str, as_of: dt.date) -> dt.date:
    """`week` (since Monday), `7d`, `2w` or a date: the first day that counts as "this week"."""
    if text.strip() == "week":
        return week_start(as_of)
    found = re.fullmatch(r"(\d+)([dw])", text.strip())
    if found:
        days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
        return as_of - dt.timedelta(days=max(days - 1, 0))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("expected week, a number of days or weeks (7d, 2w) or a date (2024-05-01)",
                                 param_hint="'--since'") from None


@click.command()
@click.option("--since", default="week", show_default=True, metavar="week|7d|2w|DATE",
              help='What counts as "this week" for new and closed follow-ups: week is since Monday (ISO weeks).')
@click.option("--stale-days", type=click.IntRange(1), default=30, show_default=True,
              help="Open follow-ups with no activity for more than this many days are stale.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--post", is_flag=True, help="Update the one rolling digest issue (labelled `digest`).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Config file to use instead of .github/track.toml or [tool.track] in pyproject.toml.")
@click.option("--as-of", "as_of", metavar="DATE", help="Write the digest as of this day (default: today, UTC).")
@click.option("--no-notes", is_flag=True,
              help="Do not read the notes (they only add follow-ups mentioned again in later meetings).")
def digest(since, stale_days, fmt, post, config_path, as_of, no_notes):
    """Print the open-items digest, or keep the weekly digest issue up to date.

    Built from the issues track filed (its marker and base label), so it
    shows what people did to them: open follow-ups grouped by owner
    (unassigned last) and by meeting series, each with its age and meeting;
    new and closed this week; stale ones; follow-ups that came up again in a
    later meeting of the same series (from the notes); and the last 8 weeks
    of open and closed follow-ups.

    With --post it keeps ONE open issue labelled `digest`: it edits the body
    in place and adds one short comment per ISO week, so subscribers hear of
    it once a week. Ages are in whole weeks and "this week" is the calendar
    week, so re-running within a week writes nothing unless an issue changed.

    \b
    Examples:
      track digest                          print this week's digest
      track digest --since 14d --format json
      track digest --post                   update the digest issue
    """
    env = dict(os.environ)
    root = repository_root(Path.cwd())
    config = config_or_exit(root, config_path)
    if not config.repo:
        fail(f"no repository: set `repo` in {config.source or '.github/track.toml'} or GITHUB_REPOSITORY")
    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.datetime.now(dt.timezone.utc).date()
    except ValueError:
        fail(f"--as-of: expected a date such as 2024-05-01, got {as_of!r}")
    first_day = parse_since(since, today)
    _, server = endpoints(env)
    try:
        client = connect(config.repo, Pacing(write_interval=config.write_interval), env=env)
        tracked = client.tracked(config.labels.base)
        again = {} if no_notes else mentioned_again(tracked, _later_mentions(root, config))
        result = build(tracked, config.repo, today, first_day, stale_days, server,
                       config.labels.series_prefix if config.labels.series else "", again)
        text = markdown(result, BODY_LIMIT - DIGEST_MARK_ROOM)
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if fmt == "json" else text, nl=False)
        if fmt == "json":
            click.echo()
        add_summary(text, env)
        if post:
            headline = (f"{len(result.open)} open, {len(result.new)} new and {len(result.closed)} closed this "
                        f"week, {len(result.stale)} stale.")
            posted = post_digest(client, text, today, headline)
            if posted.closed:
                click.echo(f"digest issue closed by a person: {posted.url}; nothing posted (reopen it to resume)",
                           err=True)
            else:
                verb = "created" if posted.created else "updated" if posted.writes else "unchanged"
                click.echo(f"digest issue {verb}: {posted.url} ({posted.writes} write{'s' * (posted.writes != 1)})",
                           err=True)
            set_outputs({"digest-url": posted.url}, env)
    except GitHubError as exc:
        fail(str(exc), EXIT_USAGE if isinstance(exc, AuthError) else EXIT_FAILED)
    sys.exit(EXIT_OK)


def _later_mentions(root: Path, config) -> list[tuple[str, str, int, str, str]]:
    """Every candidate in the notes, weak ones too: (series, date, line, path, text)."""
    try:
        ruleset, _ = load_rules([root / r for r in config.rules], set(config.disable))
    except RuleError as exc:
        fail(f"{config.source}: {exc}")
    selected = select_notes(root, config)
    notes = read_notes(root, selected, set(selected), config, ruleset)
    return [(series_of(d.path) or "", d.source.meeting_date, d.source.line, d.path, " ".join(d.source.lines))
            for d in notes.desired if d.source.meeting_date]
