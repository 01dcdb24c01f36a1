"""Notes -> Meeting: exact line numbers, sections, speakers, lists, lead-ins, dates, attendees."""

from __future__ import annotations

import pytest

from conftest import (
    FIXTURES,
    assert_line_numbers_exact,
    fixture_text,
    line_of,
    lines_by_number,
)
from tracker.meeting import read_meeting

ALL_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.md"))


def meeting_of(name: str, path: str | None = None):
    text = fixture_text(name)
    return text, read_meeting(text, path or f"notes/{name}")


def line_with(meeting, text: str, needle: str):
    """The parsed Line for the one raw line of ``text`` that contains ``needle``."""
    number = line_of(text, needle)
    by_number = lines_by_number(meeting)
    assert number in by_number, f"line {number} ({needle!r}) is not a text line"
    return by_number[number]


# --- line numbers ---------------------------------------------------------------


def test_every_fixture_style_is_present():
    assert len(ALL_FIXTURES) >= 10


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_line_numbers_exact_in_every_fixture(name):
    text, meeting = meeting_of(name)
    assert meeting.lines, "a fixture with no text lines tests nothing"
    assert_line_numbers_exact(meeting, text)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_line_numbers_are_increasing_and_unique(name):
    _, meeting = meeting_of(name)
    numbers = [line.number for line in meeting.lines]
    assert numbers == sorted(set(numbers))


def _variants(text: str) -> dict[str, str]:
    crlf = text.replace("\n", "\r\n")
    return {
        "lf": text,
        "crlf": crlf,
        "bom": "\ufeff" + text,
        "bom-crlf": "\ufeff" + crlf,
        "no-final-newline": text.rstrip("\n"),
    }


@pytest.mark.parametrize("variant", ["lf", "crlf", "bom", "bom-crlf", "no-final-newline"])
@pytest.mark.parametrize("name", ["paragraph_speakers.md", "nested_speakers.md", "front_matter.md", "table.md", "overrides.md"])
def test_line_numbers_survive_crlf_bom_and_missing_newline(name, variant):
    base = fixture_text(name)
    text = _variants(base)[variant]
    meeting = read_meeting(text, f"notes/{name}")
    assert_line_numbers_exact(meeting, text)
    reference = read_meeting(base, f"notes/{name}")
    assert [(ln.number, ln.text, ln.speaker, ln.section) for ln in meeting.lines] == [
        (ln.number, ln.text, ln.speaker, ln.section) for ln in reference.lines
    ]


def test_front_matter_lines_keep_their_numbers():
    text, meeting = meeting_of("front_matter.md")
    line = line_with(meeting, text, "Morgan will draft the Q1 roadmap.")
    assert line.number == 9
    assert line.section == ("Planning notes",)
    # front matter is not text
    assert not any("title:" in ln.text or "tags:" in ln.text for ln in meeting.lines)
    assert min(ln.number for ln in meeting.lines) == 7


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_front_matter_with_bom_and_crlf(newline, bom):
    text = bom + newline.join(["---", "title: Retro", "date: 2021-03-04", "---", "", "Kim will file the bug.", ""])
    meeting = read_meeting(text, "notes/x.md")
    assert meeting.title == "Retro"
    assert meeting.date == "2021-03-04"
    assert [(ln.number, ln.text) for ln in meeting.lines] == [(6, "Kim will file the bug.")]


def test_lone_carriage_return_is_not_a_line_end():
    text = "# T\n\nfirst part\rsecond part\nKim will file the bug.\n"
    meeting = read_meeting(text, "x.md")
    assert_line_numbers_exact(meeting, text)
    assert lines_by_number(meeting)[4].text == "Kim will file the bug."


def _deep_tight(depth: int, indent: str, marker: str) -> str:
    lines = ["# Deep", ""]
    lines += [indent * i + f"{marker} level {i}" for i in range(depth)]
    lines += ["", "After the list.", ""]
    return "\n".join(lines)


