"""The book's own pages, around the chapters: cover, title page, tag index, colophon, navigation.

Each is built as an lxml tree in the XHTML namespace and written as XML, in the book's
language (``words``: the labels of book.py's WORDS).
"""

from __future__ import annotations

from ...report import Report
from .chapters import ROLES, Chapter, Chapters, checked
from .nesting import fix_nesting
from .xhtml import clean_body, element, page, serialize, to_xhtml
from ..guide import Guide

COVER_FILE = "text/cover.xhtml"
TITLE_FILE = "text/title_page.xhtml"
NAV_FILE = "nav.xhtml"


def cover_page(image_href: str, alt: str, words, language: str, css: str) -> bytes:
    root, body = page(words["cover"], language, css, "cover")
    body.set("class", "cover-page")
    holder = element(body, "section", class_="cover", epub_type="cover")
    element(holder, "img", src="../" + image_href, alt=alt, role="doc-cover")
    return checked(COVER_FILE, serialize(root, indent=True))


def title_page(guide: Guide, date: str, words, css: str) -> bytes:
    root, body = page(guide.title, guide.language, css, "frontmatter")
    holder = element(body, "section", class_="titlepage", epub_type="titlepage")
    element(holder, "h1", guide.title, class_="title")
    if guide.subtitle:
        element(holder, "p", guide.subtitle, class_="subtitle")
    if guide.author:
        element(holder, "p", guide.author, class_="author")
    element(holder, "p", words["version"].format(date=date), class_="date")
    return checked(TITLE_FILE, serialize(root, indent=True))


def tag_index_page(guide: Guide, chapters: Chapters, file: str, words, css: str) -> bytes:
    """Each tag, and the notes that carry it in book order, each linked to its chapter."""
    root, body = page(words["tag_index"], guide.language, css, "backmatter")
    holder = element(body, "section", id="tag-index", class_="level1 tag-index", epub_type="index",
                     role=ROLES["index"])
    element(holder, "h1", words["tag_index"], class_="tag-index")
    entries = element(holder, "dl", class_="tag-index")
    for tag, sections in guide.tags:
        element(entries, "dt", tag)
        notes = element(entries, "dd")
        for number, section in enumerate(sections):
            link = element(notes, "a", section.title or "…",
                           href=_relative(chapters.file_of(section.anchor), file) + "#" + section.anchor)
            if number < len(sections) - 1:
                link.tail = " · "
    return checked(file, serialize(root, indent=True))


def colophon_page(guide: Guide, colophon: str, file: str, words, css: str, report: Report) -> bytes:
    """The last page: the theme's colophon (epub.html.j2, HTML) cleaned and written as XHTML."""
    root, body = page(words["colophon"], guide.language, css, "backmatter")
    holder = element(body, "section", id="colophon", class_="level1 colophon", epub_type="colophon",
                     role=ROLES["colophon"])
    element(holder, "h1", words["colophon"], class_="colophon")
    text = clean_body(colophon, None, report)
    fix_nesting(text)
    holder.append(to_xhtml(text))
    text.set("class", "colophon")
    return checked(file, serialize(root))  # not indented: the theme's HTML keeps its own spacing


def nav_document(guide: Guide, toc: list[Chapter], landmarks: list[tuple[str, str, str]], words,
                 css: str) -> bytes:
    """The navigation document: the table of contents nested like the guide, and landmarks.

    ``toc`` entries are Chapters (their files relative to the package document);
    ``landmarks`` are (epub:type, href, label).
    """
    root, body = page(words["contents"], guide.language, css, "frontmatter")
    nav = element(body, "nav", id="toc", role=ROLES["toc"], epub_type="toc")
    element(nav, "h1", words["contents"], id="toc-title")
    _toc_list(nav, toc)
    marks = element(body, "nav", id="landmarks", hidden="hidden", epub_type="landmarks")
    element(marks, "h2", words["landmarks"])
    items = element(marks, "ol")
    for kind, href, label in landmarks:
        element(element(items, "li"), "a", label, href=href, epub_type=kind)
    return checked(NAV_FILE, serialize(root, indent=True))


def _toc_list(parent, chapters) -> None:
    items = element(parent, "ol", class_="toc")
    for chapter in chapters:
        item = element(items, "li")
        element(item, "a", chapter.title, href=chapter.href)
        if chapter.children:
            _toc_list(item, chapter.children)


def _relative(target: str, source: str) -> str:
    """``text/ch004.xhtml`` seen from ``text/ch073.xhtml``: both files sit in one folder."""
    assert target.rsplit("/", 1)[0] == source.rsplit("/", 1)[0]
    return target.rsplit("/", 1)[-1]
