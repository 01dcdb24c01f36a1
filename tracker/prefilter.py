"""A cheap gate in front of the rules: which patterns could possibly match a line?

From each pattern's parsed form we derive *requirements*: sets of literal
strings such that every match contains one string of each set. For
``\\b(?:I|we) will (?:\\w+ )?(?:write|file)\\b`` they are {"i will ", "we will "}
and {"write", "file"}. A pattern is only run on a line that meets all of its
requirements; one with none (``\\w``, ``.``) always runs, gated by its context
instead. The gate never changes a result, only skips work: every test it
makes is implied by a match.

Testing hundreds of literals one by one would cost more than the searches it
saves, so the gate works on words (runs of letters and digits). The analysis
notes where a pattern puts a word edge (``\\b``, ``^``, a space, the end of
``(?:\\w+ )?``), so most literals are known to hold a whole word of the line
("will" in "we will "): one pass over the line and one set intersection find
the few literals worth a substring check. Literals without a provably whole
word ("miscompil") are looked for as substrings.

Text is compared folded, lower-cased the way re's IGNORECASE compares
characters, so a match, folded, holds one folded literal of each requirement.
Positive rules, dampers and vetoes (``unless``, one index per rule) each have
their own index: most lines need only the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

try:  # Python 3.11+: the parser moved; the old name still works but warns.
    from re import _compiler as sre_compile  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_compile  # type: ignore[no-redef]
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_c = sre_constants
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC_GROUP = getattr(_c, "ATOMIC_GROUP", None)  # "(?>...)", Python 3.11+
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
# Positions with a non-word character or an end of the text on one side
# whenever a word character stands on the other.
_EDGES = {_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_END, _c.AT_END_STRING}
_NARROW_FLAGS = re.ASCII | re.LOCALE  # their \b, \s, \W disagree with str's idea of a word character

EDGE = "\0"  # marks such a position inside a literal (a pattern holding a NUL is not gated)
MAX_STRINGS = 256  # a finite piece of a pattern with more strings than this is not spelled out
MAX_REPEAT = 3  # "x{0,3}" is spelled out, "x{0,4}" is not

# Words here are runs of letters and digits: "_" separates them too, as in "__add__".
_WORD = re.compile(r"[^\W_]+")
Strings = frozenset  # folded literal strings, possibly holding EDGE


def _case_classes() -> tuple[dict[int, str], frozenset[str]]:
    """re's IGNORECASE also equates a few letters that lower() keeps apart ("s" and "ſ"): one stands for all.

    Also returns the characters whose stand-in is a word character when they
    are not (or the other way round): a line holding one is not gated.
    """
    try:
        from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover
        _EXTRA_CASES = {}
    table, odd = {}, set()
    for code, others in _EXTRA_CASES.items():
        members = sorted((code, *others))
        stand_in = min((m for m in members if chr(m).isalnum()), default=members[0])
        if stand_in != code:
            table[code] = chr(stand_in)
        if chr(code).isalnum() != chr(stand_in).isalnum():
            odd.add(chr(code))
    return table, frozenset(odd)


_CASE_TABLE, _UNFOLDABLE = _case_classes()
_CASE_CHAR = re.compile("[" + "".join(re.escape(chr(c)) for c in _CASE_TABLE) + "]")
_UNFOLDABLE_CHAR = re.compile("[" + "".join(re.escape(c) for c in _UNFOLDABLE) + "]" if _UNFOLDABLE else "(?!)")


def fold(text: str) -> str:
    """``text`` lower-cased as re's IGNORECASE compares characters: a match, folded, holds its literals, folded."""
    if text.isascii():
        return text.lower()
    # re lower-cases "İ" to "i"; str.lower() to "i" and a combining dot.
    text = text.replace("\u0130", "i").lower()
    return text.translate(_CASE_TABLE) if _CASE_CHAR.search(text) else text


@lru_cache(maxsize=4096)
def _is_word(ch: str) -> bool:
    """re's \\w for str patterns, less "_" (see _WORD), for ``ch`` and whatever IGNORECASE equates it with."""
    return ch.isalnum() and fold(ch).isalnum()