@pytest.mark.parametrize(
    "indent,marker",
    [("  ", "-"), ("    ", "*"), ("   ", "1."), ("\t", "-")],
    ids=["dash-2", "star-4", "ordered-3", "tab"],
)
def test_list_nested_300_deep_keeps_line_numbers(indent, marker):
    text = _deep_tight(300, indent, marker)
    meeting = read_meeting(text, "deep.md")
    assert_line_numbers_exact(meeting, text)
    by_number = lines_by_number(meeting)
    assert by_number[304].text == "After the list."  # 2 lines of heading, 300 items, a blank
    assert by_number[3].list_depth == 1 and by_number[3].text == "level 0"
    assert by_number[4].list_depth == 2
    # every level is still a text line somewhere, on its own line
    levels = [ln for ln in meeting.lines if "level " in ln.text]
    assert len(levels) == 300


def test_block_quotes_nested_300_deep_keep_line_numbers():
    text = "# Deep\n\n" + "\n".join(">" * (i + 1) + f" level {i}" for i in range(300)) + "\n\nAfter.\n"
    meeting = read_meeting(text, "deep.md")
    assert_line_numbers_exact(meeting, text)
    assert lines_by_number(meeting)[304].text == "After."


def test_loose_list_nested_300_deep_keeps_line_numbers():
    text = "# Deep\n\n" + "\n\n".join("  " * i + f"- level {i}" for i in range(300)) + "\n\nAfter.\n"
    meeting = read_meeting(text, "deep.md")
    assert_line_numbers_exact(meeting, text)
    assert lines_by_number(meeting)[text.split("\n").index("After.") + 1].text == "After."


@pytest.mark.xfail(
    reason="BUG: past mistune's 20-level nesting cap, items of a loose list become an indented code "
    "block and their text lines vanish (a '- [ ]' at depth 25 is never seen)",
    strict=True,
)
def test_loose_list_nested_deeper_than_20_loses_no_text():
    text = "# Deep\n\n" + "\n\n".join("  " * i + f"- level {i}" for i in range(30)) + "\n"
    meeting = read_meeting(text, "deep.md")
    assert sum("level " in ln.text for ln in meeting.lines) == 30


# Lines that start no block and no plain paragraph (punctuation, digits, indents) and indented code.
_AWKWARD_BLOCKS = [
    "(aside) one\n  two\n\n[link](x) three\n",
    "1999 was a year\n2000 too\n\n[ref]: http://x\n",
    "text\n    not code\n\n    code\n\tcode too\n\n  \t tabbed\n",
    "text\n\n\ttab code\n\nafter\n\n  \tspaces and a tab\n",
    "* item\n(more\n  - sub\n    \"quoted\"\n> quote\n> (x\n",
    "**Bold**: said\n@user: too\n`code` here\n| a | b |\n|---|---|\n| 1 | 2 |\nafter\n",
    "- a\n\n      indented in item\n- b\n# heading\n(x\n---\n",
    # One-line items and what may follow them: a sibling, a thematic break that looks like an item,
    # a continuation, a tab, five spaces (code), a no-break space, the end of the text.
    "- one\n- two\n- - -\n* a\n* * *\n+ b\n  cont\n+ c\n\t- tab\n-     five\n- d\xa0\n\xa0- e\n- last",
    "1. one\n2. two\n3) other\n- [ ] task\n- # heading\n- > quote\n-  two spaces\n   - nested\n- f\n",
    # Five spaces after the marker: indented code in the item, whose continuation lines need only two.
    "-      code in an item\n\n  still the item after a blank\n- x\n  \t- tabbed\n",
]


# Markdown made of the pieces list items are made of, in random order: the one-line item shortcut
# in parse_blocks must give mistune's own tokens whatever follows an item.
_LIST_PIECES = [
    "- a", "- b c", "* x", "+ y", "1. one", "2) two", "  - nested", "    - deep", "\t- tab", "-  two spaces",
    "-     five", "- ", "-", "", "   ", "text", "# h", "> q", "---", "- - -", "* * *", "```", "  cont",
    "    code", "- [ ] task", "-\ta", "- #x", "- >q", "- 1. x", "\xa0", "- a  ", "- a\xa0", "10. ten",
    "- <div>", "<!-- c -->", "| a | b |", "|---|---|", "- `x`", "-- no", "\u3000- w", " \x0c", "\x0b",
    "  \tcont", "   - three", "1.  two", "\t", "  ",
]


