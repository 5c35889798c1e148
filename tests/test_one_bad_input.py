"""One bad input never costs a whole output: each output is written, valid by its own
validator, with every other note in it, and the bad input named in one diagnostic.

The classes: HTML nested past what an output can lay out (flattened, words kept), a construct
a parser reads as never ending (``<!DOCTYPE`` without ``>``), an image that cannot be read or
is not what its name says, a tag too long for a file name, control characters in a setting,
a SOURCE_DATE_EPOCH that is no date; and, for anything else, one note's failure inside a
renderer (replaced by a notice in the EPUB, by a link to its page in the feeds).
"""

from __future__ import annotations

import importlib.util
import json
import re
import zipfile
from pathlib import Path

import feedparser
import pytest
from pypdf import PdfReader

from xtdpublish.build import build
from xtdpublish.config import load_config
from xtdpublish.render.epub import chapters
from xtdpublish.render.feeds import items
from xtdpublish.render.feeds.identity import MAX_SLUG

TESTS = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("epubcheck_helper", TESTS / "epub" / "epubcheck.py")
epubcheck = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(epubcheck)

FORMATS = ["model", "pdf", "epub", "json", "rss", "atom"]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082")
LONG_TAG = "patrimoine-" * 28  # 308 characters
CONFIG = (
    '[site]\ntitle = "Guide\\u0000 \\u001b[31mrouge"\nsubtitle = "sous\\u0007titre"\n'
    'author = "A\\u0008uteur"\nlanguage = "fr"\nbase_url = "https://example.org"\n'
    "[feeds]\nper_tag = true\n"
)


def nested(tag: str, depth: int, words: str) -> str:
    opening, closing = {"div": ("<div>", "</div>"), "ul": ("<ul><li>", "</li></ul>"),
                        "blockquote": ("<blockquote>", "</blockquote>")}[tag]
    return opening * depth + words + closing * depth


