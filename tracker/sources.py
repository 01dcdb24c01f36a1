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
    path: str
    text: str


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


def read_note(path: str) -> tuple[Note | None, list[Problem]]:
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(path, f"cannot read: {exc.strerror or exc}")]
    text, problem = decode(data, path)
    problems = [problem] if problem else []
    return (Note(path, text) if text is not None else None), problems
