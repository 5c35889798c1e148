"""Property-based: random frontmatter-ish text and bodies never crash the note reader.

``make fuzz`` runs these with XTD_FUZZ_EXAMPLES=5000.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xtdpublish.config import Config, SiteConfig
from xtdpublish.report import Report
from xtdpublish.vault import frontmatter
from xtdpublish.vault.dates import DateError, parse_date
from xtdpublish.vault.files import SourceFile, decode
from xtdpublish.vault.frontmatter import CLOSE, split_frontmatter
from xtdpublish.vault.git import GitDates, parse_log
from xtdpublish.vault.metadata import choose_title
from xtdpublish.vault.source import read_note

EXAMPLES = int(os.environ.get("XTD_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONFIG = Config(site=SiteConfig(title="MuseumXTD"))

KEYS = ["title", "alias", "aliases", "tags", "tag", "date", "created", "updated", "modified",
        "draft", "publish", "published", "id", "uid", "eleventyNavigation", "layout", "key",
        "parent", "order", "x", "2022", "é"]
VALUES = st.one_of(
    st.sampled_from([
        "", "MuseumXTD", "[Comment mener un projet?]", "#question", "#liens #strategie",
        "ressource forum francais", "2022mai12", "2022-13-45", "12/05/2022", "1er mars 2021",
        "true", "false", "'true'", "yes", "2022", "3.5", ".nan", "[a, b", "{a: b}", "[a: b]",
        "&a [*a]", "*a", "!!binary aGk=", "!!python/name:os.system", "|", ">-", "'open",
        "\"esc\\u00e9\"", "~", "null", "[]", "{}", "- a", "? a", ": b", "@x", "`x`", "%YAML 1.1",
    ]),
    st.text(max_size=20),
)
LINE = st.one_of(
    st.builds(lambda k, sep, v: f"{k}{sep}{v}", st.sampled_from(KEYS),
              st.sampled_from([": ", ":", " : ", ":\t", ":  "]), VALUES),
    st.builds(lambda ind, k, v: f"{ind}{k}: {v}", st.sampled_from(["  ", "\t", "    ", " \t"]),
              st.sampled_from(KEYS), VALUES),
    st.builds(lambda ind, v: f"{ind}- {v}", st.sampled_from(["", "  ", "\t"]), VALUES),
    st.sampled_from(["---", "----------", "...", "", " ", "# Titre", "#", "\x00", "\ufeff",
                     "date : 2022mai12", "tags : #question", "---yaml", "<!-- -->", "%%c%%"]),
    st.text(max_size=40),
)
BODY = st.lists(st.one_of(
    st.sampled_from(["# **Titre**", "", "---", "text [[link]]", "```", "\x00", "\ud800"]),
    st.text(max_size=60)), max_size=8)


@st.composite
def note_texts(draw):
    head = draw(st.lists(LINE, max_size=12))
    body = draw(BODY)
    opening = draw(st.sampled_from(["---", "", "\n---", "---  ", "\ufeff---"]))
    closing = draw(st.sampled_from(["---", "", "-----", "..."]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = ([opening] if opening else []) + head + ([closing] if closing else []) + body
    return newline.join(lines)


def check_body_positions(text: str, front) -> None:
    """Body lines are file lines: line N of the body is line body_line + N of the file."""
    normalised = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    file_lines = normalised.split("\n")
    body_lines = front.body.split("\n")
    assert front.body_line >= 1
    tail = file_lines[front.body_line - 1:]
    if front.body == "":
        return
    assert len(body_lines) == len(tail), (front.body_line, body_lines, tail)
    for body_line, file_line in zip(body_lines, tail):
        # the one change allowed: a non-mapping block's closing --- becomes a blank line
        assert body_line == file_line or (body_line == "" and CLOSE.fullmatch(file_line))


@FUZZ
@given(note_texts(), st.booleans())
def test_property_split_frontmatter_never_crashes(text, pure):
    loader = frontmatter.LOADER
    frontmatter.LOADER = frontmatter.PURE_LOADER if pure else loader
    try:
        front = split_frontmatter(text, "fuzz.md", Report())
    finally:
        frontmatter.LOADER = loader
    json.dumps(front.meta, allow_nan=False)
    assert all(isinstance(k, str) for k in front.meta)
    check_body_positions(text, front)


@FUZZ
@given(note_texts(), st.floats(min_value=0, max_value=4e9), st.booleans(),
       st.one_of(st.none(), st.text(max_size=30)))
def test_property_read_note_never_crashes(text, mtime, with_git, first_h1):
    report = Report()
    git = None
    if with_git:
        from datetime import datetime, timezone

        git = GitDates(datetime(2020, 1, 1, tzinfo=timezone.utc),
                       datetime(2021, 1, 1, tzinfo=timezone.utc), "old/fuzz.md")
    source = read_note(SourceFile("dir/fuzz.md", None, text, mtime), CONFIG, git, report)
    json.dumps(source.meta, allow_nan=False)
    assert source.published.tzinfo is not None and source.updated.tzinfo is not None
    assert source.published <= source.updated
    assert source.date_source in ("frontmatter", "git", "mtime")
    for tag in source.tags:
        assert tag and not re.search(r"[\s,;]", tag) and not tag.startswith("#")
    assert len({t.casefold() for t in source.tags}) == len(source.tags)
    assert all(isinstance(a, str) and a for a in source.aliases)
    if source.nav is not None:
        assert isinstance(source.nav.key, str) and (source.nav.key or source.nav.parent)
    title, how = choose_title(source, first_h1, "eleventy")
    assert choose_title(source, first_h1)[1] in ("title", "filename")
    assert isinstance(title, str) and title
    assert how in ("title", "alias", "navigation", "heading", "filename")
    for diagnostic in report.diagnostics:
        assert diagnostic.path == "dir/fuzz.md"
        assert diagnostic.line is None or diagnostic.line >= 1
    check_body_positions(text, split_frontmatter(text, "fuzz.md", Report()))


@FUZZ
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none(), st.booleans(),
                 st.sampled_from(["2022mai12", "31/02/2022", "1er févr. 2021", "99 mai 2022",
                                  "2022-05-12T99:99", "12/13/2022", "2022-05-12T10:00+99:00"])))
def test_property_parse_date_only_raises_date_error(value):
    try:
        parsed = parse_date(value)
    except DateError:
        return
    assert parsed.tzinfo is not None


@FUZZ
@given(st.binary(max_size=200))
def test_property_decode_any_bytes(data):
    text = decode(data, "fuzz.md", Report())
    assert "\r" not in text and not text.startswith("\ufeff")


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(["\x01", "\0", "\n", "A", "M", "D", "R100", "C50",
                                           " 2022-01-01T00:00:00+00:00", "a.md", "b.md"]),
                          st.text(max_size=10)), max_size=30))
def test_property_parse_log_never_crashes(parts):
    for dates in parse_log("".join(parts)).values():
        assert dates.first.tzinfo is not None


@pytest.mark.parametrize("text", [
    "---\n\x00: x\n---\n", "---\n" + "[" * 2000 + "\n---\n", "---\n" + "a:\n " * 500 + "\n---\n",
    "---\r\n---\r\n", "\ufeff", "---", "---\n---", "---\n...\n---\nbody",
])
def test_known_nasty_inputs(text):
    source = read_note(SourceFile("n.md", None, text, 0.0), CONFIG, None, Report())
    json.dumps(source.meta)


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 1))  # writes files: slower per example
@given(st.dictionaries(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"),
            min_size=1, max_size=12).filter(lambda n: n not in (".", "..")).map(lambda n: n + ".md"),
    st.one_of(st.binary(max_size=80), note_texts().map(lambda t: t.encode("utf-8", "surrogatepass"))),
    max_size=5))
def test_property_every_file_is_read_or_skipped(files):
    import tempfile
    import unicodedata
    from pathlib import Path

    from xtdpublish.config import VaultConfig
    from xtdpublish.vault.files import scan_vault

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        written = set()
        for name, data in files.items():
            try:
                (root / name).write_bytes(data)
            except OSError:  # a name the file system refuses (too long, ...)
                continue
            written.add(unicodedata.normalize("NFC", name))
        report = Report()
        vault = scan_vault(root, VaultConfig(), report)
        read = {n.path for n in vault.notes}
        skipped = {s.path for s in report.skipped}
        duplicates = {d.path for d in report.diagnostics if d.code == "file.duplicate"}
        assert read | skipped | duplicates == written  # hidden ones are listed too (issue 15)
        for note in vault.notes:
            read_note(note, CONFIG, None, Report())
