"""Lines + rules -> follow-ups, each with a confidence, an owner and a title."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Collection, Mapping

from .model import FollowUp, Line, Meeting
from .prefilter import Gate, ascii_word_table
from .rules import Rule, RuleSet
from .speakers import NOT_NAMES, split_speaker

MAX_SPAN = 6  # a follow-up never covers more lines than this
DEFAULT_MIN_CONFIDENCE = 0.5
TITLE_LIMIT = 79

# Words that may stand where an owner's name would but name nobody.
_NOT_OWNERS = frozenset(
    """i we you he she they it this that these those there here someone somebody everyone
    everybody anyone anybody nobody people folks one who which what all both each group team
    the a an our my your their his her its me us them then also still now next ai action
    todo pr prs rfc api ci cli mvp github""".split()
)
# "Update the README - Timo": a name after a dash at the end of the line.
_TRAILING_OWNER = re.compile(r"\s[-–—]\s{1,3}@?(?P<owner>[A-Z][\w'-]{1,20}(?: [A-Z][\w'-]{1,20})?)\s*\)?\s*$")
_NAME = r"@?(?P<owner>[A-Z][\w'-]{1,20}(?: [A-Z][\w'-]{1,20})?)"
# Assignment forms whose verb no rule lists: "Dan to rename ...", "Kevin volunteers to ...",
# "- [ ] Kate send out ...", "... (Tobias)". The name must be an attendee or speaker.
_BARE_VERB = re.compile(r"^" + _NAME + r" [a-z]+(?<!s) (?:the|a|an|out|up|new|it|this|that)\b")
_OWNER_FORMS = (
    re.compile(r"^" + _NAME + r"(?: and [A-Z][\w'-]{1,20})? (?:to|volunteer(?:s|ed)? to|offered to) [a-z]"),
    _BARE_VERB,
    re.compile(r"\(" + _NAME + r"\)\s*[.;]?\s*$"),
    _TRAILING_OWNER,
    # A summary's subject: "Stuart discussed the need for better errors", "errors: Kim also reported ..."
    re.compile(r"^(?:[\w /-]{1,30}:\s{1,3})?" + _NAME + r"(?: and [A-Z][\w'-]{1,20})?,? (?:also |then )?(?:[a-z]{3,}ed|[a-z]{3,}s|will|has|had|is|was)\b"),
)
_TERMINAL = re.compile(r"[.!?:;)\]]\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")
_LINK = re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\s]{0,2000}(?:\s+\"[^\"\n]{0,200}\")?\)")
_HTML_TAGS = "a|abbr|b|big|blockquote|br|center|code|del|details|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|s|small|span|strike|strong|sub|summary|sup|table|td|th|tr|tt|u|ul"
# Emphasis, code ticks, HTML tags and autolink brackets; not "<text in angle brackets>".
_MARKDOWN = re.compile(
    r"(\*\*|__|`+|~~|</?(?:" + _HTML_TAGS + r")\b[^<>\n]{0,200}>|<(?=https?://)|(?<=[\w/])>(?=\s|$))", re.I
)
_MARKER = re.compile(
    r"^(?:(?:AI|ACTION(?: ITEM)?|TODO|FIXME|FOLLOW[- ]?UP)\b\s*(?:[(\[][^)\]\n]{0,40}[)\]])?\s*[:\-–]?\s*)+",
    re.I,
)
_LEADING_JUNK = re.compile(r"^[\s\-*+<>(•–—:]+")
_TRAILING_JUNK = re.compile(r"[\s.,;:!?\-–—]+$")
_WORDS = re.compile(r"\w+")
# An ASCII text's \w characters kept, every other blanked: split(), it gives what _WORDS finds.
_ASCII_WORD_CHARS = ascii_word_table(keep="_")
_MARKUP_CHAR = re.compile(r"[*_`~<>]")  # _MARKDOWN matches none of a text without one of these


# These searches try every position of a text; most texts have nothing for them to remove.
def _unlink(text: str) -> str:
    return _LINK.sub(r"\1", text) if "](" in text else text


def _unmark(text: str) -> str:
    return _MARKDOWN.sub("", text) if _MARKUP_CHAR.search(text) else text


def _untail(text: str) -> str:
    return _TRAILING_JUNK.sub("", text) if text and (text[-1].isspace() or text[-1] in ".,;:!?-–—") else text


@dataclass(slots=True, eq=False)
class Hit:
    """One rule's verdict on one line (kept for `track explain`).

    Treated as immutable (a changed verdict is a ``replace``d copy) but not
    frozen, as ``Line``: a frozen dataclass sets every field through
    ``object.__setattr__``, and a line's hits are made by the thousand. Two
    hits are the same hit only if they are the same object.
    """

    rule: Rule
    matched: str | None  # the matched text, or None if no pattern matched
    position: int = 0
    owner: str | None = None
    vetoed_by: str | None = None
    elsewhere: bool = False  # matched, but in a weaker sentence of the line than the one reported
    # (a negative rule scoped to the clause: outside the clause of the evidence)
    weight: float = 0.0  # the rule's weight, halved when it names an owner the notes never mention

    @property
    def counts(self) -> bool:
        return self.matched is not None and self.vetoed_by is None and not self.elsewhere


def _clean_owner(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip(" @*_`()[]:,")
    first = name.split()[0].lower() if name else ""
    if not first or first in _NOT_OWNERS or first in NOT_NAMES:
        return None
    return name


def _sentence_bounds(body: str, position: int) -> tuple[int, int]:
    """The sentence of ``body`` that holds ``position``, as (start, end)."""
    ends, starts = _sentence_breaks(body)
    i = bisect_left(ends, position)
    return starts[i], ends[i]


@lru_cache(maxsize=256)
def _sentence_breaks(body: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    # A matched line is asked for its sentences once per hit: split it once.
    ends, starts = [], [0]
    for m in _SENTENCE_END.finditer(body):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(len(body))
    return tuple(ends), tuple(starts)


def known_people(meeting: Meeting) -> frozenset[str]:
    """Lower-cased names, first names, initials and logins of the meeting's attendees and speakers."""
    names = set(meeting.attendees) | {ln.speaker for ln in meeting.lines if ln.speaker}
    known = {login.lower() for _, login in meeting.logins}
    for name in names:
        words = name.lower().split()
        known.update((name.lower(), words[0]))
        if len(words) > 1:
            known.add("".join(w[0] for w in words))
    return frozenset(known)


