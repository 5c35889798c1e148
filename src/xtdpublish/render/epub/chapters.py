"""The guide's sections as chapter files: one XHTML file each, and links across files.

Every section of the guide (introduction, parts, notes, folders, appendix) becomes
``text/chNNN.xhtml``, in reading order. Bodies are cleaned once, up front (``Chapters``:
the editor's messages, and which file holds which id), then written one at a time
(``pages``), so a 10,000-note book is never one document in memory. A link ``#id`` stays
in its file when the id is there, becomes ``chNNN.xhtml#id`` when it is in another file,
falls back to its note's own anchor when a heading is gone, and is plain text when
nothing in the book has that id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree, html

from ...htmlfragment import remove_keeping_tail, text_before
from ...report import Report
from ..math import mathml_element, replace_formulas
from .nesting import fix_nesting
from .xhtml import XHTML, clean_body, element, mark_notes, page, serialize, to_xhtml
from ..guide import Guide, Section

MAX_HEADING = 6
EPUB_TYPES = {"introduction": "introduction", "part": "part", "appendix": "appendix", "note": "chapter"}
# Each epub:type with the DPUB-ARIA role that says the same to assistive technology
# (Ace: epub-type-has-matching-role).
ROLES = {"introduction": "doc-introduction", "part": "doc-part", "appendix": "doc-appendix",
         "chapter": "doc-chapter", "index": "doc-index", "colophon": "doc-colophon", "toc": "doc-toc"}
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class EpubError(Exception):
    """A page that is not well-formed XML: a bug to fix, never the editor's fault."""


@dataclass(frozen=True)
class Chapter:
    """A section as the book holds it: its file, and its place in the table of contents."""

    file: str  # relative to the package document: "text/ch001.xhtml"
    title: str
    anchor: str
    level: int  # the heading level of its title
    kind: str
    children: tuple[Chapter, ...]

    @property
    def href(self) -> str:
        return f"{self.file}#{self.anchor}"


