"""A cheap gate in front of the rules: which rules could possibly match a line?

For each pattern we derive, from its parsed form, a set of literal strings at
least one of which every match must contain ("will", "need", "segfault"...).
All literals of all rules go into one trie-shaped regular expression, so one
pass over a lower-cased line tells which rules are worth running. A pattern
with no such literal (``\\w``, ``.``) is always run: those are gated by their
context instead. The gate never changes a result, only skips work.
"""

from __future__ import annotations

import re

try:  # Python 3.11+: the parser moved; the old name still works but warns.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_LITERAL = sre_constants.LITERAL
_BRANCH = sre_constants.BRANCH
_SUBPATTERN = sre_constants.SUBPATTERN
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
MIN_LITERAL = 2  # a one-letter literal gates nothing


# Words in nearly every line of prose: a gate on them lets everything through.
_COMMON = frozenset(
    """to the we it you can will one on in of and is are be for at this that if i a an has have
    then next work when here do not as or with so but was there they he she all by from up out
    about what would could should need want""".split()
)


def _commonness(literal: str) -> float:
    """How often a literal is likely to occur in a line of notes (lower is better for a gate)."""
    core = literal.strip(" '’.,:;-")
    if not core or core in _COMMON:
        return 10.0
    return 1.0 / len(core)


def _best(options: list[set[str]]) -> set[str] | None:
    """The literal set that lets the fewest lines through: rare, long literals, few of them."""
    options = [o for o in options if o and min(len(s) for s in o) >= MIN_LITERAL]
    if not options:
        return None
    return min(options, key=lambda o: sum(_commonness(s) for s in o))


def _required(items) -> set[str] | None:
    """Literals of which every match of this sequence contains at least one."""
    options: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    for op, arg in items:
        if op == _LITERAL:
            run.append(chr(arg).lower())
            continue
        if op in _ZERO_WIDTH:
            continue  # takes no characters: the literal run goes on
        flush()
        if op == _SUBPATTERN:
            found = _required(arg[-1])
        elif op == _BRANCH:
            branches = [_required(b) for b in arg[1]]
            found = None if any(b is None for b in branches) else set().union(*branches)
        elif op in _REPEATS and arg[0] >= 1:
            found = _required(arg[2])
        else:
            found = None
        if found:
            options.append(found)
    flush()
    return _best(options)


def required_literals(pattern: re.Pattern) -> set[str] | None:
    try:
        return _required(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # an exotic construct: simply do not gate this pattern
        return None


def _trie_regex(words: set[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class Gate:
    """Maps a line to the patterns that could match it, as {rule index: [pattern indexes]}."""

    def __init__(self, patterns: list[tuple[int, int, re.Pattern]]) -> None:
        self.always: dict[int, list[int]] = {}
        self.by_literal: dict[str, list[tuple[int, int]]] = {}
        for rule, index, pattern in patterns:
            literals = required_literals(pattern)
            if literals is None:
                self.always.setdefault(rule, []).append(index)
                continue
            for literal in literals:
                self.by_literal.setdefault(literal, []).append((rule, index))
        # A lookahead finds literals at every position, overlapping ones too.
        words = set(self.by_literal)
        self._regex = re.compile("(?=(" + _trie_regex(words) + "))") if words else None

    def candidates(self, text: str) -> dict[int, list[int]]:
        found = {rule: list(indexes) for rule, indexes in self.always.items()}
        if self._regex is None:
            return found
        get = self.by_literal.get
        for m in self._regex.finditer(text.lower()):
            longest = m.group(1)
            for end in range(MIN_LITERAL, len(longest) + 1):
                for rule, index in get(longest[:end], ()):
                    found.setdefault(rule, []).append(index)
        return found
