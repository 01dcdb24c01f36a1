"""What an issue filed by track looks like, and how track recognises its own issues.

The tool owns only the part of an issue body between its two markers; a
person's text outside them is kept on every update. The end of that part
holds a hidden state line (the follow-up's id, the title and labels track
last set, a fingerprint of the content) so that later runs can tell what
changed in the notes from what a person changed on GitHub.

Everything taken from the notes is escaped on the way in: `<` can never open
an HTML comment (so text in a note cannot forge a marker), and `@name`,
`#123` and github.com issue links are neutralised so that quoting the notes
pings nobody and back-links nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

TITLE_LIMIT = 256
BODY_LIMIT = 65_536
LABEL_LIMIT = 50
LABEL_DESCRIPTION_LIMIT = 100

BEGIN = "<!-- track:begin: text up to track:end is rewritten from the notes; write below it -->"
END = "<!-- track:end -->"
_BEGIN_PREFIX = "<!-- track:begin"
_STATE = re.compile(r"^<!-- track:state id=([0-9a-f]{16}) data=([A-Za-z0-9_-]+) -->$", re.M)
_ZWSP = "&#8203;"  # an entity, so the raw body shows why the mention is inert
_MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<!&)#(?=\d)")  # "#12" and "org/repo#12", not "&#123;"
_GITHUB_LINK = re.compile(r"https?://github\.com/", re.I)
CUT_NOTE = "\n> … (cut to fit GitHub's size limit)"


@dataclass(frozen=True)
class Mark:
    """The state track keeps in an issue body, between runs."""

    id: str
    path: str
    text: str  # the follow-up's normalised text: what an edited follow-up is matched by
    fingerprint: str  # of everything shown in the body except line numbers and commit
    title: str  # the title track last set; a different title now means a person changed it
    labels: tuple[str, ...] = ()  # the labels track added
    assignees: tuple[str, ...] = ()  # the assignees track set
    removed: str | None = None  # the commit at which the follow-up left the notes
    # For the digest: what the notes said, as of the last sync.
    kind: str | None = None
    owner: str | None = None  # as written in the notes
    meeting: str | None = None  # the meeting's title
    date: str | None = None  # the meeting's date, ISO

    def encode(self) -> str:
        data = json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        packed = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
        return f"<!-- track:state id={self.id} data={packed} -->"


_MARK_FIELDS = frozenset(Mark.__dataclass_fields__)


@dataclass(frozen=True)
class Source:
    """Where a follow-up is in the notes, for the body's link and heading."""

    path: str
    line: int
    end_line: int
    meeting_title: str
    meeting_date: str | None
    section: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()  # the raw note lines, line..end_line


@dataclass(frozen=True)
class Content:
    """What track wants an issue to say, before links and markers are added."""

    title: str
    kind: str
    owner: str | None  # as written in the notes
    login: str | None  # from the people map
    labels: tuple[str, ...] = field(default_factory=tuple)

    def fingerprint(self, source: Source) -> str:
        shown = [self.title, self.kind, self.owner, self.login, sorted(self.labels),
                 source.meeting_title, source.meeting_date, list(source.section), [_quote_line(l) for l in source.lines]]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]


# --- reading -------------------------------------------------------------------------


def managed_span(body: str) -> tuple[int, int] | None:
    """Start and end offsets of track's own part of a body, markers included."""
    start = body.find(_BEGIN_PREFIX)
    if start < 0:
        return None
    end = body.find(END, start)
    return (start, end + len(END)) if end >= 0 else None


def read_mark(body: str | None) -> Mark | None:
    """The state track left in a body, or None for an issue that is not track's own."""
    body = (body or "").replace("\r\n", "\n")  # bodies edited in the web UI come back with CRLF
    span = managed_span(body)
    if span is None:
        return None
    found = _STATE.search(body, *span)
    if found is None:
        return None
    try:
        packed = found.group(2)
        data = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
        known = {k: v for k, v in data.items() if k in _MARK_FIELDS}  # a newer track may add fields
        mark = Mark(**{**known, "labels": tuple(known["labels"]), "assignees": tuple(known["assignees"])})
    except (binascii.Error, ValueError, TypeError, KeyError):
        return None
    return mark if mark.id == found.group(1) else None


