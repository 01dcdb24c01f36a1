"""`track preview`: before a merge, what the notes a pull request changes would file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .actions import add_summary
from .cli_sync import config_or_exit, fail
from .config import note_matcher
from .console import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error, warn
from .github import AuthError, GitHubError, Pacing, connect, endpoints
from .gitrefs import GitError, changed_files, merge_base, merged_tree, resolve, show, tree_files
from .plan import Links
from .preview import build_preview, changed_by_pr, markdown
from .publish import post_preview
from .rules import RuleError, load_rules
from .sync import make_plan, read_notes, repository_root


def pull_request_event(env: dict[str, str]) -> dict:
    """base, head, number and whether the PR comes from a fork, from the Actions event file."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        warn(f"cannot read the event file {path}: {exc}")
        return {}
    pr = event.get("pull_request")
    if not isinstance(pr, dict):
        return {}
    head_repo = ((pr.get("head") or {}).get("repo") or {}).get("full_name")
    base_repo = ((pr.get("base") or {}).get("repo") or {}).get("full_name")
    return {
        "base": (pr.get("base") or {}).get("sha"),
        "head": (pr.get("head") or {}).get("sha"),
        "number": pr.get("number") or event.get("number"),
        "fork": bool(head_repo and base_repo and head_repo != base_repo),
    }


@click.command()
@click.option("--base", metavar="REF", help="The PR's base commit. In Actions: from the pull_request event.")
@click.option("--head", metavar="REF", help="The PR's head commit. Default: from the event, else HEAD.")
@click.option("--pr", "pr", type=click.IntRange(1), metavar="N", help="The PR number, for --post and the heading.")
@click.option("--post", is_flag=True,
              help="Post the preview as one PR comment, edited in place on every push (not for forks).")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Config file to use instead of .github/track.toml or [tool.track] in pyproject.toml.")
def preview(base, head, pr, post, fmt, config_path):
    """Show what merging a pull request's note changes would file. Writes no issue.

    Compares the notes the PR adds or changes (base...head, via git) with the
    issues already tracked, and prints what the merge would do: create N,
    update M, comment on K, each with its title, owner and a link at the PR's
    head commit; then the weaker candidates the PR adds that will not be
    filed, with how to promote one (`<!-- track: follow-up -->`) or silence
    one that would be (`<!-- track: ignore -->`).

    In GitHub Actions on a pull_request event the base, head and PR number
    come from the event, the preview always goes to the job summary, and
    --post keeps one PR comment up to date. For a PR from a fork (read-only
    token) it writes the job summary only, and still succeeds.

    \b
    Examples:
      track preview --base origin/main           the current branch against main
      track preview --post                       in Actions, on pull_request
    """
    env = dict(os.environ)
    root = repository_root(Path.cwd())
    config = config_or_exit(root, config_path)
    if not config.repo:
        fail(f"no repository: set `repo` in {config.source or '.github/track.toml'} or GITHUB_REPOSITORY")
    is_note = note_matcher(config)
    event = pull_request_event(env)
    base, head, pr = base or event.get("base"), head or event.get("head") or "HEAD", pr or event.get("number")
    if not base:
        fail("no base commit: pass --base REF (in Actions it comes from the pull_request event)")
    try:
        ruleset, broken = load_rules([root / r for r in config.rules], set(config.disable))
        base_sha, head_sha = resolve(root, base), resolve(root, head)
        fork_point = merge_base(root, base_sha, head_sha)
        changes = changed_files(root, base_sha, head_sha)
        merged = merged_tree(root, base_sha, head_sha)
    except RuleError as exc:
        fail(f"{config.source}: {exc}")
    except GitError as exc:
        fail(str(exc))
    for problem in broken:
        warn(problem)
    notices = []
    if merged is None:
        notices.append("The merge has conflicts (or git is older than 2.38): this previews the branch as it is.")
    config_path = _relative(config.source, root) if config.source else None
    if config_path and any(c.path == config_path for c in changes):
        notices.append(f"This pull request changes {config_path}: the preview uses the config as "
                       "checked out, so what the new config would change is not shown.")

    def at(ref):
        def read(rel: str) -> bytes:
            data = show(root, ref, rel)
            if data is None:
                raise FileNotFoundError(2, "not in that commit")
            return data
        return read

    # Notes after the merge; a note renamed out of the `notes` globs counts as deleted.
    paths = [c.path for c in changes if c.status != "D" and is_note(c.path)]
    deleted = {c.path for c in changes if c.status == "D" and is_note(c.path)}
    deleted |= {c.old_path for c in changes if c.old_path and is_note(c.old_path) and not is_note(c.path)}
    old_path = {c.path: c.old_path or c.path for c in changes if c.status not in "AD" and is_note(c.path)}
    # What the branch adds is judged against where it left the base; what sync will see, on the merge.
    head_view = read_notes(root, paths, set(paths), config, ruleset, read=at(head_sha))
    after_merge = read_notes(root, paths, set(paths), config, ruleset, read=at(merged or head_sha))
    before = read_notes(root, list(dict.fromkeys(old_path.values())), set(), config, ruleset, read=at(fork_point))
    for problem in head_view.problems:
        (error if problem.fatal else warn)(str(problem))
        notices.append(f"{problem.path}: {problem.message}.")
    base_texts: dict[str, set[str]] = {}
    for d in before.desired:
        base_texts.setdefault(d.path, set()).add(d.text)
    added = changed_by_pr(head_view.desired, base_texts, old_path)

    api, server = endpoints(env)
    links = Links(server, config.links_repo, head_sha)
    scope = set(paths) | set(old_path.values()) | deleted  # a deleted note's issues count as removed
    try:
        client = connect(config.repo, Pacing(write_interval=config.write_interval), env=env)
        tree = merged or head_sha
        after_merge.existing = set(paths) | {p for p in tree_files(root, tree) if is_note(p)}
        # The same plan sync will make after the merge (all reads: detached issues, assignees, labels).
        planned = make_plan(client, after_merge, config, links, scope)
        for message in planned.warnings:
            warn(message)
        result = build_preview(config.repo, pr, head_sha, planned.plan, head_view.desired, added, planned.refused,
                               notices)
        text = markdown(result, links, config)
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if fmt == "json" else text)
        add_summary(text, env)
        if post:
            _post(client, pr, text, event.get("fork", False))
    except GitHubError as exc:
        fail(str(exc), EXIT_USAGE if isinstance(exc, AuthError) else EXIT_FAILED)
    sys.exit(EXIT_OK)


def _post(client, pr: int | None, text: str, fork: bool) -> None:
    if fork:
        warn("a pull request from a fork gets a read-only token: the preview is in the job summary only")
        return
    if not pr:
        fail("--post needs the pull request's number: pass --pr N (in Actions it comes from the event)")
    try:
        posted = post_preview(client, pr, text)
    except GitHubError as exc:  # a read-only token, most likely: the summary still has it
        warn(f"cannot comment on #{pr} ({exc}): the preview is in the job summary only")
        return
    verb = "posted" if posted.created else "updated" if posted.writes else "unchanged"
    click.echo(f"preview comment {verb}: {posted.url}", err=True)



def _relative(source: str, root: Path) -> str:
    try:
        return Path(source).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return source