# --- the shape of a piece: its first and last characters --------------------------------


@dataclass(frozen=True)
class _Shape:
    empty: bool  # it can match the empty string
    first: bool  # every non-empty match starts with a non-word character
    last: bool  # every non-empty match ends with a non-word character
    # When it matches the empty string, that spot is an edge: a word character
    # on one side has a non-word character (or an end of the text) on the other.
    edge: bool = False


_UNKNOWN = _Shape(False, False, False)
_NOTHING = _Shape(True, True, True)  # zero-width: no non-empty match at all
_EDGE_SHAPE = _Shape(True, True, True, edge=True)


_NON_WORD_CHAR, _WORD_CHAR = _Shape(False, True, True), _Shape(False, False, False)


def _char_shape(non_word: bool) -> _Shape:
    return _NON_WORD_CHAR if non_word else _WORD_CHAR


def _items_shape(items, narrow: bool) -> _Shape:
    return _sequence_shape([_shape(op, arg, narrow) for op, arg in _merged(items)])


def _sequence_shape(shapes: list[_Shape]) -> _Shape:
    def edge(ordered, attr: str) -> bool:
        for shape in ordered:
            if not getattr(shape, attr):
                return False
            if not shape.empty:
                break
        return True

    empty = all(s.empty for s in shapes)
    return _Shape(empty, edge(shapes, "first"), edge(reversed(shapes), "last"), empty and any(s.edge for s in shapes))


_TEXT = "text"  # not an sre opcode: a run of literal characters, taken together (see _merged)


def _merged(items) -> list[tuple]:
    """The parsed items with each run of literal characters made one (_TEXT, string) item."""
    out: list[tuple] = []
    for op, arg in items:
        if op == _c.LITERAL and arg:
            if out and out[-1][0] is _TEXT:
                out[-1] = (_TEXT, out[-1][1] + chr(arg))
            else:
                out.append((_TEXT, chr(arg)))
        else:
            out.append((op, arg))
    return out


def _shape(op, arg, narrow: bool) -> _Shape:
    if op is _TEXT:
        return _Shape(False, not _is_word(arg[0]), not _is_word(arg[-1]))
    if op == _c.LITERAL:
        return _char_shape(not _is_word(chr(arg)))
    if op == _c.IN:
        non_word = all(
            (o == _c.LITERAL and not _is_word(chr(a)))
            or (o == _c.CATEGORY and (a == _c.CATEGORY_SPACE or (a == _c.CATEGORY_NOT_WORD and not narrow)))
            for o, a in arg
        )
        return _char_shape(non_word)
    if op == _c.AT and arg in _EDGES and not narrow:
        return _EDGE_SHAPE
    if op in _ZERO_WIDTH:
        return _NOTHING
    if op == _ATOMIC_GROUP:
        return _items_shape(arg, narrow)
    if op == _c.SUBPATTERN:
        return _items_shape(arg[3], narrow or bool(arg[1] & _NARROW_FLAGS))
    if op == _c.BRANCH:
        shapes = [_items_shape(alt, narrow) for alt in arg[1]]
        empties = [s for s in shapes if s.empty]
        return _Shape(bool(empties), all(s.first for s in shapes), all(s.last for s in shapes), all(s.edge for s in empties))
    if op in _REPEATS:
        low, _high, items = arg
        body = _items_shape(items, narrow)
        return _Shape(low == 0 or body.empty, body.first, body.last, low > 0 and body.edge)
    if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
        return _Shape(True, False, False)
    return _UNKNOWN  # any character, a negated or wide class


# --- literals every match must contain -------------------------------------------------------


@dataclass
class _Part:
    """What a piece of a pattern can match: its exact strings when few, else what it requires."""

    exact: Strings | None  # every string it can match, folded, when finite and small
    required: list[Strings]  # when not exact: each set has a string in every match