def _verdict(rule: Rule, m: re.Match, text: str, unless: Collection[int] | None, people: frozenset[str]) -> Hit:
    """The hit of a rule whose pattern matched ``text``; ``unless``: its veto patterns worth trying (None: all)."""
    # The match's last character places it in its sentence: a pattern may
    # start on the punctuation that ends the sentence before (". Need to").
    position = max(m.start(), m.end() - 1)
    if rule.context.conditional or rule.weight < 0 or (unless is not None and not unless):
        # A rule with context speaks for the whole line, and so do its vetoes;
        # a damper is only ever shown the sentence it judges (and no veto can match: nothing to cut).
        veto = rule.veto(text, unless)
    else:
        # "Will find the links. Does that make sense?": a question in another sentence vetoes nothing.
        start, end = _sentence_bounds(text, position)
        veto = rule.veto(text[start:end], unless)
    named = m.groupdict().get("owner")
    owner = _clean_owner(named)
    weight = rule.weight
    vetoed_by = veto.group(0) if veto else None
    if rule.known_owner and named and owner is None:
        # "Planning to add ...", "Summary will ...": the word the form takes for a person is none.
        vetoed_by = vetoed_by or f"{named.strip()}: not a person's name"
    elif rule.known_owner == "required" and not (owner and _known(owner, people)):
        # "parser will", "we to": only the notes' own people make this form an assignment.
        vetoed_by = vetoed_by or f"{m.groupdict().get('owner') or m.group(0)}: not a known attendee or speaker"
    elif rule.known_owner and owner and people and not _known(owner, people):
        # "the OCaml API to run", "Wasmtime will": a capitalised word the notes
        # never use for a person is weaker evidence (the owner is kept: an
        # attendee list is often incomplete).
        weight = weight / 2
    return Hit(rule, m.group(0), position, owner, vetoed_by, weight=weight)


