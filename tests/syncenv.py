"""A notes repository on disk plus a fake GitHub, driven through the real `track` CLI.

Shared by the sync tests and by bench/bench_sync.py (which counts requests).
"""

from __future__ import annotations

import json
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import responses
from click.testing import CliRunner, Result

import tracker.github
from fakegithub import FakeGitHub
from tracker.cli import main

TOKEN = "ghp_TESTTOKENdonotprint1234567890"
# Variables an Actions runner (or a developer's shell) may set, cleared so every test starts alike.
CLEARED = ("GH_TOKEN", "GITHUB_SHA", "GITHUB_REPOSITORY", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_API_URL",
           "GITHUB_SERVER_URL", "TRACK_APP_ID", "TRACK_APP_PRIVATE_KEY_FILE", "TRACK_APP_INSTALLATION_ID")


class FakeTime:
    """Stands in for the time module in tracker.github: waits are recorded, never slept.

    It reads and advances the fake GitHub's clock, so that the reset times in
    its rate-limit headers mean what they would on GitHub.
    """

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.fake.advance(seconds)

    def monotonic(self) -> float:
        return self.fake.now.timestamp()

    def time(self) -> float:
        return self.fake.now.timestamp()


@dataclass
class Workspace:
    root: Path
    fake: FakeGitHub
    env: dict[str, str] = field(default_factory=dict)
    ref: str = "1111111111111111111111111111111111111111"
    clock: FakeTime | None = None
    rsps: responses.RequestsMock | None = None  # to add endpoints the fake does not serve

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def config(self, text: str) -> None:
        self.write(".github/track.toml", text)

    def run(self, *argv: str, input: str | None = None) -> Result:
        """`track ARGV` from the repository root, with this workspace's environment and clock."""
        old = os.getcwd()
        os.chdir(self.root)
        original = tracker.github.time
        tracker.github.time = self.clock
        try:
            return CliRunner().invoke(main, list(argv), input=input, env=self.env, catch_exceptions=False)
        finally:
            tracker.github.time = original
            os.chdir(old)

    def sync(self, *args: str, ref: str | None = None) -> Result:
        """`track sync ARGS`; --ref unless the args give one."""
        return self.run("sync", *args, *([] if "--ref" in args else ["--ref", ref or self.ref]))

    def plan(self, *args: str) -> dict:
        result = self.sync("--dry-run", "--format", "json", *args)
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)

    def tracked(self) -> list[dict]:
        """Issues carrying the base label, as the fake holds them."""
        return [i for i in self.fake.snapshot() if "follow-up" in i["labels"]]


def git(ws: Workspace, *args: str) -> str:
    """A git command in the workspace, as a fixed test author."""
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-C", str(ws.root),
                           *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def synced_repository(ws: Workspace, notes: dict[str, str]) -> None:
    """The notes committed on `main` of a new git repository, and synced."""
    git(ws, "init", "-q", "-b", "main")
    for rel, text in notes.items():
        ws.write(rel, text)
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "base")
    assert ws.sync("--yes").exit_code == 0


@contextmanager
def workspace(tmp_path: Path, config: str = "", **fake_options):
    fake = FakeGitHub("acme/notes", **fake_options)
    ws = Workspace(tmp_path, fake, clock=FakeTime(fake), env={"GITHUB_TOKEN": TOKEN, **{name: None for name in CLEARED}})
    ws.config('repo = "acme/notes"\nwrite_interval = 0\n' + config)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        ws.rsps = rsps
        yield ws
