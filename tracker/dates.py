"""A meeting's date, from front matter, its title or its path."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_/.](?P<m>\d{1,2})[-_/.](?P<d>\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d\d))?(?!\d)", re.I)
_DAY_MONTH = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+(?P<y>(?:19|20)\d\d))?", re.I)
_MD_IN_NAME = re.compile(r"(?<!\d)(?P<m>\d{1,2})[-_.](?P<d>\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _year_from_path(parts: list[str]) -> int | None:
    for part in reversed(parts):
        m = _YEAR.search(part)
        if m:
            return int(m.group(1))
    return None


def date_from_text(text: str, year: int | None = None) -> str | None:
    """An ISO date written in free text: 2024-04-10, "August 5, 2021", "5 Aug"."""
    m = _ISO.search(text)
    if m:
        return _valid(int(m["y"]), int(m["m"]), int(m["d"]))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        m = pattern.search(text)
        if m:
            y = int(m["y"]) if m["y"] else year
            if y:
                return _valid(y, _MONTHS[m["month"].lower()], int(m["d"]))
    return None


def date_from_path(path: str) -> str | None:
    """``2021/wasmtime-08-05.md`` is 2021-08-05; ``nodejs/2024-04-10.md`` is 2024-04-10."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1].rsplit(".", 1)[0]
    m = _ISO.search(name)
    if m:
        return _valid(int(m["y"]), int(m["m"]), int(m["d"]))
    year = _year_from_path(parts)
    if year is None:
        return None
    found = date_from_text(name.replace("-", " ").replace("_", " "), year)
    if found:
        return found
    m = _MD_IN_NAME.search(name)
    if m:
        return _valid(year, int(m["m"]), int(m["d"]))
    return None


def meeting_date(front_matter: dict[str, str], title: str, path: str) -> str | None:
    for key in ("date", "Date"):
        if key in front_matter:
            found = date_from_text(front_matter[key])
            if found:
                return found
    year = _year_from_path(path.replace("\\", "/").split("/"))
    return date_from_text(title, year) or date_from_path(path)