def _hit(rule: Rule, text: str, only: Collection[int] | None = None, people: frozenset[str] = frozenset()) -> Hit | None:
    """The rule's verdict on ``text``, or None when no pattern matches (most rules on most lines)."""
    m = _match(rule, text, only, people)
    return None if m is None else _verdict(rule, m, text, None, people)


def _match(rule: Rule, text: str, only: Collection[int] | None, people: frozenset[str], pos: int = 0) -> re.Match | None:
    if rule.known_owner == "required":
        # "back to", "need to": most matches of such a rule name nobody; look on for one that names a person.
        return rule.first_match_of(text, people, only, pos)
    return rule.first_match(text, only, pos)


class _Ungated:
    """Tries every pattern of every rule: for ``evaluate`` without a rule set's gate."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.positive: dict[int, None] = {i: None for i, rule in enumerate(rules) if rule.weight >= 0}
        self.negative: dict[int, None] = {i: None for i, rule in enumerate(rules) if rule.weight < 0}

    def candidates(self, text: str) -> dict[int, None]:
        return self.positive

    def dampers(self, text: str) -> dict[int, None]:
        return self.negative

    def vetoes(self, text: str, rule: int) -> None:
        return None


def _hits(
    line: Line,
    text: str,
    rules: tuple[Rule, ...],
    possible: Mapping[int, Collection[int] | None],
    vetoes: Callable[[str, int], Collection[int] | None],
    people: frozenset[str],
    dampers: bool,
) -> list[Hit]:
    """The hits on ``text`` of the rules in ``possible``: the positive ones, or the dampers (as the gate
    hands them out: each kind apart)."""
    found = []
    for i in sorted(possible):
        rule = rules[i]
        if rule.context.holds(line):
            m = _match(rule, text, possible[i], people)
            if m is None:
                continue
            unless = vetoes(text, i)
            while m is not None:
                hit = _verdict(rule, m, text, unless, people)
                found.append(hit)
                if dampers or rule.context.conditional:
                    break
                # Sentences are weighed one by one: "I will go through the updates. We will rename it."
                end = _sentence_bounds(text, hit.position)[1]
                m = _match(rule, text, possible[i], people, end) if end < len(text) else None
    return found


def rule_fires(rule: Rule, line: Line, people: frozenset[str] = frozenset()) -> bool:
    """Whether one rule, on its own, matches this line (context holds, matched, not vetoed)."""
    if not rule.context.holds(line):
        return False
    hit = _hit(rule, line.body, people=people)
    return hit is not None and hit.counts


def evaluate(
    line: Line,
    rules: tuple[Rule, ...],
    gate: Gate | _Ungated | None = None,
    people: frozenset[str] = frozenset(),
) -> list[Hit]:
    """Every rule whose context holds and that matched, with whether it was vetoed.

    ``gate``, the rule set's (built on these ``rules``), tells which patterns
    can match at all; the others are not tried.

    Evidence is weighed per sentence: weak hints in two different sentences
    of a long line ("we need X. ... I'd like Y") do not add up, a rule is
    looked for in every sentence, and a rule's vetoes only look at the
    sentence it matched in. Rules with context conditions (an "Action items"
    section, a checkbox) speak for every sentence. Negative rules only look at
    the sentence they judge: "Merged the parser. Still need to port the tests"
    is still a need. The line is judged by its best sentence once damped.
    """
    body = line.body
    gate = gate or _Ungated(rules)
    hits = _hits(line, body, rules, gate.candidates(body), gate.vetoes, people, dampers=False)
    if not hits:  # most lines
        return hits
    positive = [h for h in hits if h.counts]
    if not positive:
        return hits
    # Negative rules only matter once something positive matched.
    whole_line = [h for h in positive if h.rule.context.conditional]
    by_sentence: dict[tuple[int, int], list[Hit]] = {}
    for hit in positive:
        if not hit.rule.context.conditional:
            by_sentence.setdefault(_sentence_bounds(body, hit.position), []).append(hit)
    if not by_sentence:
        by_sentence[_sentence_bounds(body, 0)] = []
    # Negative rules: only now, and only in the sentences that hold evidence, are they worth looking for.
    damped = {b: _dampers(line, body, b, by_sentence[b], rules, gate) for b in by_sentence}
    # The line is judged by its best sentence once damped: "I will go through the updates. We will rename it."
    bounds = max(by_sentence, key=lambda b: (confidence(whole_line + by_sentence[b] + damped[b]), -b[0]))
    chosen = {id(h) for h in by_sentence[bounds]}
    hits = [replace(h, elsewhere=True) if h.counts and h not in whole_line and id(h) not in chosen else h for h in hits]
    return hits + damped[bounds]


def _dampers(
    line: Line, body: str, bounds: tuple[int, int], evidence: list[Hit], rules: tuple[Rule, ...], gate: Gate | _Ungated
) -> list[Hit]:
    """The negative rules' hits on one sentence of ``body``, placed in ``body`` as the positive ones are.

    One whose ``scope`` is the clause counts only from the clause that holds
    the ``evidence`` on: "PAC support has been merged, the RFC is to be
    updated soon" still leaves work.
    """
    start, end = bounds
    sentence = body[start:end]
    hits = _hits(line, sentence, rules, gate.dampers(sentence), gate.vetoes, frozenset(), dampers=True)
    if any(hit.rule.scope == "clause" for hit in hits):
        clause = _clause_start(body, start, evidence) - start
        hits = [_in_clause(hit, sentence, clause) if hit.rule.scope == "clause" else hit for hit in hits]
    return [replace(hit, position=hit.position + start) for hit in hits] if start else hits


def _in_clause(hit: Hit, sentence: str, clause: int) -> Hit:
    """A clause-scoped negative hit, looked for again from ``clause`` on when it matched before it
    (its vetoes still read the whole sentence); found nowhere there, it is kept for `track explain`
    but not counted."""
    if not hit.counts or _match_start(hit) >= clause:
        return hit
    m = hit.rule.first_match(sentence, None, clause)
    return replace(hit, elsewhere=True) if m is None else _verdict(hit.rule, m, sentence, None, frozenset())


def _match_start(hit: Hit) -> int:
    """Where the hit's match starts in the text it was found in (``position`` is its last character)."""
    return hit.position - max(len(hit.matched or "") - 1, 0)


