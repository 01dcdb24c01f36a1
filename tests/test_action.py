"""Run the composite action's bash steps (action.yml) the way the Actions runner would.

Each step's `env:` is filled in from the test's inputs (action.yml's defaults
otherwise), the script runs under `bash --noprofile --norc -eo pipefail` as the
runner runs `shell: bash`, with GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_OUTPUT
and GITHUB_STEP_SUMMARY set. `track` is a stub that records its argv and its
GITHUB_TOKEN, writes step outputs (one of them multi-line) and exits with the
status a test picks.

How the run step finds track: it runs "${TRACK_BIN:-track}", where TRACK_BIN is
the install step's output `track` (the venv's executable). Tests hand it the
stub's path, or leave it empty so `track` is looked up on PATH.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import tracker

yaml = pytest.importorskip("yaml", reason="pyyaml is in the test extra: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("id"): step for step in ACTION["runs"]["steps"]}
FAKE_TOKEN = "ghs_FAKE0123456789abcdef"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
MULTILINE = "first line\n  second line = with an equals sign\nthird line"

STUB = r"""#!/usr/bin/env bash
# A stand-in for track: records what it was given, writes outputs, exits with a chosen status.
printf '%s\n' "$@" > {log}/argv
printf '%s' "${{GITHUB_TOKEN-<unset>}}" > {log}/token
{{
  echo "created=2"
  echo "updated=1"
  echo "commented=0"
  echo "closed=0"
  echo "skipped=3"
  echo "digest-url=https://github.com/o/r/issues/7"
  echo "notes<<ghadelimiter_5e1fa0"
  printf '%s\n' {multiline}
  echo "ghadelimiter_5e1fa0"
}} >> "$GITHUB_OUTPUT"
echo "stub $1 summary" >> "$GITHUB_STEP_SUMMARY"
exit {status}
"""


def parse_outputs(text: str) -> dict[str, str]:
    """Read a $GITHUB_OUTPUT file as the runner does: `name=value` lines and `name<<DELIM` ... `DELIM` blocks."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        eq, heredoc = line.find("="), line.find("<<")
        if heredoc >= 0 and (eq < 0 or heredoc < eq):
            name, delimiter = line[:heredoc], line[heredoc + 2:]
            assert name and delimiter, f"bad heredoc header {line!r}"
            value = []
            while True:
                assert i < len(lines), f"output {name!r}: no closing delimiter {delimiter!r}"
                if lines[i] == delimiter:
                    i += 1
                    break
                value.append(lines[i])
                i += 1
            outputs[name] = "\n".join(value)
        else:
            assert eq > 0, f"not an output line: {line!r}"
            outputs[line[:eq]] = line[eq + 1:]
    return outputs


