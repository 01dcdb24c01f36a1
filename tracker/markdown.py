"""mistune 3 block parsing with exact source line numbers.

mistune keeps no source positions (lepture/mistune#218). It does keep one
line per source line in the child sources it builds for list items and block
quotes, so a per-state line base plus the state's cursor gives the exact
1-based line of every block token. This leans on mistune internals, hence the
pin to ``mistune>=3.4,<3.5`` and a test that re-checks lines on real notes.

Only the block parser runs: inline parsing is most of mistune's cost and the
rules read plain lines, so it is skipped.

Lists are most of a note, so their parsing has shortcuts: a one-line item gets
its token without a child state, and without a tab an item's columns are
counted with str methods. Each shortcut must give mistune's own tokens;
``tests/test_parse.py::test_blocks_are_mistunes_own`` compares them with
mistune's block parser on awkward blocks, the fixtures and generated lists.
"""

from __future__ import annotations

import re
from typing import Any

import mistune
from mistune.plugins.table import table, table_in_list, table_in_quote
from mistune.block_parser import BlockParser, _is_plain_paragraph_start
from mistune.core import BlockState
from mistune.util import strip_end
from mistune.list_parser import (
    _build_list_item_source,
    _compile_continue_width,
    _compile_list_break_sc,
    _compile_list_item_pattern,
    _create_list_marker,
    _expand_leading_tabs,
    _get_list_bullet,
    _has_continuation_indent,
    _is_loose_list,
    _ListItemLines,
    _ListMarker,
    _match_list_item_break,
    _transform_tight_list,
)

Token = dict[str, Any]