_CLAUSE_BREAK = re.compile(r",\s+|\s[—–]\s|\s--\s")


def _clause_start(body: str, start: int, evidence: list[Hit]) -> int:
    """Where the clause that holds the first of ``evidence`` starts, in the sentence at ``start``:
    just after the last comma or dash before it."""
    first = min((_match_start(hit) for hit in evidence), default=start)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(body, start, first)]
    return breaks[-1] if breaks else start


def confidence(hits: list[Hit]) -> float:
    """Noisy-OR of the positive weights, scaled down by each negative one."""
    if not hits:  # most lines
        return 0.0
    miss = 1.0
    damp = 1.0
    for hit in hits:
        if not hit.counts:
            continue
        if hit.weight >= 0:
            miss *= 1.0 - hit.weight
        else:
            damp *= 1.0 + hit.weight
    return round((1.0 - miss) * damp, 3)


def _sentence(body: str, position: int) -> str:
    start, end = _sentence_bounds(body, position)
    return body[start:end]


_PAIRS = {"(": ")", "[": "]", "<": ">"}


def _strip_brackets(text: str) -> str:
    """Drop a bracket pair around the whole text, or a lone bracket at either end; keep balanced ones."""
    while text:
        first, last = text[0], text[-1]
        if first in _PAIRS and last == _PAIRS[first] and text.count(first) == 1 and text.count(last) == 1:
            text = text[1:-1].strip()
        elif first in _PAIRS and _PAIRS[first] not in text:
            text = text[1:].strip()
        elif last in _PAIRS.values() and {v: k for k, v in _PAIRS.items()}[last] not in text:
            text = text[:-1].strip()
        else:
            return text
    return text