def _list_documents(count: int, seed: int = 7) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["\n".join(rng.choice(_LIST_PIECES) for _ in range(rng.randint(1, 14))) + "\n" for _ in range(count)]


@pytest.mark.parametrize("text", _AWKWARD_BLOCKS + [fixture_text(name) for name in ALL_FIXTURES] + _list_documents(400))
def test_blocks_are_mistunes_own(text):
    """parse_blocks re-implements parts of mistune's loop for speed: its tokens must stay mistune's."""
    import mistune
    from mistune.core import BlockState
    from mistune.plugins.table import table, table_in_list, table_in_quote

    from tracker.markdown import parse_blocks

    def without_lines(tokens):
        return [{k: without_lines(v) if k == "children" else v for k, v in t.items() if k != "line"} for t in tokens]

    state = BlockState()
    state.process(text)
    mistune.Markdown(plugins=[table, table_in_list, table_in_quote]).block.parse(state)
    assert without_lines(parse_blocks(text)) == state.tokens


def test_mixed_blocks_keep_line_numbers():
    text = "\n".join(
        [
            "Setext title",  # 1
            "============",
            "",
            "1. first",  # 4
            "2. second",
            "",
            "   second paragraph of item two",  # 7
            "3. third",
            "   lazy continuation",  # 9
            "",
            "- a",  # 11
            "  > quoted inside the item",
            "  > still quoted",
            "- b",  # 14
            "",
            "> - list in a quote",  # 16
            ">   - nested in the quote",
            "",
            "<details>",
            "<summary>More</summary>",
            "",
            "- Alex will do it inside details",  # 22
            "",
            "</details>",
            "",
            "Hard break  ",  # 26
            "next line",
            "",
            "***",
            "",
            "Last line.",  # 31
            "",
        ]
    )
    meeting = read_meeting(text, "x.md")
    assert_line_numbers_exact(meeting, text)
    got = {ln.number: ln.text for ln in meeting.lines}
    assert got == {
        1: "Setext title",
        4: "first",
        5: "second",
        7: "second paragraph of item two",
        8: "third",
        9: "lazy continuation",
        11: "a",
        12: "quoted inside the item",
        13: "still quoted",
        14: "b",
        16: "list in a quote",
        17: "nested in the quote",
        22: "Alex will do it inside details",
        26: "Hard break",
        27: "next line",
        31: "Last line.",
    }


# --- what is not a text line ------------------------------------------------------


def test_code_blocks_comments_link_definitions_and_separators_are_not_text():
    text = "\n".join(
        [
            "# Not text",  # 1
            "",
            "```",
            "Alex will never be read",
            "```",
            "",
            "~~~python",
            "Kim will never be read",
            "~~~",
            "",
            "    indented code is not read",
            "",
            "<!-- a comment",
            "Lee will never be read",
            "-->",
            "",
            "[spec]: https://example.com/spec",
            "",
            "| a | b |",  # 19
            "|---|---|",
            "| c | d |",  # 21
            "",
            "---",
            "",
            "Only this.",  # 25
            "",
        ]
    )
    meeting = read_meeting(text, "x.md")
    assert [ln.number for ln in meeting.lines] == [1, 19, 21, 25]
    assert not any("never be read" in ln.text or "example.com" in ln.text for ln in meeting.lines)


def test_table_rows_keep_their_line_numbers_and_skip_the_separator():
    text, meeting = meeting_of("table.md")
    rows = [ln for ln in meeting.lines if ln.block == "table"]
    separator = line_of(text, "| ----- |")
    assert separator not in {ln.number for ln in meeting.lines}
    assert [ln.number for ln in rows] == [separator - 1, separator + 1, separator + 2, separator + 3]
    assert rows[1].text.split(" | ") == ["Kim", "the parser crashes on empty input", "open"]
    assert rows[3].text.split(" | ") == ["Ana", "segfault when the cache is full", "open"]
    assert all(row.section == ("Triage rotation", "Open bugs") for row in rows)


def test_table_inside_a_list_item_has_no_separator_line():
    text = "# Polls\n\n- Poll on the encoding:\n\n  | SF | F | N |\n  |----|---|---|\n  | 3 | 5 | 1 |\n"
    meeting = read_meeting(text, "x.md")
    assert 6 not in {ln.number for ln in meeting.lines}


