"""Rules are data: TOML files in ``rules/`` loaded, checked and compiled once.

A rule file holds ``[[rule]]`` tables::

    [[rule]]
    id = "will-do"                  # unique across all loaded rule files
    kind = "action"                 # action, need, problem, question
    weight = 0.8                    # 0..1; negative weights lower the confidence of other hits
    description = "..."
    patterns = ['''\\bwill (?:write|file|open)\\b''']   # any one must match the line (case-insensitive)
    unless = ['''\\bwon't\\b''']     # any one vetoes this rule on the line
    labels = ["follow-up"]          # optional, added to the follow-up
    known_owner = true              # optional: halve the weight when the ``owner`` it names is not
                                    # a speaker, attendee or login of the meeting ("required": no hit)
    scope = "clause"                # optional, negative weights only: count from the evidence's clause on
    [rule.context]                  # optional; every condition given must hold
    section = ['action items?']     # a heading in the line's path matches
    not_section = ['agenda']        # no heading in the line's path matches
    heading = ['^attendees$']       # the nearest heading above the line matches (not_heading: does not)
    lead_in = ['remaining:$']       # the lead-in of the line's list (or of an enclosing list) matches
    paragraph_ends = ['#\\d+$']      # the last line of the line's paragraph or list item matches
    introduces = true               # the line itself leads a list or the lines after it
    checkbox = "open"               # on a "- [ ]" item ("open") or "- [x]" item ("done")
    list_item = true                # only on (or never on, with false) list item lines
    list_depth = [0, 1]             # only at these list depths (0: outside lists)
    first_line = true               # only on the first line of a paragraph or list item
    speaker = true                  # only on lines with (or without) a speaker
    speaker_prefix = false          # only on lines that open (or do not open) with their own "Name:"
    [rule.examples]
    match = ["Alex will write the RFC"]
    no_match = ["Alex wrote the RFC"]

A named group ``owner`` in a pattern names the person who will do the work.
Examples may also be tables ``{ note = "## Action items\\n- Ship it", line = 2 }``
to exercise context conditions on a small note.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Collection

from .model import KINDS, Line
from .prefilter import Gate, ascii_word_table

_RULE_KEYS = {"id", "kind", "weight", "description", "patterns", "unless", "labels", "context", "examples", "case_sensitive", "known_owner", "scope"}
_CONTEXT_KEYS = {"section", "not_section", "heading", "not_heading", "lead_in", "checkbox", "list_item", "list_depth", "first_line", "introduces", "speaker", "speaker_prefix", "block", "paragraph_ends"}
_TOKEN = re.compile(r"[\w-]+")  # what an ``owner`` group can be: a name or a login
_TOKEN_CHARS = ascii_word_table(keep="_-", lower=True)


def _tokens(text: str) -> list[str]:
    """The lower-cased _TOKENs of ``text``."""
    if text.isascii():
        return text.encode().translate(_TOKEN_CHARS).decode().split()
    return _TOKEN.findall(text.lower())


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file, rule and field."""


def _lead_ins(line: Line) -> tuple[str, ...]:
    """The lead-in a rule sees; through a label-only item ("- AC, AB:") the one above it too."""
    if not line.lead_in:
        return ()
    if line.outer_lead_ins and len(line.lead_in.split()) <= 3:
        return (line.lead_in, line.outer_lead_ins[0])
    return (line.lead_in,)