NOTES = {
    "Ordinaire.md": "---\ntags: [ressource]\n---\n# Ordinaire\n\nmot-ordinaire\n\n![](img/ok.png)\n",
    "Profond div.md": "# Profond div\n\n" + nested("div", 300, "mot-div-300") + "\n\nmot-apres-div\n",
    "Profond liste.md": "# Profond liste\n\n" + nested("ul", 150, "mot-liste-150") + "\n",
    "Tres profond.md": "# Tres profond\n\n" + nested("blockquote", 20_000, "mot-vingt-mille") + "\n",
    "Doctype.md": "<!DOCTYPE html\n\nmot-doctype\n",
    "Bang.md": "<!X\n\nmot-bang\n",
    "Image illisible.md": "# Image illisible\n\nmot-image\n\n![](img/locked.png) ![](img/faux.png)\n",
    "Long tag.md": f"---\ntags: [{LONG_TAG}, {LONG_TAG}x, {LONG_TAG}y]\n---\n# Long tag\n\nmot-long-tag\n",
    "Casse.md": "# Casse\n\nmot-casse\n",
    "img/ok.png": PNG,
    "img/locked.png": PNG,
    "img/faux.png": b"<html>not an image</html>",
    "xtdpublish.toml": CONFIG,
}
WORDS = {path: re.findall(r"mot-[a-z0-9-]+", text)[-1]
         for path, text in NOTES.items() if path.endswith(".md")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import write_vault

    root = tmp_path_factory.mktemp("bad-input")
    vault = write_vault(root / "vault", NOTES)
    out = root / "out"
    patch = pytest.MonkeyPatch()
    real_open = Path.open

    def open_(self, *args, **kwargs):  # what root cannot be refused: an unreadable file
        if self.name == "locked.png":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    real_clean = chapters.clean_body
    real_item = items.item_html

    def clean_body(fragment, note, *args, **kwargs):  # a renderer's bug, on one note only
        if note is not None and note.path == "Casse.md":
            raise RuntimeError("a bug met by this note alone")
        return real_clean(fragment, note, *args, **kwargs)

    def item_html(model, note, *args):
        if note.path == "Casse.md":
            raise RuntimeError("a bug met by this note alone")
        return real_item(model, note, *args)

    patch.setattr(Path, "open", open_)
    patch.setattr(chapters, "clean_body", clean_body)
    patch.setattr(items, "item_html", item_html)
    patch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
    patch.setenv("XTDPUBLISH_WORKERS", "off")  # the patches above hold in this process only
    try:
        result = build(vault, load_config(vault), out, FORMATS, force=True)
    finally:
        patch.undo()
    return vault, out, result


def diagnostics(result, code: str) -> list[str]:
    return [f"{d.path}: {d.message}" for d in result.report.sorted() if d.code == code]


def test_every_output_is_written(built):
    _, out, result = built
    assert set(result.written) == set(FORMATS)
    for name in ("model.json", "guide.pdf", "guide.epub", "feed.json", "rss.xml", "atom.xml",
                 "report.html", "report.json"):
        assert (out / name).is_file(), name


def test_the_epub_passes_epubcheck_with_every_note_in_it(built):
    _, out, _ = built
    assert epubcheck.problems(epubcheck.run_epubcheck(out / "guide.epub")) == []
    with zipfile.ZipFile(out / "guide.epub") as book:
        text = " ".join(book.read(name).decode("utf-8") for name in book.namelist()
                        if name.endswith(".xhtml"))
    for path, word in WORDS.items():
        if path != "Casse.md":
            assert word in text, f"{word} of {path} is not in the EPUB"
    assert "Cette note n’a pas pu être mise dans ce livre" in text  # Casse.md's notice
    assert "\x00" not in text and "\x1b" not in text


def test_the_pdf_holds_every_note(built):
    _, out, _ = built
    text = "".join(page.extract_text() for page in PdfReader(out / "guide.pdf").pages)
    for word in WORDS.values():
        assert word in text.replace("\n", ""), word


def test_the_feeds_parse_and_carry_every_note(built):
    _, out, _ = built
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    titles = {item["title"] for item in feed["items"]}
    assert {"Doctype", "Bang", "Casse", "Ordinaire", "Profond div"} <= titles
    casse = next(item for item in feed["items"] if item["title"] == "Casse")
    assert casse["content_html"] == f'<p><a href="{casse["url"]}">Casse</a></p>'
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == len(feed["items"])


def test_tags_too_long_for_a_file_name_get_short_unique_stable_names(built):
    _, out, result = built
    long_feeds = sorted(p.name for p in (out / "feeds").iterdir() if p.name.startswith("patrimoine"))
    assert len(long_feeds) == 3 * 2  # three tags, JSON and RSS each (Atom has no per-tag feed)
    assert all(len(name) <= MAX_SLUG + len(".json") for name in long_feeds)
    assert len({name.rsplit(".", 1)[0] for name in long_feeds}) == 3
    stems = {name.rsplit(".", 1)[0] for name in long_feeds}
    assert stems == {items.tag_slug(t) for t in (LONG_TAG, LONG_TAG + "x", LONG_TAG + "y")}
    assert diagnostics(result, "feed.file") == []


def test_each_bad_input_is_named_once(built):
    _, out, result = built
    assert diagnostics(result, "html.depth") == [
        f"{path}: this note's HTML nests more than 100 elements deep (embeds included): there "
        "its words are published without their structure (the lists, links and images nested "
        "that deep are flattened into text)"
        for path in ("Profond div.md", "Profond liste.md", "Tres profond.md")]
    images = diagnostics(result, "epub.image")
    assert images == [
        "img/faux.png: this file is not a PNG image (its first bytes say otherwise: damaged, or "
        "saved under the wrong name); the EPUB leaves it out",
        "img/locked.png: this image cannot be read (Permission denied); the EPUB leaves it out"]
    controls = diagnostics(result, "config.control")
    assert [line.split(": ", 1)[1].split(" holds")[0] for line in controls] == [
        "site.author", "site.subtitle", "site.title"]
    assert any("site.title holds characters no output can show (U+0000, U+001B)" in line
               for line in controls)
    assert diagnostics(result, "build.source-date") == [
        "SOURCE_DATE_EPOCH: SOURCE_DATE_EPOCH='99999999999999999' is not a date: it must be a "
        "whole number of seconds since 1970-01-01 before the year 10000; the notes' newest date "
        "is used instead"]
    assert diagnostics(result, "epub.note") == [
        "Casse.md: this note is replaced by a notice in the EPUB: "
        "RuntimeError('a bug met by this note alone')"]
    assert [d.split(": ", 1)[0] for d in diagnostics(result, "feed.note")] == ["Casse.md"]
    assert result.exit_code() == 1  # errors: the bad date, the notes replaced


def test_report_html_holds_no_control_character(built):
    _, out, _ = built
    page = (out / "report.html").read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", page)
    assert b"Guide rouge" in page or b"Guide [31mrouge" in page


@pytest.mark.parametrize("value", ["-1", "1.5", "abc", "１２３", "99999999999999999999999"])
def test_every_unusable_source_date_epoch_is_an_error_and_the_books_are_written(
        value, monkeypatch, make_vault, tmp_path):
    vault = make_vault({"a.md": "# A\n\ntext\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = build(vault, load_config(vault), tmp_path / "out", ["epub"], force=True)
    assert (tmp_path / "out" / "guide.epub").is_file()
    assert [d.code for d in result.report.sorted() if d.severity == "error"] == ["build.source-date"]


def test_a_source_date_past_what_zip_can_hold_still_gives_a_book(monkeypatch, make_vault, tmp_path):
    vault = make_vault({"a.md": "# A\n\ntext\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")  # 9999-12-31: a date, zip ends in 2107
    result = build(vault, load_config(vault), tmp_path / "out", ["epub"], force=True)
    assert result.exit_code() == 0
    with zipfile.ZipFile(tmp_path / "out" / "guide.epub") as book:
        assert book.infolist()[0].date_time[0] == 2107

