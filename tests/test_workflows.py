"""Lint for the GitHub Actions files: the composite action, this repo's workflows, the example workflows.

Files are found by glob, so a new workflow is checked as soon as it exists. Every
assertion names the file, the job and step, and what to change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="pyyaml is in the test extra: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted(
    p for pattern in (".github/workflows/*.yml", ".github/workflows/*.yaml",
                      "examples/workflows/*.yml", "examples/workflows/*.yaml")
    for p in ROOT.glob(pattern)
)
EXAMPLES = [p for p in WORKFLOWS if p.parent == ROOT / "examples" / "workflows"]
ALL_FILES = [ACTION, *WORKFLOWS]

EXPRESSION = "${{"
SHA = re.compile(r"[0-9a-f]{40}")


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{rel(path)}: the top level must be a mapping"
    return doc


def triggers(doc: dict) -> dict:
    """The `on:` section. YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True."""
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return on or {}


def jobs(doc: dict) -> dict[str, dict]:
    return doc.get("jobs") or {}


def step_name(step: dict, index: int) -> str:
    return f"step {index + 1} ({step.get('name') or step.get('id') or step.get('uses') or 'run'})"


def steps_of(path: Path, doc: dict):
    """(where, step, job) for every step: job is None for the composite action."""
    if path == ACTION:
        for i, step in enumerate(doc["runs"].get("steps") or []):
            yield f"{rel(path)}: runs.steps {step_name(step, i)}", step, None
        return
    for job_id, job in jobs(doc).items():
        for i, step in enumerate(job.get("steps") or []):
            yield f"{rel(path)}: job '{job_id}' {step_name(step, i)}", step, job


def _shell_default(section: dict | None) -> str | None:
    return (((section or {}).get("defaults") or {}).get("run") or {}).get("shell")


def is_track_step(step: dict) -> bool:
    """A step that uses the track action: the repo's own (./) or a published one (…/track@ref)."""
    uses = str(step.get("uses", ""))
    return uses == "./" or bool(re.search(r"(^|/)track@", uses))


def write_permissions(doc: dict) -> list[str]:
    """Every permission this workflow grants with write access, at workflow or job level."""
    sections = [doc.get("permissions")] + [job.get("permissions") for job in jobs(doc).values()]
    granted = []
    for perms in sections:
        if perms == "write-all":
            granted.append("write-all")
        elif isinstance(perms, dict):
            granted += [f"{name}: write" for name, level in perms.items() if level == "write"]
    return granted


def ids(paths):
    return [rel(p) for p in paths]


@pytest.fixture(scope="module")
def action() -> dict:
    return load(ACTION)


def test_files_are_found():
    assert ACTION.is_file(), "action.yml is missing at the repository root"
    assert (ROOT / ".github/workflows/ci.yml") in WORKFLOWS, "the glob no longer finds .github/workflows/ci.yml"
    names = {p.name for p in EXAMPLES}
    assert {"track-sync.yml", "track-preview.yml", "track-digest.yml"} <= names, (
        f"examples/workflows/ should hold track-sync.yml, track-preview.yml and track-digest.yml; found {sorted(names)}")


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_yaml_parses(path):
    doc = load(path)
    if path == ACTION:
        assert doc.get("runs", {}).get("using") == "composite", f"{rel(path)}: set runs.using: composite"
    else:
        assert triggers(doc), f"{rel(path)}: no `on:` triggers (a quoted or misspelt key?)"
        assert jobs(doc), f"{rel(path)}: no jobs"


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_every_run_step_has_a_shell(path):
    doc = load(path)
    for where, step, job in steps_of(path, doc):
        if "run" not in step:
            continue
        if job is None:  # composite actions have no defaults: each run step needs its own
            assert step.get("shell"), f"{where}: a composite action's run step needs its own `shell: bash`"
        else:
            shell = step.get("shell") or _shell_default(job) or _shell_default(doc)
            assert shell, (f"{where}: add `shell: bash` to the step, or `defaults: run: shell: bash` "
                           "to the job or the workflow")


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_no_expressions_inside_run_scripts(path):
    doc = load(path)
    for where, step, _job in steps_of(path, doc):
        script = str(step.get("run", ""))
        assert EXPRESSION not in script, (
            f"{where}: `${{{{ ... }}}}` inside `run:` is pasted into the script before bash sees it "
            "(script injection); pass the value through the step's `env:` and use \"$NAME\" in the script")


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_uses_are_pinned(path):
    doc = load(path)
    for where, step, _job in steps_of(path, doc):
        uses = step.get("uses")
        if uses is None or str(uses).startswith(("./", "docker://")):
            continue
        assert re.search(r"@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$", str(uses)), (
            f"{where}: pin `{uses}` to a major tag (@v4) or a full commit SHA")


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_permissions_declared(path):
    doc = load(path)
    if "permissions" in doc:
        assert doc["permissions"] != "write-all", f"{rel(path)}: list the permissions needed instead of write-all"
        return
    missing = [job_id for job_id, job in jobs(doc).items() if "permissions" not in job]
    assert not missing, (f"{rel(path)}: declare `permissions:` at the workflow level, or on every job "
                         f"(missing on {', '.join(missing)}); otherwise the token gets the repository default")


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_writers_have_a_concurrency_group(path):
    doc = load(path)
    writes = write_permissions(doc)
    commands = [(s.get("with") or {}).get("command", "sync") for _w, s, _j in steps_of(path, doc) if is_track_step(s)]
    writes += [f"track {c}" for c in commands if c in ("sync", "digest")]
    if not writes:
        return

    def group(section) -> str | None:
        conc = section.get("concurrency")
        return conc.get("group") if isinstance(conc, dict) else conc

    if group(doc):
        return
    missing = [job_id for job_id, job in jobs(doc).items() if not group(job)]
    assert not missing, (f"{rel(path)}: it writes ({', '.join(writes)}) so two runs must not overlap: add "
                         f"`concurrency: {{group: ..., cancel-in-progress: false}}` at the workflow level "
                         f"(missing on job {', '.join(missing)})")


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_no_pull_request_target(path):
    assert "pull_request_target" not in triggers(load(path)), (
        f"{rel(path)}: use `pull_request`, not `pull_request_target`: the latter runs with a write token "
        "and secrets next to the pull request's files")