@dataclass(frozen=True)
class Context:
    section: re.Pattern | None = None
    lead_in: re.Pattern | None = None
    checkbox: str | None = None
    list_item: bool | None = None
    speaker: bool | None = None
    speaker_prefix: bool | None = None
    block: frozenset[str] | None = None
    list_depth: tuple[int, int] | None = None
    not_section: re.Pattern | None = None
    first_line: bool | None = None
    introduces: bool | None = None
    heading: re.Pattern | None = None
    not_heading: re.Pattern | None = None
    paragraph_ends: re.Pattern | None = None
    # Lines share heading paths; remember each path's verdict (per rule set).
    _sections: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _lead_ins: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # the items of a list share one
    _by_section: bool = field(default=False, init=False, compare=False, repr=False)
    conditional: bool = field(default=False, init=False, compare=False, repr=False)  # depends on where the line is

    def _section_ok(self, section: tuple[str, ...]) -> bool:
        verdict = self._sections.get(section)
        if verdict is None:
            innermost = section[-1] if section else ""
            verdict = (
                (self.section is None or any(self.section.search(h) for h in section))
                and not (self.not_section is not None and any(self.not_section.search(h) for h in section))
                and (self.heading is None or bool(self.heading.search(innermost)))
                and not (self.not_heading is not None and self.not_heading.search(innermost))
            )
            self._sections[section] = verdict
        return verdict

    def _lead_in_ok(self, lead_ins: tuple[str, ...]) -> bool:
        verdict = self._lead_ins.get(lead_ins)
        if verdict is None:
            verdict = self._lead_ins[lead_ins] = any(self.lead_in.search(text) for text in lead_ins)
        return verdict

    def holds(self, line: Line) -> bool:
        if not self.conditional:
            return True
        # The plain comparisons first: most lines fail one of them.
        if self.checkbox is not None and line.checkbox != self.checkbox:
            return False
        if self.lead_in is not None and not line.lead_in:
            return False  # no lead-in, nothing to match
        if self.block is not None and line.block not in self.block:
            return False
        if self.first_line is not None and line.starts_block != self.first_line:
            return False
        if self.list_depth is not None and not self.list_depth[0] <= line.list_depth <= self.list_depth[1]:
            return False
        if self.list_item is not None and (line.list_depth > 0) != self.list_item:
            return False
        if self.speaker is not None and (line.speaker is not None) != self.speaker:
            return False
        if self.speaker_prefix is not None and (line.body != line.text) != self.speaker_prefix:
            return False
        if self.introduces is not None and line.introduces != self.introduces:
            return False
        if self._by_section and not self._section_ok(line.section):
            return False
        if self.lead_in is not None and not self._lead_in_ok(_lead_ins(line)):
            return False
        if self.paragraph_ends is not None and not self.paragraph_ends.search(line.paragraph_end or line.text):
            return False
        return True

    def __post_init__(self) -> None:
        # Worked out once: holds() runs for every rule on every line.
        by_section = any(p is not None for p in (self.section, self.not_section, self.heading, self.not_heading))
        object.__setattr__(self, "_by_section", by_section)
        others = (self.lead_in, self.checkbox, self.list_item, self.list_depth, self.first_line,
                  self.introduces, self.speaker, self.speaker_prefix, self.block, self.paragraph_ends)
        object.__setattr__(self, "conditional", by_section or any(v is not None for v in others))

    def describe(self) -> str:
        parts = []
        for name in ("section", "not_section", "heading", "not_heading", "lead_in", "paragraph_ends"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}~/{value.pattern}/")
        for name in ("checkbox", "list_item", "first_line", "introduces", "speaker", "speaker_prefix"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value}")
        if self.block is not None:
            parts.append("block in " + ",".join(sorted(self.block)))
        if self.list_depth is not None:
            parts.append(f"list depth {self.list_depth[0]}..{self.list_depth[1]}")
        return " ".join(parts)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str | None
    weight: float
    description: str
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]
    labels: tuple[str, ...]
    context: Context
    examples_match: tuple[Any, ...]
    examples_no_match: tuple[Any, ...]
    source: str
    known_owner: bool | str = False  # True: halve the weight when the owner it names is nobody the
    # notes mention; "required": no hit then (for forms like "cfallin will", where only the name says person)
    scope: str = "sentence"  # a negative rule's reach: the sentence, or only the clause of the evidence

    def first_match(self, text: str, only: Collection[int] | None = None, pos: int = 0) -> re.Match | None:
        """The first pattern's match from ``pos`` on; ``only`` limits the try to these pattern indexes."""
        patterns = self.patterns
        for index in range(len(patterns)) if only is None else sorted(only) if len(only) > 1 else only:
            m = patterns[index].search(text, pos)
            if m:
                return m
        return None

    def first_match_of(
        self, text: str, people: frozenset[str], only: Collection[int] | None = None, pos: int = 0
    ) -> re.Match | None:
        """The first match whose ``owner`` is one of ``people`` (lower-cased): for ``known_owner = "required"``."""
        if people.isdisjoint(_tokens(text)):
            return None  # most lines name none of the meeting's people: nothing to look for
        for index in range(len(self.patterns)) if only is None else sorted(only):
            for m in self.patterns[index].finditer(text, pos):
                owner = (m.groupdict().get("owner") or "").lower()
                if owner in people or owner.split(" ")[0] in people:
                    return m
        return None

    def veto(self, text: str, only: Collection[int] | None = None) -> re.Match | None:
        """The first ``unless`` pattern's match; ``only`` limits the try to these indexes."""
        unless = self.unless
        for index in range(len(unless)) if only is None else sorted(only):
            m = unless[index].search(text)
            if m:
                return m
        return None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    disabled: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.id not in self.disabled)

    @cached_property
    def gate(self) -> Gate:
        """Skips the patterns that cannot match a line (see prefilter.py); built once."""
        dampers = frozenset(i for i, r in enumerate(self.active) if r.weight < 0)
        return Gate(
            [(i, k, p) for i, r in enumerate(self.active) for k, p in enumerate(r.patterns)],
            dampers,
            [(i, k, p) for i, r in enumerate(self.active) for k, p in enumerate(r.unless)],
        )