_OPEN = _Part(None, [])  # matches strings we do not spell out, and requires nothing
_EMPTY = _Part(frozenset([""]), [])


def _concat(a: Strings, b: Strings) -> Strings:
    return frozenset(x + y for x in a for y in b)


def _requires(strings: Strings) -> bool:
    """Whether every string holds a real character, so that the set constrains a match."""
    return all(s.replace(EDGE, "") for s in strings)


def _ends_at_edge(string: str, before: bool) -> bool:
    """Whether a word character right after ``string`` has a non-word one (or the start) before it."""
    if not string:
        return before
    return string[-1] == EDGE or not _is_word(string[-1])


def _sequence(items, narrow: bool, before: bool = False, after: bool = False) -> _Part:
    """``before``/``after``: a non-word character (or an end of the text) surely stands just outside."""
    items = _merged(items)
    shapes = [_shape(op, arg, narrow) for op, arg in items]
    # edge_at[i]: the text from item i on starts with a non-word character or ends.
    edge_at = [after] * (len(items) + 1)
    for i in range(len(items) - 1, -1, -1):
        shape = shapes[i]
        edge_at[i] = shape.first and (not shape.empty or shape.edge or edge_at[i + 1])
    start = frozenset([""])
    run, required, finite = start, [], True
    run_at_edge = before  # the run being spelled out starts next to a non-word character or the start

    def close(i: int) -> None:
        strings = _concat(frozenset([EDGE]), run) if run_at_edge else run
        if edge_at[i]:
            strings = _concat(strings, frozenset([EDGE]))
        if _requires(strings):
            required.append(strings)

    edge_before = before  # likewise for the current item
    for i, (op, arg) in enumerate(items):
        part = _node(op, arg, narrow, edge_before, edge_at[i + 1])
        if part.exact is not None and len(run) * len(part.exact) <= MAX_STRINGS:
            run = _concat(run, part.exact)
        else:
            finite = False
            close(i)
            if part.exact is not None:  # too many strings together: two requirements
                run, run_at_edge = part.exact, edge_before
            else:
                required.extend(part.required)
        if part.exact is not None:
            edge_before = all(_ends_at_edge(s, edge_before) for s in part.exact)
        else:
            edge_before = shapes[i].last and (not shapes[i].empty or shapes[i].edge or edge_before)
        if part.exact is None:
            run, run_at_edge = start, edge_before
    if finite:
        return _Part(run, [])
    close(len(items))
    return _Part(None, required)


def _node(op, arg, narrow: bool, before: bool, after: bool) -> _Part:
    if op is _TEXT:
        return _Part(frozenset([fold(arg)]), [])
    if op == _c.LITERAL:
        return _Part(frozenset([fold(chr(arg))]), []) if arg else _OPEN
    if op == _c.IN:
        chars = [fold(chr(a)) for o, a in arg if o == _c.LITERAL and a]
        return _Part(frozenset(chars), []) if len(chars) == len(arg) else _OPEN
    if op == _c.AT:
        return _Part(frozenset([EDGE]), []) if not narrow and arg in _EDGES else _EMPTY
    if op in _ZERO_WIDTH:
        return _EMPTY  # a lookaround takes no characters; what it asserts is not needed here
    if op == _ATOMIC_GROUP:
        return _sequence(arg, narrow, before, after)
    if op == _c.SUBPATTERN:
        return _sequence(arg[3], narrow or bool(arg[1] & _NARROW_FLAGS), before, after)
    if op == _c.BRANCH:
        parts = [_sequence(alternative, narrow, before, after) for alternative in arg[1]]
        if all(p.exact is not None for p in parts):
            strings = frozenset().union(*(p.exact for p in parts))
            if len(strings) <= MAX_STRINGS:
                return _Part(strings, [])
        # A match meets the best requirement of one of the alternatives.
        best = [_best(_requirements(p, before, after)) for p in parts]
        return _Part(None, [frozenset().union(*best)] if all(b is not None for b in best) else [])
    if op in _REPEATS:
        low, high, items = arg
        shape = _items_shape(items, narrow)
        # Around a repeated piece stands the outside or another round of it.
        body = _sequence(items, narrow, before and shape.last, after and shape.first)
        if body.exact is not None and high <= MAX_REPEAT:
            strings, power = (frozenset([""]) if low == 0 else frozenset()), frozenset([""])
            for count in range(1, high + 1):
                power = _concat(power, body.exact)
                if len(power) + len(strings) > MAX_STRINGS:
                    break
                if count >= low:
                    strings |= power
            else:
                return _Part(strings, [])
        return _Part(None, _requirements(body, before and shape.last, after and shape.first) if low >= 1 else [])
    return _OPEN  # any character, a class, a back-reference...