@pytest.mark.parametrize("path", EXAMPLES, ids=ids(EXAMPLES))
def test_example_track_steps_use_declared_inputs(path, action):
    declared = set(action["inputs"])
    doc = load(path)
    found = False
    for where, step, _job in steps_of(path, doc):
        if not is_track_step(step):
            continue
        found = True
        unknown = set(step.get("with") or {}) - declared
        assert not unknown, f"{where}: `with:` keys {sorted(unknown)} are not inputs of action.yml ({sorted(declared)})"
        command = (step.get("with") or {}).get("command", "sync")
        assert command in ("sync", "preview", "digest"), f"{where}: command must be sync, preview or digest"
        assert str(step["uses"]).endswith("@v1"), f"{where}: examples pin the action by its major tag, e.g. @v1"
    assert found, f"{rel(path)}: no step uses the track action (your-org/track@v1)"


@pytest.mark.parametrize("path", EXAMPLES, ids=ids(EXAMPLES))
def test_example_preview_runs_on_pull_request_with_full_history(path):
    doc = load(path)
    steps = [(w, s) for w, s, _j in steps_of(path, doc)]
    previews = [w for w, s in steps if is_track_step(s) and (s.get("with") or {}).get("command") == "preview"]
    if not previews:
        return
    on = triggers(doc)
    assert "pull_request" in on, f"{previews[0]} runs preview: trigger the workflow `on: pull_request`"
    checkouts = [(w, s) for w, s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts, f"{rel(path)}: check out the repository before the preview"
    for where, step in checkouts:
        assert (step.get("with") or {}).get("fetch-depth") == 0, (
            f"{where}: preview needs the base and head history: set `with: fetch-depth: 0`")


def test_an_example_previews_pull_requests():
    commands = {(s.get("with") or {}).get("command", "sync") for p in EXAMPLES
                for _w, s, _j in steps_of(p, load(p)) if is_track_step(s)}
    assert {"sync", "preview", "digest"} <= commands, f"examples cover commands {sorted(commands)}; expected all three"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_schedules_are_off_the_hour_and_can_be_run_by_hand(path):
    on = triggers(load(path))
    for entry in on.get("schedule") or []:
        minute = str(entry["cron"]).split()[0]
        assert minute not in ("0", "00", "*"), (
            f"{rel(path)}: cron '{entry['cron']}' runs at the top of the hour, when scheduled runs are "
            "likeliest to be delayed or dropped: pick another minute, e.g. 17")
        assert "workflow_dispatch" in on, (f"{rel(path)}: add `workflow_dispatch:` beside `schedule:` so the "
                                           "run can be started by hand (schedules get disabled when idle)")


# --- the composite action itself ---

def test_action_outputs_map_to_the_run_step(action):
    step_ids = [s.get("id") for s in action["runs"]["steps"]]
    assert "run" in step_ids, "action.yml: the step that runs track needs `id: run` (the outputs read it)"
    expected = {"created", "updated", "commented", "closed", "skipped", "digest-url"}
    assert set(action["outputs"]) == expected, f"action.yml: outputs should be {sorted(expected)}"
    for name, spec in action["outputs"].items():
        value = re.sub(r"\s+", " ", str(spec.get("value", "")))
        assert value == f"${{{{ steps.run.outputs.{name} }}}}", (
            f"action.yml: outputs.{name}.value is {value!r}; set it to ${{{{ steps.run.outputs.{name} }}}}")


def test_action_pins_setup_python_to_a_major_version(action):
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    setup = [u for u in uses if u.startswith("actions/setup-python@")]
    assert setup, "action.yml: set up Python with actions/setup-python@vN"
    for ref in setup:
        assert re.fullmatch(r"actions/setup-python@(v\d+|[0-9a-f]{40})", ref), (
            f"action.yml: pin `{ref}` to a major version tag (actions/setup-python@v5) or a full SHA")


def test_action_inputs_are_declared_and_used(action):
    declared = set(action["inputs"])
    assert {"command", "token", "config", "paths", "dry-run", "args"} <= declared
    text = ACTION.read_text(encoding="utf-8")
    referenced = set(re.findall(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", text))
    assert referenced <= declared, f"action.yml: undeclared inputs referenced: {sorted(referenced - declared)}"
    assert declared <= referenced, f"action.yml: inputs never used: {sorted(declared - referenced)}"
    assert "INPUT_" not in text, "action.yml: composite actions get no INPUT_* variables: map inputs in `env:`"


def test_action_token_reaches_track_through_env_only(action):
    run = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert re.fullmatch(r"\$\{\{\s*inputs\.token\s*\}\}", str(run["env"].get("GITHUB_TOKEN", ""))), (
        "action.yml: step 'run' must set env GITHUB_TOKEN: ${{ inputs.token }}")
    for step in action["runs"]["steps"]:
        if step.get("id") != "run":
            assert "inputs.token" not in str(step.get("env", "")) + str(step.get("with", "")), (
                f"action.yml: step {step.get('id')!r} should not see the token")
