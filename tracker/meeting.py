"""Notes -> Meeting: every text line with its number and context (section, speaker, list)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from .dates import meeting_date
from .markdown import parse_blocks
from .model import Line, Meeting
from .speakers import attendee_prefix, bare_name, lowercase_handles, split_speaker

_OVERRIDE = re.compile(r"<!--\s*track:\s*(ignore|follow-?up)\s*-->", re.I)
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_CHECKBOX = re.compile(r"\[([ xX])\]\s+")
# A sentence that visibly goes on in the list below it: "Marco's plan is to", "Next steps include".
_DANGLING = re.compile(r"\b(?:to|is|are|be|include|includes|including|with|for|of|the|and|or|following|as follows)$", re.I)
_DANGLING_REACH = 11  # its longest match, "as follows", and the word edge before it
_ATTENDEE_SECTION = re.compile(r"\b(attendees|attendance|attending|present|participants|people)\b", re.I)
# The label of a table row that lists who was there: "| Attending | Lann Martin, Kyle Brown |"
_ATTENDEE_ROW = re.compile(r"^(?:attendees|attending|attendance|participants|note[- ]?takers?|scribes?)\s*:?$", re.I)
_LOGIN = re.compile(r"@([A-Za-z\d](?:[A-Za-z\d-]{0,38}))")
_HEADING_LINK = re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\s]{0,2000}\)")
_MD_NOISE = re.compile(r"\*\*|__|`+|(?<!\w)[*_]|[*_](?!\w)")  # emphasis and code marks, not snake_case


def normalise_newlines(text: str) -> str:
    """Keep GitHub's line numbering: lines end at "\\n"; a lone "\\r" is not a line end."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", " ")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter's ``key: value`` pairs, and the text with those lines blanked."""
    if not text.startswith("---\n"):
        return {}, text
    lines = text.split("\n")
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, text
    fields = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t", "-")):
            fields[key.strip()] = value.strip().strip("\"'")
    return fields, "\n" * end + "\n" + "\n".join(lines[end + 1 :])


def _plain_heading(text: str) -> str:
    """A heading's text without links and emphasis (the searches skipped where they cannot match)."""
    if "](" in text:
        text = _HEADING_LINK.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = _MD_NOISE.sub("", text)
    return text.strip()


def _names_topic(lead_in: str, label: str) -> bool:
    """Whether the line above lists ``label`` as one of its topics (so "label:" below it is no speaker)."""
    return _topic_pattern(label).search(lead_in) is not None


@lru_cache(maxsize=1024)
def _topic_pattern(label: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w@])" + re.escape(label) + r"(?!\w)(?!:)", re.I)


def _override_of(text: str) -> str | None:
    if "<!--" not in text:  # most lines: skip the search
        return None
    m = _OVERRIDE.search(text)
    if not m:
        return None
    return "ignore" if m.group(1).lower() == "ignore" else "follow-up"


