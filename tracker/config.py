"""Sync settings: `.github/track.toml` or `[tool.track]` in pyproject.toml, checked key by key.

Every problem is one line naming the file, the key and what is expected, so
a typo in the config never turns into a surprise write to someone's tracker.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .extract import DEFAULT_MIN_CONFIDENCE
from .model import KINDS

CONFIG_FILE = ".github/track.toml"
PYPROJECT = "pyproject.toml"
ON_REMOVED = ("comment", "close", "ignore")
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
DEFAULT_NOTES = ("**/*.md",)
# Markdown files that are about the repository, not meetings.
DEFAULT_EXCLUDE = (
    ".github/**",
    "**/README.md",
    "**/CHANGELOG.md",
    "**/CONTRIBUTING.md",
    "**/CODE_OF_CONDUCT.md",
    "**/LICENSE.md",
    "**/SECURITY.md",
)
DEFAULT_KIND_LABELS = {kind: f"kind: {kind}" for kind in KINDS}


class ConfigError(Exception):
    """A config problem, already phrased as one line for the user."""


@dataclass(frozen=True)
class Labels:
    base: str = "follow-up"
    kinds: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KIND_LABELS))
    series: bool = True  # a label per meeting series, from the note's folder
    series_prefix: str = "meeting: "


@dataclass(frozen=True)
class Config:
    source: str | None = None  # the file it came from; None when every default applies
    repo: str | None = None
    notes: tuple[str, ...] = DEFAULT_NOTES
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    notes_repo: str | None = None
    start: dt.date | None = None
    labels: Labels = field(default_factory=Labels)
    people: dict[str, str] = field(default_factory=dict)  # name as written -> login
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    on_removed: str = "comment"
    max_writes: int = 100
    write_interval: float = 3.0
    rules: tuple[str, ...] = ()  # extra rule folders, relative to the repository root
    disable: tuple[str, ...] = ()  # rule ids to turn off

    @property
    def links_repo(self) -> str | None:
        return self.notes_repo or self.repo


# --- reading ---------------------------------------------------------------


def find_config(root: Path) -> Path | None:
    """The config file in force for a repository checkout, if any."""
    candidate = root / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = root / PYPROJECT
    if pyproject.is_file() and "track" in _read_toml(pyproject).get("tool", {}):
        return pyproject
    return None


def load_config(path: Path | None, env: dict[str, str] | None = None) -> Config:
    """Read and check a config file (None: defaults). ``GITHUB_REPOSITORY`` fills ``repo``."""
    env = os.environ if env is None else env
    if path is None:
        return Config(repo=env.get("GITHUB_REPOSITORY") or None)
    data = _read_toml(path)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("track")
        if data is None:
            raise ConfigError(f"{path}: no [tool.track] table")
    config = parse_config(data, str(path))
    if config.repo is None and env.get("GITHUB_REPOSITORY"):
        config = replace(config, repo=env["GITHUB_REPOSITORY"])
    return config


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


# --- checking ----------------------------------------------------------------


class _Checker:
    """Pulls typed values out of a table, naming file and key in every complaint."""

    def __init__(self, source: str, table: dict, prefix: str = "") -> None:
        self.source, self.table, self.prefix = source, table, prefix

    def fail(self, key: str, expected: str, value: object = None) -> ConfigError:
        return ConfigError(f"{self.source}: {self.prefix}{key}: expected {expected}, got {_describe(value)}")

    def unknown(self, known: tuple[str, ...]) -> None:
        for key in self.table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)
                raise ConfigError(f"{self.source}: {self.prefix}{key}: unknown key ({hint})")

    def string(self, key: str, default, pattern: re.Pattern | None = None, expected: str = "a string"):
        value = self.table.get(key, default)
        if value is default:
            return default
        if not isinstance(value, str) or not value.strip() or (pattern and not pattern.match(value)):
            raise self.fail(key, expected, value)
        return value

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.table.get(key, default)
        if value is default:
            return default
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "a list of non-empty strings", value)
        return tuple(value)

    def number(self, key: str, default, low: float, high: float | None, integer: bool = False):
        value = self.table.get(key, default)
        kinds = (int,) if integer else (int, float)
        expected = ("an integer" if integer else "a number") + (
            f" from {low} to {high}" if high is not None else f" of at least {low}"
        )
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise self.fail(key, expected, value)
        if value < low or (high is not None and value > high):
            raise self.fail(key, expected, value)
        return value

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.table.get(key, default)
        if value not in choices:
            raise self.fail(key, "one of " + ", ".join(f"'{c}'" for c in choices), value)
        return value

    def table_of(self, key: str) -> dict:
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "a table", value)
        return value


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"'{value}'" if value.strip() else "an empty string"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


TOP_KEYS = (
    "repo", "notes", "exclude", "notes_repo", "start", "labels", "people", "min_confidence",
    "on_removed", "max_writes", "write_interval", "rules", "disable",
)
LABEL_KEYS = ("base", "kinds", "series", "series_prefix")


def parse_config(data: dict, source: str) -> Config:
    """Check a config table and build a ``Config``; raises ``ConfigError`` on the first problem."""
    check = _Checker(source, data)
    check.unknown(TOP_KEYS)
    return Config(
        source=source,
        repo=check.string("repo", None, REPO, "'owner/name'"),
        notes=check.strings("notes", DEFAULT_NOTES),
        exclude=check.strings("exclude", DEFAULT_EXCLUDE),
        notes_repo=check.string("notes_repo", None, REPO, "'owner/name'"),
        start=_start(check),
        labels=_labels(source, check.table_of("labels")),
        people=_people(source, check.table_of("people")),
        min_confidence=float(check.number("min_confidence", DEFAULT_MIN_CONFIDENCE, 0, 1)),
        on_removed=check.choice("on_removed", "comment", ON_REMOVED),
        max_writes=check.number("max_writes", 100, 0, None, integer=True),
        write_interval=float(check.number("write_interval", 3.0, 0, None)),
        rules=check.strings("rules", ()),
        disable=check.strings("disable", ()),
    )


def _start(check: _Checker) -> dt.date | None:
    value = check.table.get("start")
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise check.fail("start", "a date such as 2024-01-31", value)


def _labels(source: str, table: dict) -> Labels:
    check = _Checker(source, table, "labels.")
    check.unknown(LABEL_KEYS)
    kinds_table = check.table_of("kinds")
    kinds_check = _Checker(source, kinds_table, "labels.kinds.")
    kinds_check.unknown(KINDS)
    kinds = dict(DEFAULT_KIND_LABELS)
    for kind in kinds_table:
        kinds[kind] = kinds_check.string(kind, None, expected="a label name")
    series = table.get("series", True)
    if not isinstance(series, bool):
        raise check.fail("series", "true or false", series)
    prefix = table.get("series_prefix", "meeting: ")
    if not isinstance(prefix, str):
        raise check.fail("series_prefix", "a string (may be empty)", prefix)
    base = check.string("base", "follow-up", expected="a label name")
    if "," in base or len(base.strip()) > 50:
        # The issue listing filters by it: a comma would split it into two labels, and GitHub caps names at 50.
        raise check.fail("base", "a label name of at most 50 characters without a comma", base)
    return Labels(
        base=base.strip(),
        kinds=kinds,
        series=series,
        series_prefix=prefix,
    )


def _people(source: str, table: dict) -> dict[str, str]:
    people = {}
    for name, login in table.items():
        if not isinstance(login, str) or not LOGIN.match(login.lstrip("@")):
            raise ConfigError(f"{source}: people.{_key(name)}: expected a GitHub login such as 'octocat', got {_describe(login)}")
        people[name.strip().casefold()] = login.lstrip("@")
    return people


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'


# --- note selection ------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern:
    """A path glob as a regex: ``**/`` is any number of folders, ``*`` stays inside one."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def note_matcher(config: Config):
    """A test of a path (relative to the repository root, with ``/``): is it a note?"""
    include = [glob_regex(p) for p in config.notes]
    exclude = [glob_regex(p) for p in config.exclude]

    def is_note(path: str) -> bool:
        return any(r.match(path) for r in include) and not any(r.match(path) for r in exclude)

    return is_note


def select_notes(root: Path, config: Config) -> list[str]:
    """Note paths relative to ``root`` (with ``/``), sorted, as the config's globs pick them."""
    is_note = note_matcher(config)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") or d == ".github")
        base = Path(folder).relative_to(root).as_posix()
        found += [rel for rel in (name if base == "." else f"{base}/{name}" for name in files) if is_note(rel)]
    return sorted(found)