# --- writing -------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Note text made safe to quote: no HTML, no mentions, no cross-references."""
    text = text.replace("<", "&lt;")
    text = _ISSUE_REF.sub("#" + _ZWSP, text)
    text = _MENTION.sub("@" + _ZWSP, text)
    return _GITHUB_LINK.sub("https://www.github.com/", text)


_TASK_BOX = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[([ xX])\]")


def _quote_line(line: str) -> str:
    """A note line for the quote; a task box is escaped, since a click on it would edit the body."""
    return _TASK_BOX.sub(r"\1\\[\2]", neutralise(line.rstrip()))


def inline(text: str) -> str:
    """A note-derived phrase made safe for use inside link text or emphasis."""
    return re.sub(r"([\[\]*_`\\])", r"\\\1", neutralise(text))


def permalink(server: str, repo: str, sha: str, path: str, line: int, end_line: int) -> str:
    return f"{file_link(server, repo, sha, path)}#L{line}-L{end_line}"


def file_link(server: str, repo: str, sha: str, path: str) -> str:
    """A note at a commit, shown as text (so that line anchors work); spaces and '#' in names encoded."""
    return f"{server.rstrip('/')}/{repo}/blob/{sha}/{quote(path, safe='/')}?plain=1"


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


FOOTER = ("<sub>Filed by track from the meeting notes. Write below this line: "
          "the text above it is rewritten when the notes change.</sub>")


def managed_body(content: Content, source: Source, link: str, mark: Mark, room: int = BODY_LIMIT,
                 show_login: bool = True) -> str:
    """track's part of the body, markers included, cut to at most ``room`` characters.

    ``show_login``: write the owner's @login (False when the login cannot be
    assigned in this repository, so that nobody outside it is pinged).
    """
    quote = [f"> {_quote_line(line)}" if line.strip() else ">" for line in source.lines]
    head = _heading(content, source, link, show_login)
    tail = ["", FOOTER, mark.encode(), END]
    parts = [BEGIN, *quote, "", *head, *tail]
    text = "\n".join(parts)
    while len(text) > room and quote:
        quote = quote[:-1]
        text = "\n".join([BEGIN, *quote, CUT_NOTE.strip(), "", *head, *tail])
    return text


def _heading(content: Content, source: Source, link: str, show_login: bool) -> list[str]:
    when = f" ({source.meeting_date})" if source.meeting_date else ""
    lines = f"line {source.line}" if source.line == source.end_line else f"lines {source.line}–{source.end_line}"
    where = f"**{content.kind.capitalize()}** from [{inline(source.meeting_title)}{when}]({link}), {lines}"
    if source.section:
        where += ", under *" + " › ".join(inline(s) for s in source.section) + "*"
    out = [where]
    login = content.login if show_login else None
    if content.owner or login:
        name = inline(content.owner) if content.owner else ""
        who = f"{name} (@{login})" if name and login else name or f"@{login}"
        out.append(f"**Owner:** {who}")
    return out


def mark_removed(body: str, mark: Mark, link: str) -> str:
    """``body`` with track's state replaced by ``mark`` and a note that the follow-up left the notes."""
    span = managed_span(body)
    found = _STATE.search(body, *span) if span else None
    if found is None:
        raise ValueError("no track state in this body")
    notice = f"\n**No longer in the notes** as of [this commit]({link}).\n\n"
    return body[: found.start()] + notice + mark.encode() + body[found.end():]


def splice(body: str | None, managed: str) -> str:
    """``body`` with track's part replaced by ``managed``; a person's text around it is kept."""
    body = body or ""
    span = managed_span(body)
    if span is None:
        return managed + ("\n\n" + body if body.strip() else "")
    return body[: span[0]] + managed + body[span[1]:]


def room_for_managed(body: str | None) -> int:
    """How long track's part may be so that the whole body fits GitHub's limit."""
    body = body or ""
    span = managed_span(body)
    outside = len(body) - (span[1] - span[0]) if span else len(body) + 2
    return max(BODY_LIMIT - outside, 0)


def label_name(text: str) -> str:
    return cut(text.strip(), LABEL_LIMIT)