def make_title(text: str) -> str:
    """A readable issue title: no markdown, markers or trailing punctuation, under 80 characters."""
    title = _unlink(text)
    title = _unmark(title)
    title = _LEADING_JUNK.sub("", title)
    title = _MARKER.sub("", title)
    title = split_speaker(title)[1]  # "Action: SRL: document ..." -> "document ..."
    title = " ".join(title.split())
    title = _untail(_strip_brackets(title.strip()))
    if len(title) > TITLE_LIMIT:
        cut = title[: TITLE_LIMIT - 1].rsplit(" ", 1)[0]
        title = _untail(cut) + "…"
    return title[:1].upper() + title[1:]


def normalise(text: str) -> str:
    """Lower case, without markdown or punctuation, spaces collapsed: what ids are made from."""
    # The words joined by single spaces (no \w character is a space to str.split).
    text = _unmark(text).lower()
    if text.isascii():  # most texts: one C pass instead of a regex search
        return " ".join(text.encode().translate(_ASCII_WORD_CHARS).decode().split())
    return " ".join(_WORDS.findall(text))


def follow_up_id(path: str, normalised_text: str, occurrence: int) -> str:
    """Stable across moved lines: built from the path and the text, never the line number.

    ``normalised_text`` is the follow-up's text as ``normalise`` gives it; ``occurrence``
    counts earlier follow-ups of the note with the same normalised text.
    """
    key = f"{path}\n{normalised_text}\n{occurrence}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Candidate:
    line: Line
    hits: tuple[Hit, ...]
    confidence: float

    @property
    def counting(self) -> list[Hit]:
        return [h for h in self.hits if h.counts and h.rule.weight >= 0]


def candidates(meeting: Meeting, ruleset: RuleSet, people: frozenset[str] | None = None) -> list[Candidate]:
    rules = ruleset.active
    gate = ruleset.gate
    people = known_people(meeting) if people is None else people
    out = []
    lines = meeting.lines
    for index, line in enumerate(lines):
        if line.override == "ignore" or line.block == "heading" or not line.body:
            continue
        hits = evaluate(line, rules, gate, people)
        score = confidence(hits) if hits else 0.0
        after = lines[index + 1] if index + 1 < len(lines) else None
        # A line filed on its own is not read on: the wrap could only raise a score already high enough.
        if score < DEFAULT_MIN_CONFIDENCE and after is not None and _wraps(line, after):
            hits, score = _across_the_wrap(line, after, hits, score, rules, gate, people)
        if line.override == "follow-up":
            score = 1.0
        if score > 0:
            out.append(Candidate(line, tuple(hits), score))
    return out


_REACH = 80  # how far before a wrap a match across it may start
_SEAM = 25  # characters either side of a wrap that a match across it is looked for in


def _wraps(line: Line, after: Line) -> bool:
    """Whether the sentence of ``line`` carries on onto the soft-wrapped line ``after``.

    A capital starts a new sentence; code, a bracket or a digit ("`try_call`",
    "(and its tests)") carries the old one on, like a lower-case word. A line
    the notes ignore is never part of another's sentence.
    """
    return (
        after.number == line.number + 1
        and not after.starts_block
        and after.block == line.block
        and after.body == after.text
        and after.speaker == line.speaker
        and "ignore" not in (line.override, after.override)
        and not after.text[:1].isupper()
        and not _TERMINAL.search(line.text)
    )


