"""The weekly open-items digest: built from the tracked issues (pure), rendered as markdown or JSON.

The issues are the source of truth for what is open: a person may close,
reassign or retitle them. The notes add one thing, where they are at hand:
follow-ups that came up again in later meetings of the same series.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, replace

from .extract import normalise
from .plan import Tracked, series_of
from .render import BODY_LIMIT

WEEKS = 8  # of trend
BAR_WIDTH = 24  # characters for the largest bar
_EIGHTHS = " ▏▎▍▌▋▊▉"
UNASSIGNED = "Unassigned"
_STOP = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was we will with "
    "i you he she they them our us can should would could need needs do does done not no yes".split()
    + "http https www com org io github gitlab issue issues pull pulls blob tree main master".split()  # link parts
)


@dataclass(frozen=True)
class Item:
    """One follow-up issue, as the digest shows it."""

    issue: int
    title: str
    url: str  # written so that GitHub does not back-link it (see link_for)
    state: str
    owner: str  # @login, or the name in the notes, or Unassigned
    series: str
    meeting: str
    meeting_date: str | None
    opened: str  # date the issue was filed
    closed: str | None
    age_days: int  # since the meeting (or since filing, when the meeting's date is unknown)
    idle_days: int  # since the issue last changed
    age_weeks: int = 0  # whole weeks from the meeting to the start of the digest's week: what the markdown shows
    mentioned_again: tuple[str, ...] = ()  # later meetings that bring it up again: "path:line (date)"


@dataclass(frozen=True)
class Week:
    start: str
    end: str
    open: int  # open at the end of the week
    closed: int  # closed during the week


@dataclass
class Digest:
    repo: str
    as_of: str
    since: str
    stale_days: int
    week: str = ""  # the ISO week of as_of, e.g. 2026-W10
    open: list[Item] = field(default_factory=list)
    new: list[Item] = field(default_factory=list)
    closed: list[Item] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    again: list[Item] = field(default_factory=list)
    trend: list[Week] = field(default_factory=list)

    def by_owner(self) -> list[tuple[str, list[Item]]]:
        groups: dict[str, list[Item]] = {}
        for item in self.open:
            groups.setdefault(item.owner, []).append(item)
        return sorted(groups.items(), key=lambda g: (g[0] == UNASSIGNED, -len(g[1]), g[0].casefold()))

    def by_series(self) -> list[tuple[str, list[Item]]]:
        groups: dict[str, list[Item]] = {}
        for item in self.open:
            groups.setdefault(item.series, []).append(item)
        return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0].casefold()))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["by_owner"] = {owner: [i.issue for i in items] for owner, items in self.by_owner()}
        data["by_series"] = {series: [i.issue for i in items] for series, items in self.by_series()}
        return data


# --- building ------------------------------------------------------------------------------


def link_for(url: str, server: str) -> str:
    """An issue URL GitHub will not turn into a cross-reference on the linked issue.

    On github.com the host is written www.github.com (as the issue-metrics
    action does); other hosts are left as they are (not verified there).
    """
    return re.sub(r"^https://github\.com/", "https://www.github.com/", url) if "github.com" in server else url


def _date(stamp: str | None) -> dt.date | None:
    if not stamp:
        return None
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()


def _owner(issue: Tracked) -> str:
    if issue.assignees:
        return "@" + sorted(issue.assignees, key=str.casefold)[0]
    return issue.mark.owner or UNASSIGNED


def _series(issue: Tracked, prefix: str) -> str:
    for label in issue.labels:
        if prefix and label.startswith(prefix):
            return label[len(prefix):]
    return series_of(issue.mark.path) or "(no series)"


def item_for(issue: Tracked, as_of: dt.date, server: str, series_prefix: str) -> Item:
    """The issue as it stood at the end of ``as_of`` (closed later: still open then)."""
    opened = _date(issue.created_at) or as_of
    meeting_day = dt.date.fromisoformat(issue.mark.date) if issue.mark.date else None
    touched = min(_date(issue.updated_at) or opened, as_of)
    closed = (_date(issue.closed_at) or as_of) if issue.state == "closed" else None
    if closed and closed > as_of:
        closed = None
    return Item(
        issue=issue.number, title=issue.title, url=link_for(issue.url, server), state="closed" if closed else "open",
        owner=_owner(issue), series=_series(issue, series_prefix), meeting=issue.mark.meeting or issue.mark.path,
        meeting_date=issue.mark.date, opened=opened.isoformat(), closed=closed.isoformat() if closed else None,
        age_days=max((as_of - (meeting_day or opened)).days, 0), idle_days=max((as_of - touched).days, 0),
        age_weeks=max((week_start(as_of) - (meeting_day or opened)).days // 7, 0),
    )


def build(
    issues: list[Tracked], repo: str, as_of: dt.date, since: dt.date, stale_days: int, server: str,
    series_prefix: str = "meeting: ", again: dict[int, tuple[str, ...]] | None = None,
) -> Digest:
    """The digest of the tracked issues as of a day; ``again``: later mentions found in the notes."""
    again = again or {}
    # Filed after the day the digest is written for: not there yet.
    items = [item_for(i, as_of, server, series_prefix) for i in issues
             if i.labelled and (_date(i.created_at) or as_of) <= as_of]
    items = [i if i.issue not in again else _with(i, mentioned_again=again[i.issue]) for i in items]
    by_age = sorted(items, key=lambda i: (-i.age_days, i.issue))
    year, week, _ = as_of.isocalendar()
    digest = Digest(repo, as_of.isoformat(), since.isoformat(), stale_days, f"{year}-W{week:02d}")
    digest.open = [i for i in by_age if i.state == "open"]
    digest.new = [i for i in items if dt.date.fromisoformat(i.opened) >= since]
    digest.closed = [i for i in items if i.closed and dt.date.fromisoformat(i.closed) >= since]
    digest.stale = [i for i in digest.open if i.idle_days > stale_days]
    digest.again = [i for i in digest.open if i.mentioned_again]
    digest.trend = trend(items, as_of)
    return digest


def _with(item: Item, **changes) -> Item:
    return replace(item, **changes)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week ``day`` is in."""
    return day - dt.timedelta(days=day.weekday())


