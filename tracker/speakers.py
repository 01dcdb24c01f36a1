"""Speaker prefixes: ``Alex: ...``, ``**Dan Gohman**: ...``, ``TL: ...``, ``- fitzgen: ...``."""

from __future__ import annotations

import re
from functools import lru_cache

# Bounded repetitions only: this runs on every line of every note, and a line
# of thousands of "Name:" prefixes must stay linear.
_SPEAKER = re.compile(
    r"(?P<open>\*\*|__|\*|_)?"
    r"(?P<name>[A-Za-z][\w'.\-]{0,24}(?: [A-Za-z][\w'.\-]{0,24}){0,3}"
    # several speakers: "AC, AB:", "tschneidereit/pchickey:", "Chris & Stephen:"
    r"(?:[ \t]?[,/&+][ \t]?[A-Za-z][\w'.\-]{0,24}(?: [A-Za-z][\w'.\-]{0,24}){0,2}){0,3})"
    r"(?: \([^()\n]{1,30}\))?"
    r"(?P<close>\*\*|__|\*|_)?"
    r"[ \t]?:(?:\*\*|__|\*|_)?(?=\s|$)"
)

# "@jasnell: ...": a GitHub handle is always a person (a team, "@org/team", has a slash).
_MENTION_SPEAKER = re.compile(r"(?:\*\*|__)?@(?P<name>[A-Za-z0-9][\w-]{0,38})(?:\*\*|__)?[ \t]?:(?:\*\*|__)?(?=\s|$)")

# Words that end with a colon in notes but are labels, not people.
NOT_NAMES = frozenset(
    """
    a action actions agenda ai also announcement announcements answer answers attendees
    aside background blocker blockers call caveat cc chair comment comments con concern
    concerns conclusion conclusions cons consensus context current date decision decisions
    discussion done e.g eg example examples edit feedback fix followup follow-up fyi goal
    goals host how i.e ie idea ideas important issue issues key link links location meeting
    minutes motivation nb next note notes notetaker objective option options outcome pr
    presenter present problem problems pro proposal proposals pros ps q question questions
    re recording related reminder repo resolution result results risk risks scribe see slides
    solution source speaker status step steps summary takeaway takeaways tbd tl;dr tldr todo
    to-do topic topics update updates url vote votes warning what when where who why wip
    zoom poll polls agreed resolved proposed plan plans open closed
    ultimately initially finally currently basically hopefully probably
    phase stage part item items rationale details detail overview intro introduction
    purpose scope usage use case cases reason reasons requirement requirements consider
    maybe perhaps possibly but and or so then now later today tomorrow yes no ok okay
    sure agree disagree https http mailto ftp file
    doc docs build src lib deps test tests tools benchmark meta governance policy errors
    fs crypto net stream streams tls util vm worker zlib esm module modules process
    buffer cluster dns events inspector os path querystring readline repl report timers
    tty wasi napi n-api node-api win linux macos ci chore feat refactor perf style
    revert release http2 assert console child_process perf_hooks trace_events
    charter email lts history features verifier refine infra commit milestone alternatives
    planning working looking trying going hoping thinking waiting starting continuing investigating
    naming regalloc soon recall all eventually exceptions egraphs verification optimization
    debugging testing fuzzing refactoring clarification nit nits
    times dates venue hotel hotels travel dinner lunch breakfast schedule timeline deadline
    """.split()
)
_PARTICLES = frozenset("van von de der den da di du la le del dos bin".split())


_BARE_NAME = re.compile(r"(?:\*\*|__)?(?P<name>[A-Za-z][\w'.\-]{1,24}(?: [A-Z][\w'.\-]{0,24}){0,2})(?:\*\*|__)?:?\s*$")


# Lower-case words with these endings are topics ("fuzzing:", "verification:"), not handles.
_WORDISH = re.compile(r"^[a-z]{2,}(?:ing|tion|sion|ment|ity|ness|ism|ance|ence|ure|ies|ics|ly)$")
_JOINER = re.compile(r"\s?[,/&+]\s?")


@lru_cache(maxsize=4096)  # a note names the same few speakers on line after line
def _plausible(name: str, handles: frozenset[str]) -> bool:
    parts = _JOINER.split(name)
    if len(parts) > 1:
        return all(_plausible(part, handles) for part in parts)
    words = name.split(" ")
    if any(w.lower().strip(".") in NOT_NAMES for w in words):
        return False
    if len(words) == 1:
        # A lower-case word is a handle ("fitzgen:") only if the note uses it
        # as a prefix more than once or lists it as an attendee; otherwise it
        # is more likely a label ("consider:", "pros:").
        return name[0].isupper() or (name in handles and not _WORDISH.search(name))
    return all(w[0].isupper() or w in _PARTICLES for w in words)


def split_speaker(text: str, handles: frozenset[str] = frozenset()) -> tuple[str | None, str]:
    """(speaker, rest of the line) for a line that opens with a speaker prefix."""
    if ":" not in text:  # most lines: no prefix can end there
        return None, text
    if "@" in text[:3]:
        m = _MENTION_SPEAKER.match(text)
        if m:
            return m["name"], text[m.end() :].lstrip()
    m = _SPEAKER.match(text)
    if not m:
        return None, text
    opened, closed, name = m.group("open", "close", "name")
    if closed and not opened:
        return None, text
    name = name.strip("_*")  # "__Kim__:" is Kim
    if not name or not _plausible(name, handles):
        return None, text
    return name, text[m.end() :].lstrip()


def bare_name(text: str, handles: frozenset[str], people: frozenset[str] = frozenset()) -> str | None:
    """A list item that is only a name ("- abrown") heads that person's sub-items.

    A single word is only a name when the note uses it as one (a handle, an
    attendee, initials): "- Performance" over sub-items is a topic.
    """
    m = _BARE_NAME.match(text)
    if not m:
        return None
    name = m["name"].strip("_*")
    if not name or not _plausible(name, handles):
        return None
    if " " in name:
        return name
    if name in handles or name.lower() in people or (name.isupper() and 2 <= len(name) <= 4):
        return name
    return None


def lowercase_handles(text: str) -> frozenset[str]:
    """Lower-case prefixes ("fitzgen:") that a note uses as speakers.

    A prefix used twice is a handle; so is every prefix of a note that uses
    three or more different ones (status rounds: "fitzgen: ...", "uweigand: ...").
    """
    counts: dict[str, int] = {}
    for m in _HANDLE_PREFIX.finditer("\n" + text):
        if m[1] not in NOT_NAMES:
            counts[m[1]] = counts.get(m[1], 0) + 1
    if len(counts) >= 3:
        return frozenset(counts)
    return frozenset(h for h, n in counts.items() if n >= 2)


# A line start written as "\n" (the text searched is given one in front), not "^" with re.M:
# a pattern that starts with a literal is only tried where that character is.
_HANDLE_PREFIX = re.compile(r"\n[ \t]{0,12}(?:[-*+>][ \t]{1,4})?(?:\*\*|__)?([a-z][\w.\-]{1,24})(?:\*\*|__)?:")


_COMMA_PREFIX = re.compile(r"(?P<name>[A-Z][\w'.\-]{1,24}(?: [A-Z][\w'.\-]{1,24})?)(?:,| -| –)\s")


def attendee_prefix(text: str, people: frozenset[str]) -> tuple[str | None, str]:
    """"James, needed to have it" / "Rafael - we have": a speaker only when an attendee has that first name."""
    m = _COMMA_PREFIX.match(text)
    if not m or m["name"].split()[0].lower() not in people:
        return None, text
    return m["name"], text[m.end() :].lstrip()