def _across_the_wrap(
    line: Line, after: Line, hits: list[Hit], score: float, rules: tuple[Rule, ...], gate: Gate, people: frozenset[str]
) -> tuple[list[Hit], float]:
    """The hits of ``line`` read on into the line it wraps onto: "next thing / is to write a blog post".

    Only a match that starts on ``line`` and crosses the wrap is new; what lies
    wholly on the next line is that line's own.
    """
    seam = len(line.body)
    # Most wraps hold no words any rule looks for: ruled out on the few words either side of the wrap,
    # then on the patterns those words allow; only a match across the wrap is worth a full reading.
    possible = gate.gated(f"{line.body[-_SEAM:]} {after.text[:_SEAM]}")
    text = f"{line.body} {after.text}"
    if not possible or not _crosses(line, text, seam, rules, possible, people):
        return hits, score
    joined = evaluate(replace(line, body=text), rules, gate, people)
    kept = [h for h in joined if h.matched is None or h.position - len(h.matched) < seam]
    joined_score = confidence(kept)
    return (kept, joined_score) if joined_score > score else (hits, score)


def _crosses(
    line: Line, text: str, seam: int, rules: tuple[Rule, ...], possible: Mapping[int, Collection[int]], people: frozenset[str]
) -> bool:
    """Whether a positive rule matches ``text``, the line read on past its wrap, across ``seam``
    (vetoes aside: this only says whether to look).

    The search starts a little before the seam (``^`` and look-behinds still
    see the whole line): a match that starts further back is one the line
    alone already had its chance at.
    """
    for i, only in possible.items():
        rule = rules[i]
        if rule.weight < 0 or not rule.context.holds(line):
            continue
        m = _match(rule, text, only, people, max(0, seam - _REACH))
        while m is not None and m.end() <= seam:
            m = _match(rule, text, only, people, m.end() if m.end() > m.start() else m.end() + 1)
        if m is not None and m.start() < seam:
            return True
    return False


def _span(cand: Candidate, by_number: dict[int, Line], taken: set[int]) -> list[Line]:
    """The line, plus the lines its sentence wraps from and onto (same paragraph, same speaker)."""
    span = [cand.line]
    while len(span) < MAX_SPAN:
        prev = by_number.get(span[0].number - 1)
        if prev is None or prev.number in taken or prev.introduces or not _wraps(prev, span[0]):
            break
        span.insert(0, prev)
    while len(span) < MAX_SPAN:
        nxt = by_number.get(span[-1].number + 1)
        if nxt is None or nxt.number in taken or not _wraps(span[-1], nxt):
            break
        span.append(nxt)
    return span


def _spans(found: list[Candidate], by_number: dict[int, Line]) -> list[tuple[Candidate, list[Line]]]:
    """Each candidate's lines, the same at any threshold.

    Follow-ups that would be filed by default claim their lines first; a
    weaker candidate inside one of their spans is part of it, and the spans
    of the others stop where another candidate starts.
    """
    strong = _fold_continuations([c for c in found if c.confidence >= DEFAULT_MIN_CONFIDENCE], by_number)
    weak = [c for c in found if c.confidence < DEFAULT_MIN_CONFIDENCE]
    taken = {c.line.number for c in strong}
    out = []
    for cand in strong:
        span = _span(cand, by_number, taken - {cand.line.number})
        taken.update(line.number for line in span)
        out.append((cand, span))
    claimed = set(taken)
    weak_lines = {c.line.number for c in weak}
    for cand in weak:
        if cand.line.number in claimed:
            continue
        span = _span(cand, by_number, claimed | (weak_lines - {cand.line.number}))
        claimed.update(line.number for line in span)
        out.append((cand, span))
    return sorted(out, key=lambda pair: pair[1][0].number)


def _fold_continuations(strong: list[Candidate], by_number: dict[int, Line]) -> list[Candidate]:
    """One sentence, one follow-up: a filed line that only carries on the sentence of a filed line
    above it ("ping the stakeholders who missed this" / "meeting") is part of that follow-up.

    The line above keeps speaking for it (title, kind, owner); the line it wraps onto adds
    only its confidence. Only a sentence that starts its paragraph or list item is read on:
    the lines of a run under a lead-in ("Remaining:" / "port the tests" / "update the docs")
    stay items of their own.
    """
    folded: list[Candidate] = []
    for cand in strong:
        head = folded[-1] if folded else None
        if head is not None and head.line.starts_block and _only_carries_on(head.line, cand, by_number):
            folded[-1] = replace(head, confidence=max(head.confidence, cand.confidence))
        else:
            folded.append(cand)
    return folded


