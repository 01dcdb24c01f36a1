"""GitHub Actions plumbing: step outputs and the job summary, in the formats the runner reads."""

from __future__ import annotations

import os
import uuid

from .console import warn


def set_outputs(values: dict[str, object], env: dict[str, str] | None = None) -> None:
    """Append ``name=value`` lines to $GITHUB_OUTPUT; multi-line values use a heredoc delimiter."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    lines = []
    for name, value in values.items():
        text = "" if value is None else str(value)
        if "\n" in text or "\r" in text:
            delimiter = f"track_{uuid.uuid4().hex}"  # never inside the value
            lines.append(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
        else:
            lines.append(f"{name}={text}\n")
    _append(target, "".join(lines), "step outputs")


def add_summary(markdown: str, env: dict[str, str] | None = None) -> None:
    """Append markdown to the job summary ($GITHUB_STEP_SUMMARY), when there is one."""
    env = os.environ if env is None else env
    target = env.get("GITHUB_STEP_SUMMARY")
    if target:
        _append(target, markdown if markdown.endswith("\n") else markdown + "\n", "the job summary")


def _append(path: str, text: str, what: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        warn(f"cannot write {what} to {path}: {exc.strerror or exc}")