def trend(items: list[Item], as_of: dt.date, weeks: int = WEEKS) -> list[Week]:
    """Open at each ISO week's end and closed during it, for the last ``weeks`` weeks (oldest first).

    The current week ends at ``as_of``. Calendar weeks, not "the last 7 days", so that the digest
    reads the same all week long unless an issue changes.
    """
    out = []
    for back in range(weeks - 1, -1, -1):
        start = week_start(as_of) - dt.timedelta(days=7 * back)
        end = min(start + dt.timedelta(days=6), as_of)
        opened = [i for i in items if dt.date.fromisoformat(i.opened) <= end]
        still_open = [i for i in opened if not i.closed or dt.date.fromisoformat(i.closed) > end]
        closed = [i for i in items if i.closed and start <= dt.date.fromisoformat(i.closed) <= end]
        out.append(Week(start.isoformat(), end.isoformat(), len(still_open), len(closed)))
    return out


def mentioned_again(issues: list[Tracked], later: list[tuple[str, str, int, str, str]]) -> dict[int, tuple[str, ...]]:
    """Open issues whose follow-up comes up again in a later meeting of the same series.

    ``later``: (series, date, line, path, text) of every candidate in the
    notes. Two follow-ups are the same when most of their content words are
    shared (Jaccard of at least one half, three words or more).
    """
    index: dict[str, list[int]] = {}
    words_of = []
    for n, (_series, _date_, _line, _path, text) in enumerate(later):
        words = _content_words(text)
        words_of.append(words)
        for word in words:
            index.setdefault(word, []).append(n)
    found: dict[int, tuple[str, ...]] = {}
    for issue in issues:
        if issue.state != "open" or not issue.mark.date:
            continue
        mine = _content_words(issue.mark.text)
        if len(mine) < 3:
            continue
        counts: dict[int, int] = {}
        for word in mine:
            for n in index.get(word, ()):
                counts[n] = counts.get(n, 0) + 1
        hits = []
        series = series_of(issue.mark.path)
        for n, shared in counts.items():
            s, date, line, path, _ = later[n]
            if s == series and date > issue.mark.date and path != issue.mark.path:
                if shared / len(mine | words_of[n]) >= 0.5:
                    hits.append((date, f"{path}:{line} ({date})"))
        if hits:
            found[issue.number] = tuple(h for _, h in sorted(set(hits)))
    return found


_URL = re.compile(r"https?://\S+")


def _content_words(text: str) -> frozenset[str]:
    """The words that say what a follow-up is about: no stop words, numbers or link parts."""
    words = normalise(_URL.sub(" ", text)).split()
    return frozenset(w for w in words if len(w) > 2 and w not in _STOP and not w.isdigit())


# --- markdown ------------------------------------------------------------------------------------


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar in Unicode block characters, eighths for the last cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def _line(item: Item) -> str:
    when = f", {item.meeting_date}" if item.meeting_date else ""
    title = _escape(item.title)
    return f"- [{title}]({item.url}) · {_escape(item.meeting)}{when} · {_age(item.age_weeks)}"


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _age(weeks: int) -> str:
    """An age in whole weeks: it changes once a week, so the posted digest is not edited daily for it."""
    return "less than a week old" if weeks <= 0 else f"{weeks} week{'s' * (weeks != 1)} old"


