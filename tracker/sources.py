"""Finding and reading note files: the I/O edge of the scan."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

NOTE_SUFFIXES = (".md", ".markdown")
STDIN = "-"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    fatal: bool = True  # False: a warning, the file was still read

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Note:
    path: str  # as the user gave it, for reporting
    text: str
    repo_path: str | None = None  # relative to the enclosing git work tree, for ids


def display_path(path: Path | str) -> str:
    text = str(path).replace(os.sep, "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def find_notes(args: list[str]) -> Iterator[str | Problem]:
    """Note paths in argument order; directories are searched recursively, sorted."""
    for arg in args:
        if arg == STDIN:
            yield STDIN
            continue
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in NOTE_SUFFIXES and p.is_file()
            )
            if not found:
                yield Problem(display_path(path), "no notes (*.md) in this directory")
            for p in found:
                yield display_path(p)
        elif path.exists():
            yield display_path(path)
        else:
            yield Problem(display_path(path), "no such file or directory")


def decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    if b"\0" in data[:8192]:
        return None, Problem(path, "binary file, not a markdown note; skipped")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        return text, Problem(path, f"not valid UTF-8 (byte {exc.start}); undecodable bytes were replaced", fatal=False)


def _work_tree(folder: Path, cache: dict[Path, Path | None]) -> Path | None:
    """The git work tree holding ``folder`` (a ``.git`` entry in it or above), if any."""
    if folder not in cache:
        if (folder / ".git").exists():
            cache[folder] = folder
        else:
            cache[folder] = None if folder.parent == folder else _work_tree(folder.parent, cache)
    return cache[folder]


_TREES: dict[Path, Path | None] = {}


def repo_path(path: str) -> str:
    """``path`` relative to its git work tree, so ids do not depend on where track runs."""
    absolute = Path(path).resolve()
    root = _work_tree(absolute.parent, _TREES)
    return display_path(absolute.relative_to(root)) if root else display_path(path)


def read_note(path: str, stdin_path: str | None = None) -> tuple[Note | None, list[Problem]]:
    """One note's text; ``stdin_path`` names what is read from standard input."""
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(path, f"cannot read: {exc.strerror or exc}")]
    text, problem = decode(data, path)
    problems = [problem] if problem else []
    if text is None:
        return None, problems
    if path == STDIN:
        return Note(stdin_path or STDIN, text, stdin_path), problems
    return Note(path, text, repo_path(path)), problems