def test_checkbox_in_fenced_code_is_not_a_line():
    text, meeting = meeting_of("checkboxes.md")
    assert not any("example" in ln.text and ln.block == "item" for ln in meeting.lines)
    assert not any("this is only an example" in ln.text for ln in meeting.lines)
    assert not any("tilde fence" in ln.text or "indented code example" in ln.text for ln in meeting.lines)


def test_checkbox_state_and_text():
    text, meeting = meeting_of("checkboxes.md")
    open_item = line_with(meeting, text, "update docs for the new")
    assert open_item.checkbox == "open"
    assert open_item.text == "update docs for the new `--offline` flag"
    assert line_with(meeting, text, "publish the February newsletter").checkbox == "done"
    kim = line_with(meeting, text, "check the broken links")
    assert kim.checkbox == "open" and kim.speaker == "Kim" and kim.body == "check the broken links on the install page"
    assert line_with(meeting, text, "archive the old wiki").checkbox == "done"
    assert line_with(meeting, text, "Example of the task syntax").checkbox is None


# --- sections --------------------------------------------------------------------


def test_heading_path():
    text, meeting = meeting_of("paragraph_speakers.md")
    title = "Lumen runtime weekly, 2023-06-14"
    assert line_with(meeting, text, "Morgan: the new pooling").section == (title, "Notes", "Pooling allocator")
    assert line_with(meeting, text, "the release branch gets cut").section == (title, "Notes", "Release branch")
    assert line_with(meeting, text, "- Ravi Patel").section == (title, "Attendees")
    heading = line_with(meeting, text, "### Release branch")
    assert heading.block == "heading" and heading.text == "Release branch"
    assert heading.section == (title, "Notes")


def test_heading_path_pops_to_the_right_level():
    text = "# A\n\n### deep\n\nx1\n\n## B\n\nx2\n\n# C\n\nx3\n"
    meeting = read_meeting(text, "x.md")
    sections = {ln.text: ln.section for ln in meeting.lines if ln.block != "heading"}
    assert sections == {"x1": ("A", "deep"), "x2": ("A", "B"), "x3": ("C",)}


def test_heading_markdown_is_removed():
    meeting = read_meeting("## **Bold** and `code` heading ##\n\ntext\n", "x.md")
    assert meeting.lines[0].text == "Bold and code heading"
    assert meeting.lines[1].section == ("Bold and code heading",)


# --- speakers --------------------------------------------------------------------


def test_speakers_inherit_within_a_soft_wrapped_paragraph():
    text, meeting = meeting_of("paragraph_speakers.md")
    expected = {
        "Morgan: the new pooling allocator": ("Morgan", "the new pooling allocator is mostly finished and the benchmarks"),
        "look better than the old one": ("Morgan", "look better than the old one on the large instances."),
        "Ravi: has anyone tried": ("Ravi", "has anyone tried it with the small instance settings?"),
        "Morgan: not yet": ("Morgan", "not yet, that comes after the current round of cleanups and"),
        "some help from the fuzzing folks": ("Morgan", "some help from the fuzzing folks would be welcome."),
        "Jo: I saw a slowdown": ("Jo", "I saw a slowdown on aarch64 last week, but the machine was noisy"),
        "and it did not show up": ("Jo", "and it did not show up a second time."),
        "Sasha: the benchmark runner": ("Sasha", "the benchmark runner should pin its cores so the numbers stay"),
        "comparable between runs.": ("Sasha", "comparable between runs."),
        "Ravi: Morgan will write up": ("Ravi", "Morgan will write up the design doc for the allocator"),
        "before the next sync.": ("Ravi", "before the next sync."),
        "Jo: There's currently": ("Jo", "There's currently an unexplained crash in the fuzzer when the"),
        "allocator runs out of slots.": ("Jo", "allocator runs out of slots."),
        "Sasha: I'll file an issue": ("Sasha", "I'll file an issue for the crash and attach the reproducer."),
    }
    for needle, (speaker, body) in expected.items():
        line = line_with(meeting, text, needle)
        assert (line.speaker, line.body) == (speaker, body), needle
    # one paragraph: only its first line starts the block
    first = line_of(text, "Morgan: the new pooling allocator")
    last = line_of(text, "Sasha: I'll file an issue")
    starts = [ln.number for ln in meeting.lines if first <= ln.number <= last and ln.starts_block]
    assert starts == [first]
    assert last - first >= 13