def _escape(text: str) -> str:
    """Text made inert in markdown: no links, mentions or issue references of its own."""
    text = text.replace("<", "&lt;")
    text = re.sub(r"([\[\]|*_`\\])", r"\\\1", text)
    text = re.sub(r"@(?=\w)", "@&#8203;", text)
    text = re.sub(r"https?://github\.com/", "https://www.github.com/", text, flags=re.I)
    return re.sub(r"(?<!&)#(?=\d)", "#&#8203;", text)


def markdown(digest: Digest, limit: int = BODY_LIMIT) -> str:
    """The digest as markdown, within ``limit`` characters.

    When it is too long, every list is cut to the same length (the oldest
    open follow-ups come first, so they stay), with a line saying how many
    items were left out.
    """
    text = _markdown(digest, None)
    longest = max([len(digest.open), len(digest.new), len(digest.closed), len(digest.stale), len(digest.again)])
    cap = longest
    while len(text) > limit and cap > 0:
        cap = cap * 4 // 5
        text = _markdown(digest, cap)
    return text


def _markdown(digest: Digest, cap: int | None) -> str:
    opened, closed, stale = len(digest.new), len(digest.closed), len(digest.stale)
    out = [
        f"# Open follow-ups: {digest.repo}",
        "",
        f"<sub>Week {digest.week}, from the issues track filed from the meeting notes; "
        f"\"this week\" is since {digest.since}.</sub>",
        "",
        f"**{len(digest.open)} open** · {opened} new this week · {closed} closed this week · "
        f"{stale} stale (no activity for more than {_days(digest.stale_days)})",
        "",
    ]
    out += _open_by_owner(digest, cap)
    out += _by_series(digest)
    out += _section("New this week", digest.new, cap)
    out += _section("Closed this week", digest.closed, cap)
    out += _section(f"Stale: no activity for more than {_days(digest.stale_days)}", digest.stale, cap)
    if digest.again:
        out += ["## Mentioned again in later meetings", ""]
        for item in digest.again[:cap]:
            out.append(_line(item))
            out += [f"  - again in {_escape(m)}" for m in item.mentioned_again]
        out += _left_out(len(digest.again), cap) + [""]
    out += _trend(digest.trend)
    return "\n".join(out).rstrip() + "\n"


def _left_out(total: int, cap: int | None) -> list[str]:
    if cap is None or total <= cap:
        return []
    left = total - cap
    return ["", f"*…and {left} more not shown: the issue body limit is {BODY_LIMIT:,} characters.*"]


def _open_by_owner(digest: Digest, cap: int | None) -> list[str]:
    out = ["## Open, by owner", ""]
    if not digest.open:
        return out + ["Nothing open.", ""]
    budget = len(digest.open) if cap is None else cap
    for owner, items in digest.by_owner():
        if budget <= 0:
            break
        out += [f"### {_escape(owner) if not owner.startswith('@') else owner} ({len(items)})", ""]
        out += [_line(i) for i in items[:budget]]
        budget -= len(items)
        out.append("")
    out += _left_out(len(digest.open), cap)
    return out + [""] if cap is not None and cap < len(digest.open) else out


def _by_series(digest: Digest) -> list[str]:
    groups = digest.by_series()
    if not groups:
        return []
    largest = max(len(items) for _, items in groups)
    out = ["## Open, by meeting series", "", "| series | open | oldest | |", "|---|---:|---:|---|"]
    for series, items in groups:
        oldest = max(i.age_weeks for i in items)
        out.append(f"| {_escape(series)} | {len(items)} | {_age(oldest)} | {bar(len(items), largest)} |")
    out.append("")
    if len(groups) > 1:
        out += ["```mermaid", "pie title Open follow-ups by meeting series"]
        out += [f'    "{series.replace(chr(34), "")}" : {len(items)}' for series, items in groups]
        out += ["```", ""]
    return out


def _section(title: str, items: list[Item], cap: int | None) -> list[str]:
    if not items:
        return [f"## {title}", "", "None.", ""]
    return [f"## {title}", "", *[_line(i) for i in items[:cap]], *_left_out(len(items), cap), ""]


def _trend(weeks: list[Week]) -> list[str]:
    if not weeks:
        return []
    largest = max(max(w.open for w in weeks), 1)
    out = [f"## Trend: the last {len(weeks)} weeks", "", "| week of | open at its end | closed in it | open |",
           "|---|---:|---:|---|"]
    for week in weeks:
        out.append(f"| {week.start} | {week.open} | {week.closed} | {bar(week.open, largest)} |")
    return out + [""]
