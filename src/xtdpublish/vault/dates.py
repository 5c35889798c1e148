"""A note's dates: reading the ways people write them, and choosing among sources.

Every date is timezone-aware; a date or time written without a zone is taken as
UTC (a vault has no time zone of its own, and UTC keeps builds identical on every
machine). Dates written with slashes or dots are read day-first (``12/05/2022``
is 12 May), as French and most European editors write them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..report import Report
from .git import GitDates

PUBLISHED_KEYS = ("date", "created", "published")
UPDATED_KEYS = ("updated", "modified", "lastmod")
# Eleventy's own date keywords: "take the date from the file", i.e. the next source
ELEVENTY_KEYWORDS = {"created", "last modified", "git created", "git last modified"}
# A note's date has a four-digit year: feedgen writes RSS dates with strftime's %Y, which
# does not pad, so year 89 would be read back as 2089 ("0089" is a typo, not a note's date).
EARLIEST_YEAR = 1000


class DateError(ValueError):
    """A value that is not a readable, possible date; the message says why."""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_MONTH_NAMES = {
    1: "janvier janv jan january",
    2: "fevrier fevr fev february feb",
    3: "mars mar march",
    4: "avril avr april apr",
    5: "mai may",
    6: "juin june jun",
    7: "juillet juil july jul",
    8: "aout aou august aug",
    9: "septembre sept sep september",
    10: "octobre oct october",
    11: "novembre nov november",
    12: "decembre dec december",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_WEEKDAYS = ("lundi mardi mercredi jeudi vendredi samedi dimanche "
             "monday tuesday wednesday thursday friday saturday sunday "
             "lun mer jeu ven sam dim mon tue wed thu fri sat sun").split()

_TIME = r"(?:(?:[t ]|\s+a\s+|,\s*)(?P<h>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?)?"
_ZONE = r"\s*(?P<tz>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?"
_MONTH = r"(?P<mon>[a-z]{3,9})\.?"
_PATTERNS = [
    re.compile(p + _TIME + _ZONE)
    for p in (
        r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",  # ISO
        r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})",  # 2022/05/12
        r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})",  # 12/05/2022, day first
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",  # 20220512
        r"(?P<y>\d{4})\s*" + _MONTH + r"\s*(?P<d>\d{1,2})",  # 2022mai12
        r"(?P<d>\d{1,2})(?:er|re|e|st|nd|rd|th)?\s*" + _MONTH + r",?\s*(?P<y>\d{4})",  # 1er mars 2021
        _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})",  # May 12, 2022
        _MONTH + r"\s+(?P<y>\d{4})",  # mai 2022: the first of the month
    )
]


def parse_date(value: Any) -> datetime:
    """A frontmatter value → an aware datetime; DateError when it is not a possible date."""
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, datetime):
        return _possible(value if value.tzinfo else value.replace(tzinfo=timezone.utc), str(value))
    if isinstance(value, date):
        return _possible(datetime(value.year, value.month, value.day, tzinfo=timezone.utc), str(value))
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise DateError(f"{value!r} is not a date")
    text = _clean(value)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _from_match(match, value)
    raise DateError(f"cannot read {value.strip()!r} as a date")


def _clean(value: str) -> str:
    text = " ".join(_fold(value).split())
    words = text.split(" ")
    while words and words[0].rstrip(".,") in _WEEKDAYS + ["le", "the"] and len(words) > 1:
        words.pop(0)
    return " ".join(words)


def _from_match(match: re.Match[str], raw: str) -> datetime:
    parts = match.groupdict()
    year = int(parts["y"])
    if len(parts["y"]) == 2:
        year += 2000 if year < 70 else 1900
    if parts.get("mon") is not None:
        if parts["mon"] not in MONTHS:
            raise DateError(f"cannot read {raw.strip()!r} as a date (unknown month {parts['mon']!r})")
        month = MONTHS[parts["mon"]]
    else:
        month = int(parts["m"])
    day = int(parts["d"]) if parts.get("d") else 1
    hour = int(parts["h"]) if parts.get("h") else 0
    minute = int(parts["mi"]) if parts.get("mi") else 0
    second = int(parts["s"]) if parts.get("s") else 0
    micro = int((parts.get("frac") or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=_zone(parts.get("tz")))
    except ValueError as error:
        raise DateError(f"{raw.strip()!r} is not a possible date ({error})") from None
    return _possible(moment, raw.strip())


def _possible(moment: datetime, raw: str) -> datetime:
    """``moment`` when every output can write it: a four-digit year, in its zone and in UTC
    (renderers convert to UTC; ``9999-12-31T23:00-11:00`` has no UTC date)."""
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:
        raise DateError(f"{raw!r} is out of the range of dates") from None
    if min(moment.year, utc.year) < EARLIEST_YEAR:
        raise DateError(f"{raw!r} has a year before {EARLIEST_YEAR}: not a note's date (a typo?)")
    return moment


def _zone(text: str | None) -> timezone:
    if not text or text in ("z", "utc", "gmt"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise DateError(f"{text!r} is not a time zone")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def frontmatter_date(meta: dict[str, Any], keys: tuple[str, ...], lines: dict[str, int],
                     path: str, report: Report) -> tuple[datetime, str] | None:
    """The first readable date among ``keys``; unreadable ones are reported and passed over."""
    for key in keys:
        value = meta.get(key)
        if value is None or value == "" or isinstance(value, bool):
            continue
        if isinstance(value, str) and _fold(value.strip()) in ELEVENTY_KEYWORDS:
            continue
        try:
            return parse_date(value), key
        except DateError as error:
            report.warning(path, lines.get(key), "date.invalid",
                           f"{key}: {error}; the date is taken from the next source")
    return None


def note_dates(meta: dict[str, Any], lines: dict[str, int], git: GitDates | None, mtime: float,
               path: str, report: Report) -> tuple[datetime, datetime, str]:
    """(published, updated, source of published): frontmatter, else git, else the file's time.

    ``updated`` is never before ``published``: without its own frontmatter date it is
    the later of published and the fallback's last change.
    """
    if git is not None:
        first, last, fallback = git.first, git.last, "git"
    else:
        first = last = datetime.fromtimestamp(mtime, timezone.utc)
        fallback = "mtime"
    written = frontmatter_date(meta, PUBLISHED_KEYS, lines, path, report)
    changed = frontmatter_date(meta, UPDATED_KEYS, lines, path, report)
    if written is not None:
        published, source = written[0], "frontmatter"
        updated = changed[0] if changed else max(published, last)
    else:
        published, source = first, fallback
        updated = changed[0] if changed else last
    if updated < published:
        if changed and written:
            report.warning(path, lines.get(changed[1]), "date.order",
                           f"{changed[1]} ({updated.date()}) is before {written[1]} "
                           f"({published.date()}); the note is taken as updated when published")
            updated = published
        elif changed:  # the note existed by the time it was updated
            published, source = updated, "frontmatter"
        else:
            updated = published
    return published, updated, source