class Chapters:
    """The guide's sections, cleaned, numbered, and their ids located."""

    def __init__(self, guide: Guide, report: Report,
                 notice: str = "This note could not be put in this book.") -> None:
        self.language = guide.language
        self.report = report
        self.notice = notice  # what a chapter that cannot be made says instead, in the book's language
        # ch001... or ch00001... for a big book: the files sort in reading order.
        self._digits = max(3, len(str(sum(1 for _ in guide.walk()) + 2)))
        self._sections: list[tuple[Chapter, Section]] = []
        self._bodies: list[bytes | None] = []  # cleaned, as XHTML: parsed back exactly
        self._where: dict[str, str] = {}  # id → the file holding it (the first, if several do)
        self.image_srcs: set[str] = set()  # the images the cleaned chapters show
        self.with_math: set[str] = set()  # the files that hold MathML (content.opf says so)
        self.guessed_alts = 0  # images whose alternative text is their file name in words
        self.headerless_tables = 0
        self.toc = tuple(self._plan(section) for section in guide.sections)
        for index, (chapter, section) in enumerate(self._sections):
            self._bodies[index] = self._clean(chapter, section, report)

    def next_file(self) -> str:
        """The name of the file after the last chapter (the tag index, the colophon...)."""
        return f"text/ch{len(self._sections) + 1:0{self._digits}d}.xhtml"

    def add_file(self, file: str, anchor: str) -> None:
        """A page written elsewhere (tag index, colophon): its number taken, its anchor known."""
        self._sections.append((Chapter(file, "", anchor, 1, "", ()), None))
        self._bodies.append(None)
        self._where.setdefault(anchor, file)

    def file_of(self, anchor: str) -> str:
        return self._where[anchor]

    def pages(self, css: str) -> Iterator[tuple[Chapter, bytes]]:
        """Each chapter's XHTML, one at a time, in reading order; each body freed once written."""
        for index, (chapter, section) in enumerate(self._sections):
            if section is None:
                continue
            body = etree.fromstring(self._bodies[index], SAFE_PARSER)
            self._bodies[index] = None
            self._resolve_links(body, chapter)
            try:
                page_data = chapter_page(chapter, body, self.language, css)
            except EpubError as error:  # one chapter must not cost the book
                if section.note is not None:
                    self.report.error(section.note.path, None, "epub.note",
                                      f"this note is replaced by a notice in the EPUB: {error}")
                ids = [item.get("id") for item in body.iter() if item.get("id")]
                notice = etree.fromstring(etree.tostring(to_xhtml(self._notice(ids))), SAFE_PARSER)
                page_data = chapter_page(chapter, notice, self.language, css)
            yield chapter, page_data

    def _plan(self, section: Section) -> Chapter:
        file = self.next_file()
        level = min(section.level, MAX_HEADING)
        title = section.title or "…"
        placeholder = Chapter(file, title, section.anchor, level, section.kind, ())
        self._sections.append((placeholder, section))
        self._bodies.append(None)
        index = len(self._sections) - 1
        children = tuple(self._plan(child) for child in section.children)
        chapter = Chapter(file, title, section.anchor, level, section.kind, children)
        self._sections[index] = (chapter, section)
        return chapter

    def _clean(self, chapter: Chapter, section: Section, report: Report) -> bytes:
        if section.error and section.note is not None:
            report.error(section.note.path, None, "epub.note",
                         f"this note could not be rendered and is replaced by a notice in the "
                         f"EPUB: {section.error}")
            body = self._notice([])
        else:
            try:
                body = clean_body(section.body, section.note, report)
                fix_nesting(body)
                if replace_formulas(body, section.note, lambda f: mathml_element(f.tex, f.display), report):
                    self.with_math.add(chapter.file)
            except Exception as error:  # one note's bug must not cost the book
                if section.note is None:
                    raise
                report.error(section.note.path, None, "epub.note",
                             f"this note is replaced by a notice in the EPUB: {error!r}")
                body = self._notice([])
        for image in body.iter("img"):
            self.image_srcs.add(image.get("src"))
            if image.attrib.pop("data-alt", None) == "guessed":
                self.guessed_alts += 1
        self.headerless_tables += sum(1 for table in body.iter("table") if next(table.iter("th"), None) is None)
        seen = {chapter.anchor}
        self._where.setdefault(chapter.anchor, chapter.file)
        for item in body.iter():
            identifier = item.get("id")
            if not identifier:
                continue
            if identifier in seen:  # an id twice in one file: the first one keeps it
                del item.attrib["id"]
                continue
            seen.add(identifier)
            self._where.setdefault(identifier, chapter.file)
        return etree.tostring(to_xhtml(body), encoding="UTF-8")

    def _notice(self, ids: list[str]):
        """A body that says the note could not be put in the book, keeping the ids that other
        chapters link to."""
        body = html.Element("div")
        paragraph = etree.SubElement(body, "p", {"class": "render-failed"})
        paragraph.text = self.notice
        for identifier in ids:
            etree.SubElement(body, "span", {"id": identifier})
        return body

    def _resolve_links(self, body, chapter: Chapter) -> None:
        own = {item.get("id") for item in body.iter() if item.get("id")} | {chapter.anchor}
        for anchor in list(body.iter(f"{{{XHTML}}}a")):
            href = anchor.get("href") or ""
            if not href.startswith("#"):
                continue
            target = href[1:]
            for candidate in dict.fromkeys((target, target.split("--", 1)[0])):
                if candidate in own:
                    anchor.set("href", "#" + candidate)
                    break
                if candidate in self._where:
                    anchor.set("href", self._where[candidate].rsplit("/", 1)[-1] + "#" + candidate)
                    break
            else:
                _unwrap(anchor)  # nothing in the book has that id: the label alone


def chapter_page(chapter: Chapter, body, language: str, css: str) -> bytes:
    """A chapter's XHTML document: its section, its title heading, the cleaned body."""
    root, page_body = page(chapter.title, language, css, "bodymatter")
    epub_type = EPUB_TYPES.get(chapter.kind, "")
    holder = element(page_body, "section", id=chapter.anchor,
                     class_=" ".join(filter(None, (f"level{chapter.level}", chapter.kind))),
                     epub_type=epub_type, role=ROLES.get(epub_type, ""))
    holder.text = "\n"
    element(holder, f"h{chapter.level}", chapter.title, class_=chapter.kind).tail = "\n"
    if len(body) or (body.text or "").strip():
        body.set("class", "note-body")
        holder.append(body)
        body.tail = "\n"
        mark_notes(body)
    return checked(chapter.file, serialize(root))


def checked(name: str, data: bytes) -> bytes:
    """``data`` once parsed back as XML: an e-reader refuses a book with one malformed file."""
    try:
        etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise EpubError(f"{name} in the EPUB is not well-formed XML: {error}") from None
    return data


def _unwrap(element) -> None:
    """``element`` replaced by its content (lxml.html's drop_tag, for a plain etree element)."""
    if element.text:
        text_before(element, element.text)
    for child in list(element):
        element.addprevious(child)
    remove_keeping_tail(element)