class _Walker:
    """Walks mistune's block tokens in document order, tracking context."""

    def __init__(self, handles: frozenset[str] = frozenset()) -> None:
        self.handles = handles  # lower-case names this note uses as speakers
        self.lines: list[Line] = []
        self.headings: list[tuple[int, str]] = []
        self.section: tuple[str, ...] = ()  # the headings' texts, kept in step with them
        self.in_attendees = False  # the nearest heading names the attendees: kept in step with it
        self.ignore_level: int | None = None  # inside a section silenced by an override
        self.pending: str | None = None  # a standalone override waiting for its block
        self.attendees: list[str] = []
        self.logins: list[tuple[str, str]] = []
        self.outer: list[str] = []  # lead-ins of the lists we are inside, outermost first
        self._people_words: set[str] = set()  # first names and initials of the attendees so far
        self._people_snapshot: frozenset[str] | None = frozenset()  # None once an attendee is added

    def walk(self, tokens: list[dict[str, Any]], depth: int, speaker: str | None, lead_in: str | None, block: str) -> None:
        last_text: str | None = lead_in if depth else None
        for tok in tokens:
            kind = tok["type"]
            if kind == "heading":
                self._heading(tok)
                last_text = None
            elif kind in ("paragraph", "block_text"):
                last_text = self._paragraph(tok, depth, speaker, lead_in, block)
            elif kind == "list":
                self._mark_lead_in(last_text)
                owner = self._label_speaker(last_text) or speaker
                for item in tok["children"]:
                    self._item(item, depth + 1, owner, last_text)
            elif kind == "block_quote":
                self.walk(tok["children"], depth, speaker, lead_in, "quote")
            elif kind == "table":
                self._table(tok, depth, speaker)
            elif kind == "block_html":
                self._html(tok)
            elif kind in ("thematic_break", "block_code"):
                # A standalone override applies to the block right after it, even one with no text.
                self._take_block_override()
                last_text = None

    def _mark_lead_in(self, text: str | None) -> None:
        """The line just emitted leads the list after it when it ends with a colon or mid-sentence ("the plan is to")."""
        if not text or not self.lines or self.lines[-1].text != text:
            return
        # Only the end of the line can match: searching from there spares a try at every character.
        if text.endswith(":") or _DANGLING.search(text, max(0, len(text) - _DANGLING_REACH)):
            self.lines[-1] = replace(self.lines[-1], introduces=True)

    def _label_speaker(self, text: str | None) -> str | None:
        """"Nick:" alone on a line heads Nick's list below it."""
        last = self.lines[-1] if self.lines else None
        if text and last is not None and last.text == text and last.speaker and not last.body:
            return last.speaker
        return None

    def _mark_lead_in_at(self, index: int) -> None:
        if not self.lines[index].introduces:
            self.lines[index] = replace(self.lines[index], introduces=True)

    def _take_block_override(self) -> str | None:
        """A standalone override applies to the next block; consume it."""
        pending, self.pending = self.pending, None
        return pending

    def _heading(self, tok: dict[str, Any]) -> None:
        level = tok["attrs"]["level"]
        if self.ignore_level is not None and level <= self.ignore_level:
            self.ignore_level = None
        if self._take_block_override() == "ignore":
            self.ignore_level = level
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        text = _plain_heading(tok["text"].strip().split("\n")[0])
        self.headings.append((level, text))
        self.section = tuple(text for _, text in self.headings)
        self.in_attendees = bool(_ATTENDEE_SECTION.search(text))
        self.lines.append(Line(tok["line"], text, text, self.section[:-1], block="heading", starts_block=True))

    def _paragraph(self, tok: dict[str, Any], depth: int, speaker: str | None, lead_in: str | None, block: str) -> str | None:
        pending = self._take_block_override()
        silenced = pending == "ignore"
        force_next = pending == "follow-up"
        outer_lead_ins = tuple(reversed(self.outer))
        checkbox = None
        last = None
        # What a wrapped item ends with ("Investigate X\n[#96](...)") tells what the whole item is: its last non-blank line.
        paragraph_end = tok["text"].rstrip().rpartition("\n")[2].strip()
        for i, raw in enumerate(tok["text"].split("\n")):
            text = raw.strip()
            if not text:
                continue
            override = None
            if "<!--" in text:  # most lines hold no comment: no searches
                override = _override_of(text)
                text = _HTML_COMMENT.sub("", text).strip()
            if i == 0 and block == "item":
                m = _CHECKBOX.match(text)
                if m:
                    checkbox = "open" if m.group(1) == " " else "done"
                    text = text[m.end() :]
            if force_next and not override:
                override, force_next = "follow-up", False
            if silenced or self.ignore_level is not None:
                override = "ignore"
            who, body = split_speaker(text, self.handles)
            if not who and self.attendees:
                who, body = attendee_prefix(text, self._people())
            if who and speaker and who != speaker and lead_in and _names_topic(lead_in, who):
                # "- cfallin: PCC updates; egraphs" / "  - PCC: worked fine ...": a topic of the item above
                who, body = None, text
            if who:
                speaker = who
            if self.in_attendees and depth:
                self._attendee(text)
            # Positional, in Line's field order: passed by keyword, the fields cost twice as much
            # (half a microsecond a line, about 2% of a scan).
            self.lines.append(
                Line(
                    tok["line"] + i,  # number
                    text,
                    body,
                    self.section,
                    speaker,
                    depth,  # list_depth
                    lead_in,
                    checkbox if i == 0 else None,  # checkbox
                    block,
                    i == 0,  # starts_block
                    override,
                    outer_lead_ins,
                    False,  # introduces: set by _mark_lead_in once a list follows
                    paragraph_end,
                )
            )
            if last is not None and lead_in == last:
                self._mark_lead_in_at(-2)
            last = text
            # "Work items remaining:" leads the lines after it in the same paragraph.
            if text.endswith(":") and len(text) < 160:
                lead_in = text
        return last

    def _item(self, item: dict[str, Any], depth: int, speaker: str | None, lead_in: str | None) -> None:
        """A list item: its speaker (from its first line) carries into its nested lists."""
        last_text: str | None = None
        current = speaker
        children = item["children"]
        if len(children) > 1 and children[0]["type"] in ("paragraph", "block_text"):
            # "- abrown" followed by sub-items: the sub-items are abrown's.
            first = children[0]["text"].strip()
            if "\n" not in first and any(c["type"] == "list" for c in children[1:]):
                current = bare_name(first, self.handles, self._people()) or current
        for child in children:
            kind = child["type"]
            if kind in ("paragraph", "block_text"):
                last_text = self._paragraph(child, depth, current, lead_in, "item")
                if last_text is not None:
                    current = self.lines[-1].speaker
            elif kind == "list":
                self._mark_lead_in(last_text)
                if lead_in:
                    self.outer.append(lead_in)
                for sub in child["children"]:
                    self._item(sub, depth + 1, current, last_text)
                if lead_in:
                    self.outer.pop()
            else:
                self.walk([child], depth, current, lead_in, "item")

    def _table(self, tok: dict[str, Any], depth: int, speaker: str | None) -> None:
        head, body = tok["children"]
        rows = [head["children"]] + [row["children"] for row in body["children"]]
        silenced = self._take_block_override() == "ignore" or self.ignore_level is not None
        for index, cells in enumerate(rows):
            text = " | ".join(c["text"].strip() for c in cells)
            number = tok["line"] + (index + 1 if index else 0)  # row 2 is the separator
            first = cells[0]["text"].strip() if cells else ""
            if index and len(cells) > 1 and _ATTENDEE_ROW.match(_MD_NOISE.sub("", first)):
                # "| Attending | Lann Martin, Kyle Brown |": the names in one cell
                for name in re.split(r"[,;]", cells[1]["text"]):
                    if name.strip():
                        self._attendee(name.strip())
            elif self.in_attendees and index and first:
                self._attendee(first)  # "| Attendee | Affiliation |": a name per row
            self.lines.append(
                Line(number, text, text, self.section, speaker, depth, block="table",
                     starts_block=True, override="ignore" if silenced else None)
            )

    def _html(self, tok: dict[str, Any]) -> None:
        override = _override_of(tok.get("raw", ""))
        if override:
            self.pending = override

    def _people(self) -> frozenset[str]:
        """Lower-cased first names and initials of the attendees listed so far."""
        if self._people_snapshot is None:
            self._people_snapshot = frozenset(self._people_words)
        return self._people_snapshot

    def _attendee(self, text: str) -> None:
        login = _LOGIN.search(text)
        name = _MD_NOISE.sub("", text.split("@")[0].split("(")[0].split(" - ")[0].split(",")[0]).strip()
        if not name or len(name) >= 60:
            return
        if name not in self.attendees:
            self.attendees.append(name)
            self._add_person(name)
        if login and (name, login.group(1)) not in self.logins:
            self.logins.append((name, login.group(1)))

    def _add_person(self, name: str) -> None:
        # Kept up as attendees come: every line after an attendee list looks them up.
        words = name.lower().split()
        self._people_words.add(words[0])
        if len(words) > 1:
            self._people_words.add("".join(w[0] for w in words))
        self._people_snapshot = None


def _title(lines: list[Line], path: str) -> str:
    headings = [ln for ln in lines if ln.block == "heading"]
    if headings:
        return headings[0].text
    return path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


def read_meeting(text: str, path: str, repo_path: str | None = None) -> Meeting:
    """Parse one note's text.

    ``path`` is for reporting and the date; ``repo_path``, the note's path
    inside its repository, keeps follow-up ids the same from any directory.
    """
    fields, body = split_front_matter(normalise_newlines(text))
    walker = _Walker(lowercase_handles(body))
    walker.walk(parse_blocks(body), 0, None, None, "paragraph")
    lines = walker.lines
    title = fields.get("title") or _title(lines, path)
    return Meeting(
        path=path,
        title=title,
        date=meeting_date(fields, title, path),
        attendees=tuple(walker.attendees),
        logins=tuple(walker.logins),
        lines=tuple(lines),
        repo_path=repo_path,
    )