class _LineState(BlockState):
    """A block state that knows the source line of any offset in its text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.line_base = 1
        self.child_base = 1  # set by the parser just before a child state is made
        self.token_start: int | None = None
        self._pos = 0
        self._line = 1

    def child_state(self, src: str, lazy_line_starts: set[int] | None = None) -> "_LineState":
        child = super().child_state(src, lazy_line_starts)
        child.line_base = child._line = self.child_base
        return child

    def line_at(self, pos: int) -> int:
        if pos > len(self.src):
            pos = len(self.src)
        if pos >= self._pos:
            self._line += self.src.count("\n", self._pos, pos)
        else:
            self._line = self.line_base + self.src.count("\n", 0, pos)
        self._pos = pos
        return self._line

    def append_token(self, token: Token) -> None:
        start = self.cursor if self.token_start is None else self.token_start
        token.setdefault("line", self.line_at(start))
        super().append_token(token)

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            last["text"] += text
        else:
            self.tokens.append({"type": "paragraph", "text": text, "line": self.line_at(self.cursor)})


class _LineParser(BlockParser):
    state_cls = _LineState

    def __init__(self) -> None:
        super().__init__()
        # (bullet, marker width) -> (next item pattern, list break pattern)
        self._item_patterns: dict[tuple[str, int], tuple[re.Pattern[str], re.Pattern[str]]] = {}
        self._line_anchored: dict[tuple[str, ...], bool] = {}

    def parse(self, state: BlockState, rules: list[str] | None = None) -> None:
        """mistune's parse loop, with two shortcuts that leave its tokens as they were.

        Only a line starting with a space or a tab can be indented code; and
        when no block starts at the cursor, the next one is looked for at line
        starts only (see _next_block).
        """
        if rules is None:
            rules = self.rules
        sc = self.compile_sc(rules)
        indent_code = "indent_code" in rules
        search = self._next_block if self._starts_lines(rules) else None
        src = state.src

        while state.cursor < state.cursor_max:
            if indent_code and src[state.cursor] in " \t":
                end_pos = self._parse_indent_code_fast(state)
                if end_pos is not None:
                    state.cursor = end_pos
                    continue

            m = sc.match(src, state.cursor)
            if not m and self._parse_plain_paragraph(state, sc):
                continue

            if not m:
                m = search(sc, src, state.cursor) if search else sc.search(src, state.cursor)
            if not m:
                break

            end_pos = m.start()
            if end_pos > state.cursor:
                text = state.get_text(end_pos)
                state.add_paragraph(text)
                state.cursor = end_pos

            end_pos2 = self.parse_method(m, state)
            if end_pos2:
                state.cursor = end_pos2
            else:
                end_pos3 = state.find_line_end()
                text = state.get_text(end_pos3)
                state.add_paragraph(text)
                state.cursor = end_pos3

        if state.cursor < state.cursor_max:
            text = state.src[state.cursor :]
            state.add_paragraph(text)
            state.cursor = state.cursor_max

    def _starts_lines(self, rules: list[str]) -> bool:
        """Whether every rule's pattern starts with "^": a block then only starts at a line start."""
        key = tuple(rules)
        anchored = self._line_anchored.get(key)
        if anchored is None:
            anchored = self._line_anchored[key] = all(self.specification[name].lstrip("(").startswith("^") for name in rules)
        return anchored

    @staticmethod
    def _next_block(sc: re.Pattern[str], src: str, pos: int) -> re.Match[str] | None:
        """``sc.search(src, pos)`` for line-anchored rules that do not match at ``pos``.

        The search would try the rules at every character of the paragraph
        lines in between; "^" only matches after a newline, so trying each
        line start finds the same match.
        """
        while True:
            pos = src.find("\n", pos) + 1
            if not pos:
                return None
            m = sc.match(src, pos)
            if m:
                return m

    def parse_method(self, m: Any, state: _LineState) -> int | None:  # type: ignore[override]
        saved = state.token_start
        state.token_start = m.start()
        try:
            return super().parse_method(m, state)
        finally:
            state.token_start = saved

    def parse_block_quote(self, m: Any, state: _LineState) -> int:  # type: ignore[override]
        saved = state.child_base
        state.child_base = state.line_at(state.cursor)
        try:
            return super().parse_block_quote(m, state)
        finally:
            state.child_base = saved

    def parse_list(self, m: Any, state: _LineState) -> int:  # type: ignore[override]
        """mistune's parse_list, with each item's child state given its first line."""
        item = _create_list_marker(m, "list")
        if not item.text.strip():
            end_pos = state.append_paragraph()  # an empty item cannot interrupt a paragraph
            if end_pos:
                return end_pos
        depth = state.depth()
        token: Token = {
            "type": "list",
            "children": [],
            "tight": True,
            "bullet": item.bullet,
            "attrs": {"depth": depth, "ordered": item.ordered},
            "line": state.line_at(state.cursor),
        }
        if item.ordered:
            start = int(item.marker[:-1])
            if start != 1:
                end_pos = state.append_paragraph()  # only "1." may interrupt a paragraph
                if end_pos:
                    return end_pos
                token["attrs"]["start"] = start

        state.cursor = m.end() + 1
        if depth >= self.max_nested_level - 1:
            rules = [r for r in self.list_rules if r not in ("list", "block_quote")]
        else:
            rules = self.list_rules
        bullet = _get_list_bullet(item.bullet)
        while item:
            # The cursor now sits just past the item's marker line.
            marker_line = state.line_at(state.cursor - 1)
            saved = state.child_base
            state.child_base = marker_line + (0 if item.text.strip() else 1)
            try:
                item = self._parse_list_item(bullet, item, token, state, rules)
            finally:
                state.child_base = saved

        end_pos = token.pop("_end_pos", None)
        _transform_tight_list(token)
        if end_pos:
            state.tokens.insert(token.pop("_tok_index"), token)
            return end_pos
        state.tokens.append(token)
        return state.cursor

    def _parse_list_item(self, bullet: str, item: Any, token: Token, state: _LineState, rules: list[str]) -> Any:
        """mistune's _parse_list_item, with its two patterns compiled once, not once per item, and
        the commonest item, one line of plain text, made without a child state."""
        list_item_re, break_sc = self._list_item_patterns(bullet, item.leading_width)
        text, continue_width = _continue_width(item.text, item.leading_width)
        lines = _collect_item_lines(self, list_item_re, break_sc, state, text, continue_width)
        if lines.loose:
            token["tight"] = False
        if lines.end_pos is not None:
            token["_tok_index"] = lines.token_index
            token["_end_pos"] = lines.end_pos
        # Without more lines, mistune's _build_list_item_source comes down to strip_end(text).
        source = _item_source(text, lines.src, continue_width) if lines.src else strip_end(text)
        if self._is_plain_line(source, rules):
            # The paragraph parse() would make of it, on the line a child state would start at.
            children = [{"type": "paragraph", "text": source, "line": state.child_base}]
        else:
            child = state.child_state(source)
            self.parse(child, rules)
            children = child.tokens
            if token["tight"] and _is_loose_list(children):
                token["tight"] = False
        token["children"].append({"type": "list_item", "children": children})
        return lines.next_item

    def _is_plain_line(self, src: str, rules: list[str]) -> bool:
        """Whether ``src`` is one line ("text\\n") that parse() makes one paragraph of: no block
        starts there (the rules' pattern does not match, and a line that starts with no space, digit
        or punctuation is not indented code)."""
        return src.find("\n") == len(src) - 1 and _is_plain_paragraph_start(src, 0) and not self.compile_sc(rules).match(src, 0)

    def _list_item_patterns(self, bullet: str, leading_width: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
        # Built on first use, after the plugins have added their rules to the specification.
        key = (bullet, leading_width)
        patterns = self._item_patterns.get(key)
        if patterns is None:
            item_re = re.compile(_compile_list_item_pattern(bullet, leading_width))
            patterns = self._item_patterns[key] = (item_re, _compile_list_break_sc(self, leading_width))
        return patterns


# Without a tab, mistune's column arithmetic comes down to counting spaces: these do that with
# str methods, not a loop over characters, and leave a text with a tab to mistune's own functions.


def _continue_width(text: str, leading_width: int) -> tuple[str, int]:
    """mistune's _compile_continue_width: an item's first line and the indent of its continuation lines."""
    if "\t" in text:
        return _compile_continue_width(text, leading_width)
    if not text or text.isspace():  # no \S: mistune's _LINE_HAS_TEXT does not match
        return "", leading_width + 1
    indent = len(text) - len(text.lstrip(" "))
    space_width = 1 if indent >= 5 else indent  # five spaces or more: indented code, after one
    return text[space_width:] + "\n", leading_width + space_width


def _collect_item_lines(
    block: BlockParser, list_item_re: re.Pattern[str], break_sc: re.Pattern[str], state: BlockState, text: str, continue_width: int
) -> _ListItemLines:
    """mistune's _collect_list_item_lines: the lines of one list item after its first, and what ends it."""
    src = ""
    prev_blank_line = False
    indent = " " * continue_width
    source, cursor_max = state.src, state.cursor_max
    while state.cursor < cursor_max:
        next_pos = source.find("\n", state.cursor) + 1 or cursor_max
        raw_line = source[state.cursor : next_pos]
        if raw_line.endswith("\n") and not raw_line[:-1].strip(" \t\v\f"):  # mistune's BLANK_LINE
            src += "\n"
            prev_blank_line = True
            state.cursor = next_pos
            continue
        tab = "\t" in raw_line
        has_continuation = _has_continuation_indent(raw_line, continue_width) if tab else raw_line.startswith(indent)
        if has_continuation:
            if prev_blank_line and not text and not src.strip():
                break  # a list item can begin with at most one blank line (CommonMark example 280)
            src += raw_line
            prev_blank_line = False
            state.cursor = next_pos
            continue
        line = _expand_leading_tabs(raw_line) if tab else raw_line
        sibling = list_item_re.match(line)
        # mistune tries its block breaks first, for a thematic break ("- - -"), which is made of
        # _THEMATIC_BREAK_CHARS only: any other character makes the line the next item.
        if sibling is not None and line.strip(_THEMATIC_BREAK_CHARS):
            state.cursor = next_pos
            return _ListItemLines(src, next_item=_ListMarker(*sibling.group("listitem_1", "listitem_2", "listitem_3")), loose=prev_blank_line)
        line_break = _match_list_item_break(list_item_re, break_sc, state, line)
        if line_break:
            tok_type, m = line_break
            if tok_type == "list_item":
                state.cursor = next_pos
                return _ListItemLines(src, next_item=_create_list_marker(m, "listitem"), loose=prev_blank_line)
            if tok_type == "list":
                break
            tok_index = len(state.tokens)
            end_pos = block.parse_method(m, state)
            if end_pos:
                return _ListItemLines(src, end_pos=end_pos, token_index=tok_index)
        if prev_blank_line:
            break  # not a continuation line, after a blank line
        src += raw_line
        state.cursor = next_pos
    return _ListItemLines(src)


def _item_source(text: str, src: str, continue_width: int) -> str:
    """mistune's _build_list_item_source: the item's lines, their continuation indent removed."""
    if "\t" in src:
        return _build_list_item_source(text, src, continue_width)
    indent = " " * continue_width
    lines = src.split("\n")
    return strip_end(text + "\n".join(line[continue_width:] if line.startswith(indent) else line for line in lines))


_THEMATIC_BREAK_CHARS = " \t\n-*_"


def _make_markdown() -> mistune.Markdown:
    return mistune.Markdown(block=_LineParser(), plugins=[table, table_in_list, table_in_quote])


_MARKDOWN: mistune.Markdown | None = None


def parse_blocks(text: str) -> list[Token]:
    """Block tokens of ``text`` (already "\\n"-separated), each with its 1-based ``line``."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = _make_markdown()
    if not text.endswith("\n"):
        text += "\n"
    state = _LineState()
    state.process(text)
    _MARKDOWN.block.parse(state)
    return state.tokens