def resolve(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    """Evaluate the ${{ }} expressions action.yml uses; anything else fails the test so it gets noticed."""
    def one(match: re.Match) -> str:
        expr = match.group(1)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.token":
            return FAKE_TOKEN
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if step:
            return steps.get(step[1], {}).get(step[2], "")  # the runner gives '' for a missing output
        raise AssertionError(f"action.yml uses an expression this test cannot evaluate: {expr}")
    return EXPRESSION.sub(one, str(text))


def action_inputs(given: dict[str, str]) -> dict[str, str]:
    unknown = set(given) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of action.yml: {unknown}"
    defaults = {name: resolve(spec.get("default", ""), {}, {}) for name, spec in ACTION["inputs"].items()}
    return defaults | given


@dataclass
class StepRun:
    status: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    log: Path

    @property
    def argv(self) -> list[str] | None:
        """The stub's arguments, one per line; None when the stub never ran."""
        path = self.log / "argv"
        return path.read_text().splitlines() if path.exists() else None

    @property
    def token(self) -> str:
        return (self.log / "token").read_text()


class Runner:
    """One job's worth of runner state in a temporary directory."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.workspace = tmp / "workspace"
        self.workspace.mkdir()
        (self.workspace / "note.md").write_text("a file for a glob to find\n")
        self.runner_temp = tmp / "runner_temp"
        self.runner_temp.mkdir()
        self.log = tmp / "log"
        self.log.mkdir()
        self.on_path = tmp / "path-bin"
        self.on_path.mkdir()

    def stub(self, directory: Path, status: int = 0) -> Path:
        directory.mkdir(exist_ok=True)
        stub = directory / "track"
        multiline = " ".join("'" + line + "'" for line in MULTILINE.split("\n"))
        stub.write_text(STUB.format(log=self.log, status=status, multiline=multiline))
        stub.chmod(0o755)
        return stub

    def run(self, step_id: str, inputs: dict[str, str] | None = None,
            steps: dict[str, dict[str, str]] | None = None, path: list[Path] | None = None) -> StepRun:
        step = STEPS[step_id]
        assert step.get("shell") == "bash", f"step {step_id}: this test runs bash steps only"
        values = action_inputs(inputs or {})
        output_file = self.tmp / f"output-{step_id}"
        summary_file = self.tmp / "summary.md"
        output_file.write_text("")
        env = {
            "PATH": os.pathsep.join([*(str(p) for p in (path or [self.on_path])), os.environ.get("PATH", "")]),
            "HOME": str(self.tmp),
            "LANG": "C.UTF-8",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(ROOT),
            "RUNNER_TEMP": str(self.runner_temp),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
        }
        env |= {name: resolve(value, values, steps or {}) for name, value in (step.get("env") or {}).items()}
        # As the runner runs `shell: bash`: bash --noprofile --norc -eo pipefail {0}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              env=env, cwd=self.workspace, capture_output=True, text=True, timeout=60)
        return StepRun(done.returncode, done.stdout, done.stderr, parse_outputs(output_file.read_text()),
                       summary_file.read_text() if summary_file.exists() else "", self.log)


@pytest.fixture
def runner(tmp_path) -> Runner:
    return Runner(tmp_path)


def run_with_stub(runner: Runner, status: int = 0, **inputs) -> StepRun:
    """The run step with the stub as the install step's `track` output, as on a real runner."""
    stub = runner.stub(runner.tmp / "venv-bin", status)
    return runner.run("run", inputs, steps={"install": {"track": str(stub)}})


# --- argv ---

@pytest.mark.parametrize("inputs, expected", [
    ({}, ["sync", "--yes"]),
    ({"dry-run": "true"}, ["sync", "--dry-run"]),
    ({"command": "sync", "dry-run": "false"}, ["sync", "--yes"]),
    ({"command": "preview"}, ["preview", "--post"]),
    ({"command": "preview", "dry-run": "true"}, ["preview"]),
    ({"command": "digest"}, ["digest", "--post"]),
    ({"command": "digest", "dry-run": "True", "args": "--format json"}, ["digest", "--format", "json"]),
    ({"config": ".github/track notes.toml"}, ["sync", "--config", ".github/track notes.toml", "--yes"]),
    ({"args": "--backfill\n--max-writes   5\t--verbose"}, ["sync", "--yes", "--backfill", "--max-writes", "5", "--verbose"]),
    ({"paths": "meetings/2024/a.md\n  meetings/team sync/b.md  \n\nmeetings/-odd.md\n"},
     ["sync", "--yes", "--", "meetings/2024/a.md", "meetings/team sync/b.md", "meetings/-odd.md"]),
    ({"paths": "meetings/", "dry-run": "true", "config": "c.toml", "args": "--backfill"},
     ["sync", "--config", "c.toml", "--dry-run", "--backfill", "--", "meetings/"]),
], ids=["default", "sync-dry-run", "sync", "preview", "preview-dry-run", "digest", "digest-dry-run-args",
        "config-with-space", "args", "paths-one-per-line", "everything"])
def test_argv(runner, inputs, expected):
    result = run_with_stub(runner, **inputs)
    assert result.status == 0, result.stdout + result.stderr
    assert result.argv == expected


def test_inputs_are_never_evaluated(runner):
    pwned = [runner.tmp / f"pwned{i}" for i in range(5)]
    args = f"--backfill $(touch {pwned[0]}) `touch {pwned[1]}` ; touch {pwned[2]} * $HOME '--a b'"
    result = run_with_stub(runner, args=args, paths=f"$(touch {pwned[3]})", config=f"$(touch {pwned[4]})")
    assert result.status == 0, result.stdout + result.stderr
    assert not [p for p in pwned if p.exists()], "an input was executed by the shell"
    assert result.argv == ["sync", "--config", f"$(touch {pwned[4]})", "--yes", *args.split(),
                           "--", f"$(touch {pwned[3]})"]


# --- errors ---

@pytest.mark.parametrize("command", ["deploy", "Sync", "sync --dry-run", "", "$(touch {tmp}/pwned)"])
def test_an_unknown_command_is_a_usage_error(runner, command):
    command = command.format(tmp=runner.tmp)
    result = run_with_stub(runner, command=command)
    assert result.status == 2
    assert "::error" in result.stdout and "sync, preview or digest" in result.stdout
    assert result.argv is None, "track ran despite the bad command"
    assert not (runner.tmp / "pwned").exists()
    assert "must be sync, preview or digest" in result.summary


@pytest.mark.parametrize("inputs, message", [
    ({"dry-run": "yes"}, "dry-run must be 'true' or 'false'"),
    ({"command": "preview", "paths": "meetings/a.md"}, "paths input is for command sync only"),
])
def test_bad_inputs_are_usage_errors(runner, inputs, message):
    result = run_with_stub(runner, **inputs)
    assert result.status == 2
    assert "::error" in result.stdout and message in result.stdout
    assert result.argv is None


@pytest.mark.parametrize("command, status", [("sync", 1), ("sync", 2), ("digest", 1), ("preview", 3)])
def test_a_failing_command_keeps_its_status_and_says_so_in_the_summary(runner, command, status):
    result = run_with_stub(runner, status=status, command=command)
    assert result.status == status
    assert result.argv[0] == command
    assert f"stub {command} summary" in result.summary, "track's own summary is kept"
    assert f"track {command} failed with exit status {status}: see the step log." in result.summary


def test_success_adds_no_failure_line(runner):
    result = run_with_stub(runner)
    assert result.status == 0
    assert result.summary == "stub sync summary\n"


# --- outputs and token ---

def test_outputs_parse_and_feed_the_action_outputs(runner):
    result = run_with_stub(runner)
    assert result.outputs == {"created": "2", "updated": "1", "commented": "0", "closed": "0", "skipped": "3",
                              "digest-url": "https://github.com/o/r/issues/7", "notes": MULTILINE}
    action_outputs = {name: resolve(spec["value"], {}, {"run": result.outputs})
                      for name, spec in ACTION["outputs"].items()}
    assert action_outputs == {"created": "2", "updated": "1", "commented": "0", "closed": "0", "skipped": "3",
                              "digest-url": "https://github.com/o/r/issues/7"}


def test_output_parser_reads_the_runner_format():
    text = "a=1\nb=x=y\n\nc<<EOF_1\nline 1\nd=not an output\nEOF_1\ne<<X\nX\n"
    assert parse_outputs(text) == {"a": "1", "b": "x=y", "c": "line 1\nd=not an output", "e": ""}
    with pytest.raises(AssertionError, match="no closing delimiter"):
        parse_outputs("c<<EOF\nline\n")


@pytest.mark.parametrize("token", [None, "ghp_from_a_secret"])
def test_the_token_reaches_track_only_through_env(runner, token):
    result = run_with_stub(runner, **({} if token is None else {"token": token}))
    expected = FAKE_TOKEN if token is None else token
    assert result.token == expected, "GITHUB_TOKEN in track's environment"
    assert not any(expected in arg for arg in result.argv), "the token is on the command line"
    assert expected not in result.stdout + result.stderr + result.summary, "the token is in the log or summary"


# --- how the run step finds track ---

def test_the_install_steps_executable_wins_over_path(runner):
    decoy = runner.on_path / "track"
    decoy.write_text("#!/usr/bin/env bash\nexit 99\n")
    decoy.chmod(0o755)
    result = run_with_stub(runner)
    assert result.status == 0 and result.argv == ["sync", "--yes"]


def test_without_the_install_output_track_comes_from_path(runner):
    runner.stub(runner.on_path)
    result = runner.run("run", {"command": "digest"}, steps={})
    assert result.status == 0, result.stdout + result.stderr
    assert result.argv == ["digest", "--post"]


REAL_TRACK = Path(sys.executable).parent / "track"


@pytest.mark.skipif(not REAL_TRACK.exists(), reason="track is not installed next to this Python")
def test_install_then_run_with_the_real_track(runner):
    """The install step with a stub Python (no network): its venv's track is the real one; then the run step uses it."""
    python = runner.tmp / "python-bin" / "python"
    python.parent.mkdir()
    python.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1 $2" = "-m venv" ]; then\n'
        '  mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && ln -s ' + f"'{REAL_TRACK}'" + ' "$3/bin/track"\n'
        "  exit 0\n"
        "fi\n"
        f"printf '%s\\n' \"$@\" > '{runner.log}/pip'\n"
    )
    python.chmod(0o755)
    install = runner.run("install", steps={"python": {"python-path": str(python)}})
    assert install.status == 0, install.stdout + install.stderr
    assert f"track, version {tracker.__version__}" in install.stdout
    assert (runner.log / "pip").read_text().split() == [
        "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)]
    venv_track = runner.runner_temp / "track-venv" / "bin" / "track"
    assert install.outputs == {"track": str(venv_track)}

    # PATH holds only a decoy: the run step must use the install step's output.
    decoy = runner.on_path / "track"
    decoy.write_text("#!/usr/bin/env bash\nexit 99\n")
    decoy.chmod(0o755)
    result = runner.run("run", {"args": "--help"}, steps={"install": install.outputs})
    assert result.status == 0, result.stdout + result.stderr
    assert "Usage: track sync" in result.stdout


@pytest.mark.skipif(not REAL_TRACK.exists(), reason="track is not installed next to this Python")
@pytest.mark.parametrize("inputs, usage", [
    ({"command": "sync", "dry-run": "true", "config": "c.toml"}, "Usage: track sync"),
    ({"command": "preview", "config": "c.toml"}, "Usage: track preview"),
    ({"command": "digest", "config": "c.toml"}, "Usage: track digest"),
])
def test_the_real_cli_accepts_the_options_the_action_passes(runner, inputs, usage):
    """`--help` after the action's options: click still rejects an option the command does not have."""
    result = runner.run("run", inputs | {"args": "--help"}, steps={"install": {"track": str(REAL_TRACK)}})
    assert result.status == 0, result.stdout + result.stderr
    assert usage in result.stdout