def _requirements(part: _Part, before: bool = False, after: bool = False) -> list[Strings]:
    """What a piece requires; ``before``/``after`` as for ``_sequence``, marked on its exact strings."""
    if part.exact is not None:
        strings = _concat(_concat(frozenset([EDGE if before else ""]), part.exact), frozenset([EDGE if after else ""]))
        return [strings] if _requires(strings) else []
    return part.required


@lru_cache(maxsize=65536)
def whole_words(literal: str) -> tuple[str, ...]:
    """The words that a match of ``literal`` (with EDGE marks) holds as whole words of the line,
    the likely rarest first (see _COMMONNESS).

    A run of word characters counts when a non-word character or an EDGE
    stands right before and right after it inside the literal: in the line it
    is then bounded by non-word characters or the ends, whatever surrounds the
    match. (This leans on folding never turning a non-word character into a
    word character, which holds for all of Unicode but the one in _UNFOLDABLE.)
    """
    runs = {m.group() for m in _WORD.finditer(literal) if 0 < m.start() and m.end() < len(literal)}
    return tuple(sorted(runs, key=lambda w: (_COMMONNESS.get(w, 0), -len(w), w)))


# The most frequent words of English prose, most frequent first ("s" and "t" from "it's", "don't").
# A literal is looked up by its rarest word, then confirmed by its next rarest: a line with
# "we have to" is rarer than one with "to". Any other word is taken for rarer, the longer the rarer.
_FREQUENT = """the to a of and that is we for in it be on this have you i s t can if not with are but
    do there would will as what so about an from at or""".split()
_COMMONNESS = {word: len(_FREQUENT) - rank for rank, word in enumerate(_FREQUENT)}


def whole_word(literal: str) -> str | None:
    words = whole_words(literal)
    return words[0] if words else None


def _score(strings: Strings) -> tuple[bool, int, int]:
    """Whole words are cheap to look for, longer literals rarer, fewer literals cheaper."""
    words = [whole_word(s) for s in strings]
    if all(words):
        return True, min(len(w) for w in words), -len(strings)
    return False, min(len(s.replace(EDGE, "")) for s in strings), -len(strings)


def _best(options: list[Strings]) -> Strings | None:
    return max(options, key=_score, default=None)


@lru_cache(maxsize=4096)  # rule files are loaded more than once in a process (tests, benchmarks)
def requirements(pattern: re.Pattern) -> tuple[Strings, ...]:
    """Sets of folded literals (EDGE marking a word edge): every match holds one of each set."""
    if EDGE in pattern.pattern:
        return ()  # a raw NUL would read as an edge
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # an exotic construct: simply do not gate this pattern
        return ()
    return tuple(_requirements(_sequence(parsed, narrow=bool(pattern.flags & _NARROW_FLAGS))))


# --- a quicker first search ------------------------------------------------------------------


