"""Plain data passed between the pipeline's stages: notes -> lines -> follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("action", "need", "problem", "question")


@dataclass(slots=True)
class Line:
    """One physical text line of a note, with the context the rules may test.

    Treated as immutable (the walker swaps a line for a ``replace``d copy) but
    not frozen: a frozen dataclass sets every field through
    ``object.__setattr__``, which made building lines a tenth of read_meeting.
    The walker builds lines with positional arguments: a new field goes last.
    """

    number: int  # 1-based, as stored in the file
    text: str  # without list marker, quote marker or checkbox; stripped
    body: str  # ``text`` without the speaker prefix
    section: tuple[str, ...] = ()  # heading path, outermost first
    speaker: str | None = None  # from this line's prefix or inherited
    list_depth: int = 0  # 0 outside lists, 1 for a top-level item
    lead_in: str | None = None  # the line introducing this list or run of lines
    checkbox: str | None = None  # "open" or "done" on a task-list item
    block: str = "paragraph"  # paragraph, item, heading, table, quote
    starts_block: bool = False  # first line of its paragraph or list item
    override: str | None = None  # "ignore" or "follow-up" from an inline comment
    outer_lead_ins: tuple[str, ...] = ()  # lead-ins of the enclosing lists, innermost first
    introduces: bool = False  # this line leads a list or the lines after it ("Remaining:")
    paragraph_end: str = ""  # the last line of the paragraph (or list item) this line is in


@dataclass(frozen=True, slots=True)
class Meeting:
    path: str
    title: str
    date: str | None  # ISO yyyy-mm-dd
    attendees: tuple[str, ...] = ()
    logins: tuple[tuple[str, str], ...] = ()  # (name, GitHub login) from attendee lists
    lines: tuple[Line, ...] = ()
    repo_path: str | None = None  # the path inside its git repository: what ids are made from

    def ref(self) -> dict:
        return {"title": self.title, "date": self.date, "path": self.path}


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: str
    path: str
    line: int
    end_line: int
    text: str
    title: str
    kind: str
    owner: str | None
    labels: tuple[str, ...]
    confidence: float
    rules: tuple[str, ...]
    section: tuple[str, ...]
    meeting: dict = field(default_factory=dict)
    lead_in: str | None = None

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "title": self.title,
            "text": self.text,
            "kind": self.kind,
            "owner": self.owner,
            "labels": list(self.labels),
            "confidence": self.confidence,
            "id": self.id,
            "rules": list(self.rules),
            "section": list(self.section),
            "lead_in": self.lead_in,
            "meeting": self.meeting,
        }
