"""parse_date (the ways people write dates) and note_dates (frontmatter → git → mtime)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from xtdpublish.config import Config
from xtdpublish.report import Report
from xtdpublish.vault.dates import DateError, note_dates, parse_date
from xtdpublish.vault.files import SourceFile
from xtdpublish.vault.git import GitDates
from xtdpublish.vault.source import read_note

UTC = timezone.utc


def d(*args, tz=UTC):
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize("text, expected", [
    ("2022-05-12", d(2022, 5, 12)),
    ("2022-5-3", d(2022, 5, 3)),
    ("2022-05-12T10:30", d(2022, 5, 12, 10, 30)),
    ("2022-05-12 10:30:15", d(2022, 5, 12, 10, 30, 15)),
    ("2022-05-12T10:30:15.25Z", d(2022, 5, 12, 10, 30, 15, 250000)),
    ("2022-05-12T10:30:00+02:00", d(2022, 5, 12, 10, 30, tz=timezone(timedelta(hours=2)))),
    ("2022-05-12 10:30 -0500", d(2022, 5, 12, 10, 30, tz=timezone(timedelta(hours=-5)))),
    ("2022/05/12", d(2022, 5, 12)),
    ("12/05/2022", d(2022, 5, 12)),  # day first
    ("12.05.2022", d(2022, 5, 12)),
    ("12-05-2022", d(2022, 5, 12)),
    ("3/4/22", d(2022, 4, 3)),
    ("20220512", d(2022, 5, 12)),
    ("2022mai12", d(2022, 5, 12)),
    ("2022 mai 12", d(2022, 5, 12)),
    ("12 mai 2022", d(2022, 5, 12)),
    ("12mai2022", d(2022, 5, 12)),
    ("1er mars 2021", d(2021, 3, 1)),
    ("1 Mars 2021", d(2021, 3, 1)),
    ("5 janv. 2023", d(2023, 1, 5)),
    ("5 févr. 2023", d(2023, 2, 5)),
    ("5 fevrier 2023", d(2023, 2, 5)),
    ("15 août 2021", d(2021, 8, 15)),
    ("15 aout 2021", d(2021, 8, 15)),
    ("1 déc. 2020", d(2020, 12, 1)),
    ("31 décembre 2020", d(2020, 12, 31)),
    ("jeudi 12 mai 2022", d(2022, 5, 12)),
    ("Le 12 mai 2022", d(2022, 5, 12)),
    ("12 mai 2022 à 14h30", d(2022, 5, 12, 14, 30)),
    ("mai 2022", d(2022, 5, 1)),
    ("May 12, 2022", d(2022, 5, 12)),
    ("12 May 2022", d(2022, 5, 12)),
    ("  2022-05-12  ", d(2022, 5, 12)),
    (date(2022, 5, 12), d(2022, 5, 12)),
    (datetime(2022, 5, 12, 8), d(2022, 5, 12, 8)),  # naive → UTC
    (20220512, d(2022, 5, 12)),
])
def test_parse_date(text, expected):
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed.tzinfo is not None
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", [
    "2022-13-45", "2022-02-30", "31/04/2022", "2022mai32", "0 mai 2022", "2022-05-12T25:00",
    "12 foo 2022", "hier", "", "2022", 2022, True, None, ["2022-05-12"], {"y": 2022},
    "2022-05-12T10:00+25:00",
])
def test_impossible_or_unreadable_dates(text):
    with pytest.raises(DateError):
        parse_date(text)


@pytest.mark.parametrize("value", [
    "0089-01-01", "0999-12-31T23:00:00Z", "1000-01-01T00:30:00+01:00", date(89, 1, 1),
    datetime(500, 5, 5), "9999-12-31T23:00:00-11:00", "0001-01-01T00:00:00+14:00",
])
def test_dates_no_output_can_write_are_refused(value):
    """Found by tests/test_fuzz_vaults.py: ``created: '0089-01-01'`` reached RSS as
    ``01 Jan 89`` (feedgen's strftime does not pad the year), read back as 2089; and a date
    with no UTC equivalent would stop the EPUB and PDF, which convert to UTC."""
    with pytest.raises(DateError):
        parse_date(value)
    assert parse_date("1000-01-01").year == 1000 and parse_date("9999-12-31").year == 9999


def test_impossible_date_message_names_the_value():
    with pytest.raises(DateError, match="2022-13-45"):
        parse_date("2022-13-45")


# -- note_dates: the chain of sources ------------------------------------------------

MTIME = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
GIT = GitDates(first=d(2021, 1, 1), last=d(2023, 6, 1), first_path="old.md")


def dates(meta, git=None, lines=None):
    report = Report()
    result = note_dates(meta, lines or {k: i + 2 for i, k in enumerate(meta)}, git, MTIME, "n.md", report)
    return result, [(x.line, x.code) for x in report.diagnostics]


def test_frontmatter_date_then_updated_from_git_when_later():
    assert dates({"date": "2022-05-12"}, GIT) == ((d(2022, 5, 12), d(2023, 6, 1), "frontmatter"), [])


def test_frontmatter_date_then_updated_from_mtime_when_later():
    assert dates({"date": "2022-05-12"}) == ((d(2022, 5, 12), d(2024, 1, 2, 3, 4, 5), "frontmatter"), [])


def test_updated_equals_published_when_fallback_is_earlier():
    assert dates({"date": "2025-01-01"}, GIT)[0] == (d(2025, 1, 1), d(2025, 1, 1), "frontmatter")


def test_both_from_frontmatter():
    assert dates({"created": "2020-01-01", "modified": "12/05/2022"}, GIT)[0] \
        == (d(2020, 1, 1), d(2022, 5, 12), "frontmatter")


def test_git_when_no_frontmatter_date():
    assert dates({}, GIT) == ((d(2021, 1, 1), d(2023, 6, 1), "git"), [])


def test_mtime_when_neither():
    ts = d(2024, 1, 2, 3, 4, 5)
    assert dates({}) == ((ts, ts, "mtime"), [])


def test_impossible_date_is_warned_and_the_next_source_used():
    (published, updated, source), diags = dates({"title": "x", "date": "2022-13-45"}, GIT)
    assert (published, source) == (d(2021, 1, 1), "git")
    assert diags == [(3, "date.invalid")]


def test_impossible_date_falls_to_the_next_key_first():
    (published, _, source), diags = dates({"date": "2022-13-45", "created": "2022mai12"})
    assert (published, source) == (d(2022, 5, 12), "frontmatter")
    assert diags == [(2, "date.invalid")]


def test_updated_before_published_is_warned():
    (published, updated, _), diags = dates({"date": "2022-05-12", "updated": "2021-01-01"})
    assert updated == published == d(2022, 5, 12)
    assert diags == [(3, "date.order")]


def test_only_updated_in_frontmatter():
    assert dates({"updated": "2023-09-09"}, GIT)[0] == (d(2021, 1, 1), d(2023, 9, 9), "git")
    # earlier than git's first commit: the note existed by then
    assert dates({"updated": "2020-01-01"}, GIT)[0] == (d(2020, 1, 1), d(2020, 1, 1), "frontmatter")


@pytest.mark.parametrize("value", ["Last Modified", "git Created", "created", None, "", True])
def test_eleventy_keywords_and_empty_values_mean_the_next_source(value):
    assert dates({"date": value}, GIT) == ((d(2021, 1, 1), d(2023, 6, 1), "git"), [])


def test_published_false_is_not_a_date():
    assert dates({"published": False}, GIT)[0][2] == "git"


def test_read_note_dates_are_aware_and_named_with_file_line():
    report = Report()
    text = "---\ntitle: T\ndate: 2022-13-45\n---\nbody"
    source = read_note(SourceFile("a/b.md", None, text, MTIME), Config(), None, report)
    assert source.date_source == "mtime" and source.published.tzinfo is not None
    assert [str(x) for x in report.diagnostics] == [
        "a/b.md:3: warning: date: '2022-13-45' is not a possible date (month must be in 1..12); "
        "the date is taken from the next source [date.invalid]"
    ]


def test_read_note_uses_git_dates_and_first_path():
    report = Report()
    source = read_note(SourceFile("new.md", None, "body", MTIME), Config(), GIT, report)
    assert (source.published, source.updated, source.date_source) == (d(2021, 1, 1), d(2023, 6, 1), "git")
    assert source.first_path == "old.md"