def test_a_new_paragraph_resets_the_speaker():
    text, meeting = meeting_of("paragraph_speakers.md")
    assert line_with(meeting, text, "the release branch gets cut").speaker == "Ravi"
    assert line_with(meeting, text, "The tag goes out the same day.").speaker == "Ravi"
    assert line_with(meeting, text, "The rest of the hour went").speaker is None
    assert line_with(meeting, text, "### Release branch").speaker is None


def test_speakers_in_nested_lists_and_bold_forms():
    text, meeting = meeting_of("nested_speakers.md")
    expected = {
        "- Alex: status of the resource": ("Alex", 1, "status of the resource types work"),
        "landed the borrow checking part": ("Alex", 2, "landed the borrow checking part"),
        "still need to port the tests": ("Alex", 2, "still need to port the tests to the new harness"),
        "the old harness goes away": ("Alex", 3, "the old harness goes away in June"),
        "**Dana Whitfield**: bindings": ("Dana Whitfield", 1, "bindings generator"),
        "the Go generator is usable": ("Dana Whitfield", 2, "the Go generator is usable now"),
        "- Alex: the Rust one too": ("Alex", 2, "the Rust one too"),
        "with a few rough edges": ("Alex", 3, "with a few rough edges"),
        "**Priya Raman:** registry work": ("Priya Raman", 1, "registry work"),
        "waiting on the naming decision": ("Priya Raman", 2, "waiting on the naming decision"),
        "plain topic without a speaker": (None, 1, "plain topic without a speaker"),
        "a note under it": (None, 2, "a note under it"),
    }
    for needle, (speaker, depth, body) in expected.items():
        line = line_with(meeting, text, needle)
        assert (line.speaker, line.list_depth, line.body, line.block) == (speaker, depth, body, "item"), needle


def test_two_letter_initials_speak_in_turn():
    text, meeting = meeting_of("nested_speakers.md")
    got = [(ln.speaker, ln.body) for ln in meeting.lines if ln.section[-1:] == ("Discussion",) and ln.speaker]
    assert got == [
        ("TL", "proposal to rename the flag before phase 2"),
        ("DG", "fine with renaming it"),
        ("TL", "I will write the rename PR this week."),
        ("AR", "what about the old name, does it stay as an alias?"),
        ("TL", "yes, for one release."),
    ]


def test_nodejs_style_sections_and_speakers():
    text, meeting = meeting_of("nodejs_tsc.md")
    omar = line_with(meeting, text, "Omar Haddad: I'll file an issue")
    assert omar.speaker == "Omar Haddad"
    assert omar.body == "I'll file an issue with the foundation asking about credits."
    assert omar.section[:2] == ("Node.js TSC Meeting 2024-04-10", "Agenda")
    assert omar.section[2].startswith("Decide on the CI runner budget")
    li = line_with(meeting, text, "Li Wei: I will draft")
    assert (li.speaker, li.list_depth) == ("Li Wei", 2)
    assert li.lead_in.startswith("Deprecate the legacy URL parser")
    assert li.section[-1] == "nodejs/node"


@pytest.mark.parametrize(
    "line,speaker,body",
    [
        ("Alex: hello", "Alex", "hello"),
        ("**Dan Smith**: hello", "Dan Smith", "hello"),
        ("**Dan Smith:** hello", "Dan Smith", "hello"),
        ("*Kim*: hello", "Kim", "hello"),
        ("TL: hello", "TL", "hello"),
        ("Alex (Fastly): hello", "Alex", "hello"),
        ("Jean-Luc Picard: hello", "Jean-Luc Picard", "hello"),
        ("Note: this is not a person", None, "Note: this is not a person"),
        ("Agenda: items below", None, "Agenda: items below"),
        ("Action items: none", None, "Action items: none"),
        ("10:30 start", None, "10:30 start"),
        ("https://example.com/x", None, "https://example.com/x"),
        ("the CI system: broken", None, "the CI system: broken"),
        ("@kim-lee: we have to do this", "kim-lee", "we have to do this"),
        ("**@kim**: agreed", "kim", "agreed"),
        ("@acme/tsc: please review", None, "@acme/tsc: please review"),
    ],
)
def test_speaker_prefix_forms(line, speaker, body):
    meeting = read_meeting(line + "\n", "x.md")
    assert (meeting.lines[0].speaker, meeting.lines[0].body) == (speaker, body)