def _loosened(items):
    """``items`` without lookarounds, which only narrow a match; None if that is not safe to do."""
    out = []
    for op, arg in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            continue
        if op == _c.SUBPATTERN:
            inner = _loosened(arg[3])
            if inner is None:
                return None
            arg = (arg[0], arg[1], arg[2], sre_parse.SubPattern(arg[3].state, inner))
        elif op == _c.BRANCH:
            alternatives = [_loosened(a) for a in arg[1]]
            if any(a is None for a in alternatives):
                return None
            arg = (arg[0], [sre_parse.SubPattern(a0.state, a) for a0, a in zip(arg[1], alternatives)])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            inner = _loosened(arg[2])
            if inner is None:
                return None
            arg = (arg[0], arg[1], sre_parse.SubPattern(arg[2].state, inner))
        elif op not in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY, _c.AT, _c.CATEGORY):
            return None  # atomic groups, possessive repeats, back-references: leave alone
        out.append((op, arg))
    return out


@lru_cache(maxsize=4096)  # like requirements(): rule files are loaded more than once in a process
def quick_pattern(pattern: re.Pattern) -> re.Pattern | None:
    """A cheaper pattern that matches wherever ``pattern`` does, worth searching first; or None.

    Dropping lookarounds and a leading one-character context ("(?:^|[\\s(])")
    only lets more through: a match of the pattern holds a match of this one.
    It pays when what is left starts with a plain character or class in a
    case-sensitive pattern: re then skips to the places where it could start
    instead of trying its lookarounds everywhere ("Alex will ...", but not "We will").
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:
        return None
    items = _loosened(parsed.data)
    if items is None:
        return None
    while items and items[0][0] in (_c.BRANCH, _c.IN, _c.AT) and sre_parse.SubPattern(parsed.state, items[:1]).getwidth()[1] <= 1:
        items = items[1:]
    first = items[0] if items else (None, None)
    while first[0] == _c.SUBPATTERN and not first[1][1] and first[1][3].data:
        first = first[1][3].data[0]
    if first[0] not in (_c.LITERAL, _c.IN) or len(items) == len(parsed.data):
        return None
    try:
        return sre_compile.compile(sre_parse.SubPattern(parsed.state, items), pattern.flags)
    except Exception:
        return None


# --- the gate ---------------------------------------------------------------------------------


class _Requirement:
    """A requirement checked after the first one held: one literal of it is in the line."""

    __slots__ = ("words", "confirm", "substrings", "vocabulary")

    def __init__(self, option: Strings) -> None:
        looked_up = {_lookup(s) for s in option if whole_word(s)}
        # Most literals are a whole word and nothing more: that word in the line meets the requirement.
        self.words = frozenset(word for word, plain in looked_up if plain is None)
        # The others hold a word and more ("will ", "we will"): the word first, then the text.
        confirm: dict[str, list[str]] = {}
        for word, plain in sorted((w, p) for w, p in looked_up if p is not None):
            confirm.setdefault(word, []).append(plain)
        self.confirm = {word: tuple(plains) for word, plains in confirm.items()}
        self.substrings = tuple(sorted({s.replace(EDGE, "") for s in option if not whole_word(s)}))  # literals without a whole word
        self.vocabulary = self.words.union(self.confirm)

    def met(self, words: frozenset[str], folded: str) -> bool:
        if not self.words.isdisjoint(words):
            return True
        if self.confirm and not words.isdisjoint(self.confirm):
            for word in words.intersection(self.confirm):
                for plain in self.confirm[word]:
                    if plain in folded:
                        return True
        for substring in self.substrings:
            if substring in folded:
                return True
        return False


def _lookup(literal: str) -> tuple[str | None, str | None]:
    """(whole word to look up, substring to confirm it by), or (None, the substring) without a whole word."""
    word = whole_word(literal)
    plain = literal.replace(EDGE, "")
    return word, (None if plain == word else plain)  # the word is all there is to check when it is the literal


def ascii_word_table(keep: str = "", lower: bool = False) -> bytes:
    """A ``bytes.translate`` table for ASCII text: letters, digits and ``keep`` stay (lower-cased
    if ``lower``), all else becomes a space, so ``split()`` then gives the words in one C pass."""
    table = bytearray(b" " * 256)
    for c in range(128):
        char = chr(c)
        if char.isalnum() or char in keep:
            table[c] = ord(char.lower()) if lower else c
    return bytes(table)


# For an ASCII line, one C pass lower-cases it and blanks all but letters and digits: its words.
_ASCII_WORDS = ascii_word_table(lower=True)
_COMMON_MARKS = "’‘“”…–—\xa0"  # typographic quotes, dashes, ellipsis, no-break space: none is a word character


class _Index:
    """Maps a text to the patterns that could match it, as {rule index: (pattern indexes)}."""

    def __init__(self, patterns: list[tuple[int, int, re.Pattern]]) -> None:
        always: dict[int, list[int]] = {}
        everything: dict[int, list[int]] = {}  # for a line the gate cannot read
        # (rule, index, the other requirements, a quicker pattern to search first)
        self._gated: list[tuple[int, int, tuple[_Requirement, ...], re.Pattern | None]] = []
        # The first requirement's literals, by their longest whole word, then by their second longest
        # (None: no other) and the text to confirm (None: the word is the literal); or else scanned for.
        by_word: dict[str, dict[str | None, dict[str | None, set[int]]]] = {}
        scanned: dict[str, set[int]] = {}
        for rule, index, pattern in patterns:
            everything.setdefault(rule, []).append(index)
            options = sorted(requirements(pattern), key=_score, reverse=True)
            if not options:
                always.setdefault(rule, []).append(index)
                continue
            rest = [_Requirement(option) for option in options[1:]]
            gated = len(self._gated)
            self._gated.append((rule, index, tuple(rest), quick_pattern(pattern)))
            for literal in options[0]:
                words = whole_words(literal)
                word, plain = _lookup(literal)
                if word is None:
                    scanned.setdefault(plain, set()).add(gated)
                else:
                    second = words[1] if len(words) > 1 else None
                    by_word.setdefault(word, {}).setdefault(second, {}).setdefault(plain, set()).add(gated)
        self.always = {rule: tuple(indexes) for rule, indexes in always.items()}
        self._everything = {rule: tuple(indexes) for rule, indexes in everything.items()}
        # word -> (patterns it triggers alone, [(text to confirm, patterns)],
        #          {second word: [(text, patterns)]}, the second words)
        self._by_word: dict[str, tuple[frozenset[int], list, dict[str, list], frozenset[str]]] = {}
        for word, seconds in by_word.items():
            alone = seconds.get(None, {})
            by_second = {second: [(plain, frozenset(ids)) for plain, ids in entries.items()] for second, entries in seconds.items() if second}
            self._by_word[word] = (
                frozenset(alone.get(None, ())),
                [(plain, frozenset(ids)) for plain, ids in alone.items() if plain is not None],
                by_second,
                frozenset(by_second),
            )
        self._scanned = [(plain, frozenset(ids)) for plain, ids in scanned.items()]
        self._primary = frozenset(self._by_word)
        # Every word a lookup here may ask a line for: the rest of a line's words are never needed.
        self.vocabulary = self._primary.union(
            *(seconds for *_, seconds in self._by_word.values()),
            *(requirement.vocabulary for _, _, rest, _ in self._gated for requirement in rest),
        )

    def possible(self, text: str, reading: tuple[str, frozenset[str]] | None) -> Mapping[int, tuple[int, ...]]:
        """The patterns that could match ``text``, read by ``_read`` (None: a text the gate cannot read)."""
        # The dicts handed out are shared, not copied: callers only read them.
        if reading is None:
            return self._everything
        folded, words = reading
        triggered: set[int] = set()
        for word in self._primary.intersection(words):
            alone, confirmed, by_second, seconds = self._by_word[word]
            if alone:
                triggered |= alone
            for plain, ids in confirmed:
                if plain in folded:
                    triggered |= ids
            # Most lines hold none of the second words: ruling that out builds no set.
            if not seconds.isdisjoint(words):
                for second in seconds.intersection(words):
                    for plain, ids in by_second[second]:
                        if plain in folded:
                            triggered |= ids
        for plain, ids in self._scanned:
            if plain in folded:
                triggered |= ids
        if not triggered:  # most lines
            return self.always
        possible = dict(self.always)
        for gid in triggered:
            rule, index, rest, quick = self._gated[gid]
            for requirement in rest:
                # Most requirements fail on their words alone: ruled out here, without a call to met().
                if requirement.vocabulary.isdisjoint(words) and not requirement.substrings:
                    break
                if not requirement.met(words, folded):
                    break
            else:
                if quick is None or quick.search(text):
                    possible[rule] = possible.get(rule, ()) + (index,)
        return possible


def _read(text: str, vocabulary: frozenset[str]) -> tuple[str, frozenset[str]] | None:
    """``text`` folded, and those of its words the gate looks up (``vocabulary``); None for the
    rare text whose folding the gate cannot vouch for.

    Only the gate's own words are kept: a set of every word of every line cost
    more than all the lookups it served.
    """
    if text.isascii():
        return text.lower(), vocabulary.intersection(text.encode().translate(_ASCII_WORDS).decode().split())
    if _UNFOLDABLE_CHAR.search(text):
        return None
    folded = fold(text)
    # Most other lines are ASCII but for a few punctuation marks: blanked, they leave the words as they were.
    plain = folded
    for mark in _COMMON_MARKS:
        if mark in plain:
            plain = plain.replace(mark, " ")
    if plain.isascii():
        return folded, vocabulary.intersection(plain.encode().translate(_ASCII_WORDS).decode().split())
    return folded, vocabulary.intersection(_WORD.findall(folded))


class Gate:
    """Which patterns of a rule set could match a text, as {rule index: (pattern indexes)}.

    Positive rules, dampers and vetoes (``unless``) are looked up apart: a line
    needs its dampers only once a positive rule counts, and then only in one
    sentence; vetoes only for the rules that matched, so each rule's vetoes
    have an index of their own.
    """

    def __init__(
        self,
        patterns: list[tuple[int, int, re.Pattern]],
        dampers: frozenset[int] = frozenset(),
        unless: list[tuple[int, int, re.Pattern]] = (),  # type: ignore[assignment]
    ) -> None:
        self._positive = _Index([p for p in patterns if p[0] not in dampers])
        self._dampers = _Index([p for p in patterns if p[0] in dampers])
        by_rule: dict[int, list[tuple[int, int, re.Pattern]]] = {}
        for veto in unless:
            by_rule.setdefault(veto[0], []).append(veto)
        self._vetoes = {rule: _Index(vetoes) for rule, vetoes in by_rule.items()}
        indexes = [self._positive, self._dampers, *self._vetoes.values()]
        self._vocabulary = frozenset().union(*(index.vocabulary for index in indexes))
        self._last: tuple[str | None, tuple[str, frozenset[str]] | None] = (None, None)

    def candidates(self, text: str) -> Mapping[int, tuple[int, ...]]:
        """The positive rules' patterns that could match ``text``."""
        return self._positive.possible(text, self._read(text))

    def gated(self, text: str) -> dict[int, tuple[int, ...]]:
        """The positive patterns that need words of their own (not only a context) and could match ``text``."""
        # Read past the cache: ``text`` is a passing glance, the line's own reading is still wanted after it.
        possible = self._positive.possible(text, _read(text, self._vocabulary))
        always = self._positive.always
        return {rule: indexes for rule, indexes in possible.items() if always.get(rule) != indexes}

    def dampers(self, text: str) -> Mapping[int, tuple[int, ...]]:
        """The dampers' (negative rules') patterns that could match ``text``."""
        return self._dampers.possible(text, self._read(text))

    def vetoes(self, text: str, rule: int) -> tuple[int, ...]:
        """The indexes of rule ``rule``'s ``unless`` patterns that could match ``text``."""
        index = self._vetoes.get(rule)
        return () if index is None else index.possible(text, self._read(text)).get(rule, ())

    def _read(self, text: str) -> tuple[str, frozenset[str]] | None:
        # A matched line is read again for its vetoes and dampers: keep the last reading.
        if text != self._last[0]:
            self._last = (text, _read(text, self._vocabulary))
        return self._last[1]