def _only_carries_on(head: Line, cand: Candidate, by_number: dict[int, Line]) -> bool:
    """Whether ``head``'s sentence wraps, line by line, onto ``cand``'s line within one span,
    and ``cand`` holds no evidence in a sentence of its own after it."""
    line = cand.line
    if not 0 < line.number - head.number < MAX_SPAN:
        return False
    chain = [by_number.get(n) for n in range(head.number, line.number + 1)]
    if not all(a is not None and b is not None and _wraps(a, b) for a, b in zip(chain, chain[1:])):
        return False
    carried_on = _sentence_bounds(line.body, 0)[1]
    return all(hit.position < carried_on for hit in cand.counting)


def _owner(cand: Candidate, people: frozenset[str]) -> str | None:
    """Who will do it: a rule's owner, else an assignment form the rules leave unnamed, else the speaker."""
    for hit in sorted(cand.counting, key=lambda h: -h.weight):
        if hit.owner:
            return hit.owner
    body = _MARKER.sub("", cand.line.body)
    for form in _OWNER_FORMS:
        if form is _BARE_VERB and cand.line.checkbox != "open":
            continue  # "Luke gave a talk" is news; "- [ ] Kate send out the invite" is a task
        found = form.search(body)
        if found and _clean_owner(found["owner"]) and (form is _TRAILING_OWNER or _known(found["owner"], people)):
            return found["owner"]
    return cand.line.speaker


def _known(name: str, people: frozenset[str]) -> bool:
    return name.lower() in people or name.split()[0].lower() in people


def _kind(cand: Candidate) -> str:
    best = max(cand.counting, key=lambda h: h.weight, default=None)
    return best.rule.kind if best and best.rule.kind else "action"


def extract(meeting: Meeting, ruleset: RuleSet, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[FollowUp]:
    """The follow-ups of one meeting at or above ``min_confidence``, in line order.

    Spans and ids are worked out over every candidate, whatever the threshold,
    so a follow-up has the same lines and id in ``--all`` as in a plain scan.
    """
    by_number = {line.number: line for line in meeting.lines}
    people = known_people(meeting)
    spans = _spans(candidates(meeting, ruleset, people), by_number)
    occurrences: dict[str, int] = {}
    out = []
    for cand, span in spans:
        text = " ".join(line.body for line in span)
        normal = normalise(text)
        occurrence = occurrences.get(normal, 0)
        occurrences[normal] = occurrence + 1
        if cand.confidence < min_confidence:
            continue  # counted for the ids; no title needed
        offset = sum(len(line.body) + 1 for line in span[: span.index(cand.line)])
        best = max(cand.counting, key=lambda h: h.weight, default=None)
        # A match read across the wrap may end on a line another follow-up claimed: stay in the text.
        sentence = _sentence(text, min(offset + (best.position if best else 0), len(text)))
        title = make_title(sentence) or make_title(text) or f"Follow-up from {meeting.title}"[:TITLE_LIMIT]
        labels = sorted({label for h in cand.counting for label in h.rule.labels})
        out.append(
            FollowUp(
                id=follow_up_id(meeting.repo_path or meeting.path, normal, occurrence),
                path=meeting.path,
                line=span[0].number,
                end_line=span[-1].number,
                text=text,
                title=title,
                kind=_kind(cand),
                owner=_owner(cand, people),
                labels=tuple(labels),
                confidence=cand.confidence,
                rules=tuple(h.rule.id for h in cand.counting),
                section=cand.line.section,
                meeting=meeting.ref(),
                lead_in=cand.line.lead_in,
            )
        )
    return out
