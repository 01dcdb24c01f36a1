"""Reading notes out of git: what a pull request changed, and a file as of a commit (the I/O edge)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """A git command failed; the message says what to fix."""


@dataclass(frozen=True)
class Change:
    status: str  # A added, M modified, R renamed, C copied, D deleted
    path: str  # in the head commit (for D: in the base)
    old_path: str | None = None  # in the base, for a rename or copy


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def resolve(root: Path, ref: str) -> str:
    """The full SHA of a ref, or a GitError that says to fetch it."""
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"{ref}: not a commit in this checkout (check out with fetch-depth: 0, "
                       "or fetch the pull request's base)") from None


def changed_files(root: Path, base: str, head: str) -> list[Change]:
    """Files the head adds, changes or deletes since it left the base (``base...head``), renames followed."""
    try:
        out = _git(root, "diff", "--name-status", "-z", "-M", "--diff-filter=ACDMR", f"{base}...{head}")
    except GitError as exc:
        raise GitError(f"{exc} (is the history of both commits fetched? use fetch-depth: 0)") from None
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    changes, i = [], 0
    while i < len(fields) and fields[i]:
        status = fields[i][0]
        if status in "RC":
            changes.append(Change(status, fields[i + 2], fields[i + 1]))
            i += 3
        else:
            changes.append(Change(status, fields[i + 1]))
            i += 2
    return changes


def show(root: Path, ref: str, path: str) -> bytes | None:
    """A file's bytes as of a commit; None when it is not there."""
    try:
        return _git(root, "show", f"{ref}:{path}")
    except GitError:
        return None


def merge_base(root: Path, base: str, head: str) -> str:
    try:
        return _git(root, "merge-base", base, head).decode().strip()
    except GitError as exc:
        raise GitError(f"{exc} (is the history of both commits fetched? use fetch-depth: 0)") from None


def merged_tree(root: Path, base: str, head: str) -> str | None:
    """The tree a merge of head into base would give, or None when it conflicts (or git is older than 2.38)."""
    try:
        out = _git(root, "merge-tree", "--write-tree", "--no-messages", base, head)
    except GitError:
        return None
    first = out.decode().split("\n", 1)[0].strip()
    return first or None


def tree_files(root: Path, ref: str) -> list[str]:
    """Every file path in a commit."""
    out = _git(root, "ls-tree", "-r", "--name-only", "-z", ref).decode("utf-8", "surrogateescape")
    return [p for p in out.split("\0") if p]