def builtin_rules_dir() -> Path:
    """The default rule set: installed inside the package, or ``rules/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    return installed if installed.is_dir() else here.parent / "rules"


def _fail(where: str, message: str) -> RuleError:
    return RuleError(f"{where}: {message}")


def _compile(where: str, key: str, value: Any, flags: int) -> re.Pattern:
    if not isinstance(value, str):
        raise _fail(where, f"'{key}' must hold strings (regular expressions), got {type(value).__name__}")
    try:
        return re.compile(value, flags)
    except re.error as exc:
        raise _fail(where, f"'{key}' has an invalid regular expression {value!r}: {exc}") from None


def _pattern_list(where: str, rule: dict, key: str, flags: int) -> tuple[re.Pattern, ...]:
    value = rule.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(where, f"'{key}' must be a list of regular expressions")
    return tuple(_compile(where, key, v, flags) for v in value)


def _context(where: str, raw: Any, flags: int) -> Context:
    if raw is None:
        return Context()
    if not isinstance(raw, dict):
        raise _fail(where, "'context' must be a table")
    unknown = set(raw) - _CONTEXT_KEYS
    if unknown:
        raise _fail(where, f"unknown key 'context.{sorted(unknown)[0]}' (expected one of: {', '.join(sorted(_CONTEXT_KEYS))})")

    def joined(key: str) -> re.Pattern | None:
        if key not in raw:
            return None
        items = _pattern_list(where, raw, key, flags)
        return re.compile("|".join(f"(?:{p.pattern})" for p in items), flags)

    for key in ("list_item", "first_line", "introduces", "speaker", "speaker_prefix"):
        if key in raw and not isinstance(raw[key], bool):
            raise _fail(where, f"'context.{key}' must be true or false")
    checkbox = raw.get("checkbox")
    if checkbox is not None and checkbox not in ("open", "done"):
        raise _fail(where, "'context.checkbox' must be \"open\" or \"done\"")
    block = raw.get("block")
    if block is not None:
        if isinstance(block, str):
            block = [block]
        if not isinstance(block, list) or not all(isinstance(b, str) for b in block):
            raise _fail(where, "'context.block' must be a list of block names (paragraph, item, table, quote)")
        block = frozenset(block)
    depth = raw.get("list_depth")
    if depth is not None:
        if not (isinstance(depth, list) and len(depth) == 2 and all(isinstance(d, int) and d >= 0 for d in depth)):
            raise _fail(where, "'context.list_depth' must be [min, max] (0 is outside any list, 1 a top-level item)")
        depth = (depth[0], depth[1])
    return Context(
        section=joined("section"),
        lead_in=joined("lead_in"),
        checkbox=checkbox,
        list_item=raw.get("list_item"),
        speaker=raw.get("speaker"),
        speaker_prefix=raw.get("speaker_prefix"),
        block=block,
        list_depth=depth,
        not_section=joined("not_section"),
        first_line=raw.get("first_line"),
        introduces=raw.get("introduces"),
        heading=joined("heading"),
        not_heading=joined("not_heading"),
        paragraph_ends=joined("paragraph_ends"),
    )


def _examples(where: str, raw: Any) -> tuple[tuple, tuple]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or set(raw) - {"match", "no_match"}:
        raise _fail(where, "'examples' must be a table with 'match' and 'no_match' lists")
    out = []
    for key in ("match", "no_match"):
        items = raw.get(key, [])
        if not isinstance(items, list):
            raise _fail(where, f"'examples.{key}' must be a list")
        for item in items:
            if isinstance(item, dict):
                if not isinstance(item.get("note"), str) or not isinstance(item.get("line", 0), int):
                    raise _fail(where, f"an 'examples.{key}' table needs 'note' (markdown) and optionally 'line' (a number)")
            elif not isinstance(item, str):
                raise _fail(where, f"'examples.{key}' must hold sentences or {{note, line}} tables")
        out.append(tuple(items))
    if not out[0]:
        raise _fail(where, "'examples.match' needs at least one sentence the rule must match")
    return out[0], out[1]


def parse_rule(raw: Any, source: str, index: int) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(f"{source}: rule #{index}", "each [[rule]] must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", rule_id):
        raise _fail(f"{source}: rule #{index}", "'id' must be a lower-case name like \"will-do\"")
    where = f"{source}: rule '{rule_id}'"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(where, f"unknown key '{sorted(unknown)[0]}' (expected one of: {', '.join(sorted(_RULE_KEYS))})")
    weight = raw.get("weight", 0.5)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not -1.0 <= weight <= 1.0:
        raise _fail(where, "'weight' must be a number from -1 to 1")
    kind = raw.get("kind")
    if weight >= 0 and kind not in KINDS:
        raise _fail(where, f"'kind' must be one of {', '.join(KINDS)}")
    if kind is not None and kind not in KINDS:
        raise _fail(where, f"'kind' must be one of {', '.join(KINDS)}")
    flags = 0 if raw.get("case_sensitive", False) else re.IGNORECASE
    patterns = _pattern_list(where, raw, "patterns", flags)
    if not patterns:
        raise _fail(where, "'patterns' needs at least one regular expression")
    labels = raw.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise _fail(where, "'labels' must be a list of strings")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise _fail(where, "'description' must be a string")
    match, no_match = _examples(where, raw.get("examples"))
    known_owner = raw.get("known_owner", False)
    if not isinstance(known_owner, bool) and known_owner != "required":
        raise _fail(where, "'known_owner' must be true, false or \"required\"")
    scope = raw.get("scope", "sentence")
    if scope not in ("sentence", "clause"):
        raise _fail(where, "'scope' must be \"sentence\" or \"clause\"")
    if scope == "clause" and weight >= 0:
        raise _fail(where, "'scope' applies to rules with a negative weight only")
    return Rule(
        id=rule_id,
        kind=kind,
        weight=float(weight),
        description=description,
        patterns=patterns,
        unless=_pattern_list(where, raw, "unless", flags),
        labels=tuple(labels),
        context=_context(where, raw.get("context"), flags),
        examples_match=match,
        examples_no_match=no_match,
        source=source,
        known_owner=known_owner,
        scope=scope,
    )


def load_rule_file(path: Path) -> list[Rule]:
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{source}: cannot read: {exc}") from None
    unknown = set(data) - {"rule"}
    if unknown:
        raise RuleError(f"{source}: unknown top-level key '{sorted(unknown)[0]}' (rules go in [[rule]] tables)")
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    return [parse_rule(raw, source, i) for i, raw in enumerate(raw_rules, 1)]


def load_rules(
    dirs: list[Path], disabled: set[str] | frozenset[str] = frozenset(), builtin: bool = True
) -> tuple[RuleSet, list[str]]:
    """The built-in rules and every ``*.toml`` in ``dirs``.

    A broken rule file is reported and left out; the other files still load.
    A directory that does not exist or an unknown disabled id raises RuleError.
    """
    folders = ([builtin_rules_dir()] if builtin else []) + list(dirs)
    rules: list[Rule] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            raise RuleError(f"{folder}: not a directory of rule files")
        for path in sorted(folder.glob("*.toml")):
            try:
                loaded = load_rule_file(path)
                for rule in loaded:
                    if rule.id in seen:
                        raise RuleError(f"{path}: rule '{rule.id}': id already used in {seen[rule.id]}")
            except RuleError as exc:
                problems.append(str(exc))
                continue
            for rule in loaded:
                seen[rule.id] = str(path)
            rules.extend(loaded)
    unknown = set(disabled) - set(seen)
    if unknown:
        raise RuleError(f"no rule with id '{sorted(unknown)[0]}' to disable (`track rules` lists them)")
    return RuleSet(tuple(rules), frozenset(disabled)), problems