def test_underscore_bold_speaker():
    meeting = read_meeting("__Kim__: I will send the notes\n", "x.md")
    assert meeting.lines[0].speaker == "Kim"


def test_lowercase_handle_used_twice_is_a_speaker():
    text = "quillbot: first point\n\nmvega: a reply\n\nquillbot: I will send the patch\n"
    meeting = read_meeting(text, "x.md")
    assert [ln.speaker for ln in meeting.lines] == ["quillbot", None, "quillbot"]


# --- lists and lead-ins -------------------------------------------------------------


def test_list_under_a_lead_in_line():
    text, meeting = meeting_of("nested_speakers.md")
    for needle in ("update the spec text", "move the tests"):
        line = line_with(meeting, text, needle)
        assert (line.lead_in, line.list_depth, line.speaker) == ("Work items remaining:", 1, None)


def test_lines_after_a_colon_line_in_the_same_paragraph_have_it_as_lead_in():
    text, meeting = meeting_of("nested_speakers.md")
    assert line_with(meeting, text, "Open questions from the call:").lead_in is None
    for needle in ("whether the alias warns", "and who owns the migration guide"):
        line = line_with(meeting, text, needle)
        assert (line.lead_in, line.list_depth) == ("Open questions from the call:", 0)


def test_nested_items_have_their_parent_item_as_lead_in():
    text, meeting = meeting_of("nested_speakers.md")
    assert line_with(meeting, text, "the old harness goes away").lead_in == "still need to port the tests to the new harness"
    assert line_with(meeting, text, "landed the borrow").lead_in == "Alex: status of the resource types work"


@pytest.mark.parametrize("lead", ["Priya's plan is to", "Next steps include", "The steps are as follows", "Remaining:"])
def test_a_line_that_runs_on_into_its_list_introduces_it(lead):
    meeting = read_meeting(f"- {lead}\n  - land the PR on Monday\n- Priya is away next week\n", "x.md")
    lines = lines_by_number(meeting)
    assert lines[1].introduces and lines[2].lead_in == lead
    assert not lines[3].introduces


def test_a_topic_label_under_a_speakers_item_is_not_a_speaker():
    text = "- Ofelia: PCC updates; egraphs\n  - PCC: works for unit tests; a PR is up\n  - Kim: I can review it\n"
    lines = lines_by_number(read_meeting(text, "x.md"))
    assert (lines[2].speaker, lines[2].body) == ("Ofelia", "PCC: works for unit tests; a PR is up")
    assert lines[3].speaker == "Kim"


def test_a_name_alone_on_a_line_heads_the_list_below_it():
    text = "## Updates\n\nNick:\n  * the cache directory clashes with the registry cache\n  * add a --no-cache flag\n"
    lines = lines_by_number(read_meeting(text, "x.md"))
    assert [lines[n].speaker for n in (4, 5)] == ["Nick", "Nick"]


def test_a_heading_ends_a_lead_in():
    meeting = read_meeting("Remaining:\n\n## Next\n\n- item\n", "x.md")
    assert lines_by_number(meeting)[5].lead_in is None


# --- meeting title, date, attendees ---------------------------------------------------


def test_front_matter_title_and_date():
    _, meeting = meeting_of("front_matter.md", "notes/2019/planning.md")
    assert meeting.title == "Lumen planning session"
    assert meeting.date == "2022-11-03"


def test_title_and_date_from_first_heading():
    _, meeting = meeting_of("nodejs_tsc.md", "meetings/notes.md")
    assert meeting.title == "Node.js TSC Meeting 2024-04-10"
    assert meeting.date == "2024-04-10"


