"""The `track` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .extract import DEFAULT_MIN_CONFIDENCE, confidence, evaluate, extract, known_people
from .examples import failures
from .meeting import read_meeting
from .model import FollowUp
from .rules import RuleError, RuleSet, load_rules
from .sources import Problem, find_notes, read_note
from .console import EXIT_FAILED, EXIT_OK, error as _error, use_color as _use_color, warn as _warn

PROGRESS_AFTER = 50  # files; shorter scans finish before a bar helps


def rule_options(func):
    func = click.option(
        "--disable", "disabled", multiple=True, metavar="ID",
        help="Turn off a rule by id (repeatable). `track rules` lists the ids.",
    )(func)
    func = click.option(
        "--rules", "rule_dirs", multiple=True, metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="Also load every *.toml rule file in DIR (repeatable).",
    )(func)
    return func


def _load(rule_dirs: tuple[Path, ...], disabled: tuple[str, ...]) -> tuple[RuleSet, bool]:
    """The rule set, and whether any rule file was broken (reported, then left out)."""
    try:
        ruleset, problems = load_rules(list(rule_dirs), set(disabled))
    except RuleError as exc:
        raise click.UsageError(str(exc)) from None
    for problem in problems:
        _error(problem)
    return ruleset, bool(problems)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="track")
def main() -> None:
    """Find the follow-ups buried in meeting notes and keep GitHub issues in step with them.

    \b
    Start here:
      track scan notes/                 what would be filed from these notes
      track scan --all notes/2024/x.md  every candidate, with its confidence
      track explain notes/x.md:42       why line 42 was (or was not) picked
      track rules                       the rules in use
      track sync --dry-run              what sync would file on GitHub
      track preview --base origin/main  what merging this branch would file
      track digest                      what is still open, by owner
      track config check                is the sync config right?
    """


def _scan_paths(paths: tuple[str, ...]) -> tuple[list, list[Problem]]:
    items = list(find_notes(list(paths)))
    notes = [p for p in items if isinstance(p, str)]
    problems = [p for p in items if isinstance(p, Problem)]
    return notes, problems


def _progress(paths: list[str]):
    if len(paths) >= PROGRESS_AFTER and sys.stderr.isatty():
        return click.progressbar(paths, label="Scanning", file=sys.stderr)
    return _NoBar(paths)


class _NoBar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text for people; json or jsonl for programs.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
              help="Report follow-ups at or above this confidence (what sync would file).")
@click.option("--all", "show_all", is_flag=True,
              help="Report every candidate, with its confidence, including the weak ones sync would not file.")
@click.option("--stdin-path", metavar="PATH",
              help="The path of the note read from - (standard input): used for its date, its report and its ids.")
@rule_options
def scan(paths, fmt, min_confidence, show_all, stdin_path, rule_dirs, disabled):
    """Print the follow-ups found in meeting notes.

    PATH is a markdown file, a directory (searched recursively for *.md and
    *.markdown), or - for standard input (name it with --stdin-path).

    Each follow-up's id is made from the note's path inside its git
    repository and the follow-up's text, so it is the same from any working
    directory and does not change when lines are added above it.

    \b
    Exit status: 0 every note was read; 1 a note, directory or rule file could
    not be read (each is named on stderr; the rest is still scanned); 2 usage
    error (a bad option, an unknown --disable id, a missing --rules folder).

    \b
    Examples:
      track scan meetings/
      track scan --format jsonl meetings/2024/ > follow-ups.jsonl
      cat notes.md | track scan --stdin-path meetings/notes.md -
    """
    ruleset, broken_rules = _load(rule_dirs, disabled)
    note_paths, problems = _scan_paths(paths)
    threshold = 0.0 if show_all else min_confidence
    results: list[tuple[str, list[FollowUp]]] = []
    with _progress(note_paths) as bar:
        for path in bar:
            note, read_problems = read_note(path, stdin_path)
            problems.extend(read_problems)
            if note is None:
                continue
            meeting = read_meeting(note.text, note.path, note.repo_path)
            results.append((note.path, extract(meeting, ruleset, threshold)))
    for problem in problems:
        (_error if problem.fatal else _warn)(str(problem))
    _print_scan(results, fmt, show_all)
    failed = broken_rules or any(p.fatal for p in problems)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _print_scan(results: list[tuple[str, list[FollowUp]]], fmt: str, show_all: bool) -> None:
    found = [f for _, items in results for f in items]
    if fmt == "jsonl":
        for item in found:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True))
        return
    if fmt == "json":
        click.echo(json.dumps({"follow_ups": [f.to_dict() for f in found]}, ensure_ascii=False, indent=2, sort_keys=True))
        return
    color = _use_color()
    for path, items in results:
        if not items:
            continue
        click.echo(click.style(path, bold=True) if color else path, color=color)
        for item in items:
            click.echo("  " + _text_line(item, show_all, color), color=color)
    notes = len(results)
    click.echo(f"{len(found)} follow-up{'s' * (len(found) != 1)} in {notes} note{'s' * (notes != 1)}", err=True)


def _text_line(item: FollowUp, show_all: bool, color: bool) -> str:
    where = f"{item.path}:{item.line}"
    kind = f"[{item.kind}]"
    owner = f" ({item.owner})" if item.owner else ""
    score = f"{item.confidence:.2f} " if show_all else ""
    if color:
        where = click.style(where, fg="cyan")
        kind = click.style(kind, fg="yellow")
    return f"{where}  {score}{kind} {item.title}{owner}"


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--check", is_flag=True,
              help="Run every rule's examples (examples.match / examples.no_match) and report the ones it gets wrong.")
@rule_options
def list_rules(fmt, check, rule_dirs, disabled):
    """List the rules in use: id, kind, weight, where each comes from.

    The built-in rules live in the package's rules/ folder. Add your own with
    --rules DIR (TOML files; see the README), turn one off with --disable ID.
    Check your rules against their own examples before relying on them:

    \b
      track rules --rules my-rules/ --check
    """
    ruleset, broken = _load(rule_dirs, disabled)
    if check:
        wrong = [message for rule in ruleset.rules for message in failures(rule)]
        for message in wrong:
            _error(message)
        total = sum(len(r.examples_match) + len(r.examples_no_match) for r in ruleset.rules)
        click.echo(f"{total - len(wrong)} of {total} rule examples pass ({len(ruleset.rules)} rules)")
        sys.exit(EXIT_FAILED if wrong or broken else EXIT_OK)
    rows = [
        {
            "id": r.id,
            "kind": r.kind,
            "weight": r.weight,
            "enabled": r.id not in ruleset.disabled,
            "description": r.description,
            "context": r.context.describe(),
            "source": r.source,
        }
        for r in ruleset.rules
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            state = "" if row["enabled"] else "  (disabled)"
            kind = row["kind"] or "-"
            click.echo(f"{row['id']:<28} {kind:<9} {row['weight']:+.2f}  {row['description']}{state}")
    sys.exit(EXIT_FAILED if broken else EXIT_OK)


@main.command()
@click.argument("location", metavar="FILE:LINE")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=DEFAULT_MIN_CONFIDENCE, show_default=True,
              help="The threshold to judge the line against, as for scan.")
@rule_options
def explain(location, min_confidence, rule_dirs, disabled):
    """Show how one line of a note is read and which rules fire on it.

    Prints the line's context (section, speaker, list, lead-in), every rule
    whose context holds (matched, vetoed, or no match), the confidence, and
    whether sync would file it. Use it to tune rules to your notes.

    \b
    Example:
      track explain meetings/2024/05-14.md:42
    """
    path, _, number = location.rpartition(":")
    if not path or not number.isdigit() or int(number) < 1:
        raise click.UsageError(f"expected FILE:LINE (for example notes.md:42), got {location!r}")
    ruleset, _broken = _load(rule_dirs, disabled)
    note, problems = read_note(path)
    for problem in problems:
        (_error if problem.fatal else _warn)(str(problem))
    if note is None:
        sys.exit(EXIT_FAILED)
    meeting = read_meeting(note.text, note.path, note.repo_path)
    wanted = int(number)
    line = next((ln for ln in meeting.lines if ln.number == wanted), None)
    if line is None:
        click.echo(f"{path}:{wanted}: not a text line (blank, code, table separator, HTML or past the end)")
        sys.exit(EXIT_OK)
    click.echo(f"{path}:{wanted}  {line.text}")
    click.echo(f"  section:  {' > '.join(line.section) or '-'}")
    click.echo(f"  speaker:  {line.speaker or '-'}")
    click.echo(f"  block:    {line.block}" + (f", list depth {line.list_depth}" if line.list_depth else ""))
    click.echo(f"  lead-in:  {line.lead_in or '-'}")
    if line.checkbox:
        click.echo(f"  checkbox: {line.checkbox}")
    if line.override:
        click.echo(f"  override: <!-- track: {line.override} -->")
    if line.block == "heading":
        click.echo("  headings are never follow-ups")
        sys.exit(EXIT_OK)
    hits = evaluate(line, ruleset.active, people=known_people(meeting))
    click.echo("  rules:")
    for hit in hits:
        if hit.matched is None:
            continue
        if hit.vetoed_by:
            verdict = f"vetoed by {hit.vetoed_by!r}"
        elif hit.elsewhere:
            where = "another clause" if hit.rule.weight < 0 else "a weaker sentence"
            verdict = f"matched {hit.matched!r} in {where} (not counted)"
        else:
            verdict = f"matched {hit.matched!r}"
            if hit.weight != hit.rule.weight:
                verdict += f" (weight halved: {hit.owner!r} is not a known attendee or speaker)"
        click.echo(f"    {hit.rule.id:<26} {hit.rule.weight:+.2f}  {verdict}")
    if not any(h.matched is not None for h in hits):
        click.echo("    (no rule matched)")
    score = 1.0 if line.override == "follow-up" else confidence(hits)
    if line.override == "ignore":
        verdict = "not filed: silenced by <!-- track: ignore -->"
    elif score >= min_confidence and score > 0:
        verdict = "would be filed"
    elif score > 0:
        verdict = "a suggestion only (below --min-confidence; promote it with <!-- track: follow-up -->)"
    else:
        verdict = "not a follow-up"
    click.echo(f"  confidence: {score:.2f} (threshold {min_confidence:.2f}): {verdict}")
    covering = next((f for f in extract(meeting, ruleset, min_confidence) if f.line <= wanted <= f.end_line), None)
    if covering is not None:
        # What scan reports can differ from the line alone: a sentence read on past a soft
        # wrap, or a wrapped line that belongs to the follow-up on the line above.
        lines = f"line {covering.line}" if covering.line == covering.end_line else f"lines {covering.line}-{covering.end_line}"
        click.echo(f"  reported:   {lines} ({covering.confidence:.2f}), {covering.title!r}")
    sys.exit(EXIT_OK)


# Registered last: these commands live in their own module.
from .cli_digest import digest  # noqa: E402
from .cli_preview import preview  # noqa: E402
from .cli_sync import config_group, sync  # noqa: E402

main.add_command(sync)
main.add_command(preview)
main.add_command(digest)
main.add_command(config_group)