@pytest.mark.parametrize(
    "path,date",
    [
        ("notes/2021/wasmtime-08-05.md", "2021-08-05"),
        ("2024/07-23-Meeting-notes.md", "2024-07-23"),
        ("meetings/2024-04-10.md", "2024-04-10"),
        ("meetings/2022/cg-march-3.md", "2022-03-03"),
        ("notes/misc.md", None),
    ],
)
def test_date_from_path(path, date):
    meeting = read_meeting("Nothing dated here.\n", path)
    assert meeting.date == date


def test_title_falls_back_to_the_file_name():
    meeting = read_meeting("Just text.\n", "notes/2021/wasmtime-08-05.md")
    assert meeting.title == "wasmtime-08-05"


def test_attendees_and_logins():
    _, meeting = meeting_of("nodejs_tsc.md")
    assert meeting.attendees == ("Jane Doe", "Omar Haddad", "Li Wei", "Guest Person")
    assert meeting.logins == (("Jane Doe", "janedoe"), ("Omar Haddad", "ohaddad"), ("Li Wei", "li-wei"))


def test_attendees_without_logins():
    _, meeting = meeting_of("agenda_only.md")
    assert meeting.attendees == ("Morgan Ellis", "Ravi Patel", "Jo Nakamura")
    assert meeting.logins == ()


def test_attendees_from_a_table():
    text = (
        "# Sync\n\n## Attendees\n\n| Attendee | Affiliation |\n|---|---|\n| Tomasz Ros | Acme |\n| Victor |  |\n\n"
        "## Next steps\n\nTomasz to address the review comments on the release PR.\n"
    )
    meeting = read_meeting(text, "notes/2025/sync-07-23.md")
    assert meeting.attendees == ("Tomasz Ros", "Victor")


def test_attendees_from_an_attending_row_each_once():
    text = "## Sync\n\n| | |\n|---|---|\n| **Attending** | Lena Marsh, Kofi (KB) Boateng; Ana |\n| Note Taker | Ana |\n"
    meeting = read_meeting(text, "x.md")
    assert meeting.attendees == ("Lena Marsh", "Kofi", "Ana")


def test_a_table_header_or_a_present_row_names_nobody():
    header = "## Attendees\n\n| Attendees | Affiliation |\n|---|---|\n| Kim Lee | Acme |\n| Ana | Initech |\n"
    assert read_meeting(header, "x.md").attendees == ("Kim Lee", "Ana")
    status = "## Status\n\n| Item | State |\n|---|---|\n| Present | yes, merged |\n"
    assert read_meeting(status, "x.md").attendees == ()


def test_a_name_listed_twice_keeps_its_login():
    meeting = read_meeting("## Attendees\n\n- Kim\n- Ana\n- Kim (@kimgh)\n", "x.md")
    assert meeting.attendees == ("Kim", "Ana")
    assert meeting.logins == (("Kim", "kimgh"),)


def test_a_table_outside_the_attendees_section_lists_nobody():
    meeting = read_meeting("# Sync\n\n| Item | Owner |\n|---|---|\n| release | Kim |\n", "x.md")
    assert meeting.attendees == ()


# --- overrides ---------------------------------------------------------------------


def test_inline_ignore_marks_only_that_line():
    text, meeting = meeting_of("overrides.md")
    ignored = line_with(meeting, text, "Alex will write up the RFC.")
    assert ignored.override == "ignore"
    assert "<!--" not in ignored.text
    assert line_with(meeting, text, "Kim will send the survey").override is None


def test_ignore_before_a_heading_silences_the_section_and_its_subsections():
    text, meeting = meeting_of("overrides.md")
    for needle in ("Lee will prototype", "check the licence", "Dana will rewrite"):
        assert line_with(meeting, text, needle).override == "ignore", needle
    assert line_with(meeting, text, "Jo will book the next venue.").override is None
    assert line_with(meeting, text, "## Wrap-up").section == ("Overrides demo",)


def test_follow_up_override_marks_the_next_line_only():
    text, meeting = meeting_of("overrides.md")
    assert line_with(meeting, text, "The projector in room B").override == "follow-up"
    assert line_with(meeting, text, "The coffee machine").override is None


def test_standalone_override_does_not_leak_past_a_code_block():
    text = "# T\n\n<!-- track: ignore -->\n```\nsome code\n```\n\nAlex will write the RFC.\n"
    meeting = read_meeting(text, "x.md")
    assert lines_by_number(meeting)[8].override is None
