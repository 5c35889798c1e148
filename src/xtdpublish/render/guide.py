"""The guide as a book: the model's notes arranged in parts and chapters (shared by PDF and EPUB).

``build_guide`` follows the navigation tree: the root note's body becomes an
introduction, each first-level branch a part, the notes under it chapters, and the
notes no branch reaches an appendix. Every note's body is rendered once, by the
caller's ``BodyPolicy``, with its headings shifted under the note's own level.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from lxml import html

from ..config import Config, ConfigError
from ..htmlfragment import parse_fragment, remove_keeping_tail, serialize_fragment
from ..model import Model, NavNode, Note, file_inside
from ..report import Report
from .body import BodyPolicy, anchor_id, render_body
from .limits import with_shown_tags
from .math import MATH_CLASS, math_as_text

BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NO_TYPOGRAPHY = {"code", "pre", "kbd", "samp", "var", "script", "style", "svg", "math"}
# A note may carry raw HTML; these would restyle or fetch for the whole book.
DROPPED_TAGS = ("style", "link", "script", "meta", "base", "noscript", "template")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

INTRODUCTION_TITLE = {"fr": "Introduction", "de": "Einleitung", "it": "Introduzione", "en": "Introduction"}
APPENDIX_TITLE = {"fr": "Annexe", "de": "Anhang", "it": "Appendice", "en": "Appendix"}
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "en": "January February March April May June July August September October November December",
}


@dataclass(frozen=True)
class Section:
    title: str
    kind: str  # "introduction", "part", "note", "folder", "appendix"
    level: int  # outline depth, 1 = top
    anchor: str  # the element id
    note: Note | None
    body: str  # HTML, headings shifted below ``level``
    children: tuple[Section, ...] = ()
    error: str = ""  # why the body could not be rendered (it is then empty)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Guide:
    title: str
    subtitle: str
    author: str
    language: str
    date: datetime  # the newest note's ``updated``
    sections: tuple[Section, ...]
    tags: tuple[tuple[str, tuple[Section, ...]], ...]  # the tag index, in the language's order
    note_count: int
    skipped_count: int

    def walk(self):
        for section in self.sections:
            yield from section.walk()


def build_guide(model: Model, policy: BodyPolicy) -> Guide:
    language = model.site.language or "en"
    builder = _Builder(model, policy, language)
    sections = builder.sections()
    notes = [s for section in sections for s in section.walk() if s.note is not None]
    return Guide(
        title=typeset(model.site.title, language),
        subtitle=typeset(model.site.subtitle, language),
        author=model.site.author,
        language=language,
        date=max((note.updated for note in model.notes), default=EPOCH),
        sections=sections,
        tags=_tag_index(notes),
        note_count=len(notes),
        skipped_count=len(model.skipped),
    )


def source_date(report: Report) -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a date (reproducible builds), or None when it is not set, or
    not a date: a count of seconds since 1970 up to the year 9999 (an error; the guide then
    takes its date from the notes, as when it is not set)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        if not raw.isascii() or not raw.isdigit():
            raise ValueError(raw)
        return datetime.fromtimestamp(int(raw), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        report.error("SOURCE_DATE_EPOCH", None, "build.source-date",
                     f"SOURCE_DATE_EPOCH={raw[:40]!r} is not a date: it must be a whole number of "
                     "seconds since 1970-01-01 before the year 10000; the notes' newest date is "
                     "used instead")
        return None


def vault_file(root: Path, path: str) -> Path | None:
    """The vault path ``path`` as an existing file inside the vault, else None: nothing a
    ``..``, an absolute path or a symlink points at outside the vault is read."""
    return file_inside(root, path)


def find_theme(model_root: Path, config: Config) -> Path:
    """The theme folder: ``guide.theme`` (relative to the vault), else the shipped default.

    A theme is a folder of its own: one that holds the vault (``".."``, ``"/"``) would make
    every file beside the vault a file of the theme, readable by the PDF (ConfigError)."""
    if config.guide.theme:
        theme = (model_root / config.guide.theme).resolve()
        if model_root.resolve().is_relative_to(theme):
            raise ConfigError(
                f"{config.source or 'xtdpublish.toml'}: guide.theme = {config.guide.theme!r} is "
                f"{'the vault itself' if theme == model_root.resolve() else 'a folder that holds the vault'}"
                "; a theme is a folder of its own (its templates, CSS and fonts), such as "
                "\"theme\" inside the vault or \"../theme\" beside it")
        return theme
    package = Path(__file__).resolve().parents[1]
    shipped = package / "themes" / "default"
    if shipped.is_dir():
        return shipped
    return package.parents[1] / "themes" / "default"  # an editable install: the repo's folder


class _Builder:
    def __init__(self, model: Model, policy: BodyPolicy, language: str) -> None:
        self.model = model
        self.policy = policy
        self.language = language
        self.placed: set[str] = set()
        self.folders = 0

    def _folder_anchor(self) -> str:
        self.folders += 1
        return f"folder-{self.folders}"

    def sections(self) -> tuple[Section, ...]:
        nav = self.model.nav
        out: list[Section] = []
        root_note = self.model.get(nav.note)
        if root_note is not None:
            self.placed.add(root_note.id)
            introduction = self._section(root_note, "introduction", 1, ())
            if root_note.title_source == "filename":  # "index" is no title for a book's opening
                title = INTRODUCTION_TITLE.get(self.language.split("-")[0], INTRODUCTION_TITLE["en"])
                introduction = replace(introduction, title=title)
            out.append(introduction)
        part_number = 0
        unlisted: list[NavNode] = []
        for node in nav.children:
            if node.kind == "unlisted":
                unlisted.extend(node.children)
                continue
            part_number += 1
            section = self._node(node, 1, kind="part", anchor=f"part-{part_number}")
            if section is not None:
                out.append(section)
        appendix = [s for node in unlisted if (s := self._node(node, 2)) is not None]
        for note in self.model.notes:  # nothing in the vault is missing from the book
            if note.id not in self.placed:
                self.placed.add(note.id)
                appendix.append(self._section(note, "note", 2, ()))
        if appendix:
            title = APPENDIX_TITLE.get(self.language.split("-")[0], APPENDIX_TITLE["en"])
            out.append(Section(title, "appendix", 1, "appendix", None, "", tuple(appendix)))
        return tuple(out)

    def _node(self, node: NavNode, level: int, kind: str = "", anchor: str = "") -> Section | None:
        note = self.model.get(node.note)
        if note is not None and note.id in self.placed:
            note = None  # a note listed twice is printed once, at its first place
        if note is not None:
            self.placed.add(note.id)
        children = tuple(s for child in node.children if (s := self._node(child, level + 1)))
        if note is not None:  # a first-level note with nothing under it is a chapter, not a part
            return self._section(note, kind if children else "note", level, children)
        if not children:
            return None
        title = typeset(node.title, self.language)
        return Section(title, kind or "folder", level, anchor or self._folder_anchor(), None, "", children)

    def _section(self, note: Note, kind: str, level: int, children) -> Section:
        note = with_shown_tags(note)  # a note's tags in its meta line and the tag index: bounded
        title = typeset(math_as_text(note.title), self.language)
        try:
            body = shift_headings(render_body(self.model, note, self.policy), level, note.title)
            if self.language.split("-")[0] == "fr":
                body = typeset_html(body, self.language)
        except Exception as error:  # one bad note must not cost the book
            return Section(title, kind, level, anchor_id(note.id), note, "", children, repr(error))
        return Section(title, kind, level, anchor_id(note.id), note, body, children)


def shift_headings(fragment: str, level: int, title: str) -> str:
    """Headings of a body under a note whose title is at ``h{level}``: no jumps, at most h6.

    A first heading that repeats the note's title is dropped (its id is kept, for links).
    """
    root = parse_fragment(fragment)
    for element in root.iter(*DROPPED_TAGS):
        remove_keeping_tail(element)
    headings = [el for el in root.iter(*HEADINGS)]
    if headings and _same_title(headings[0].text_content(), title) and _is_leading(headings[0]):
        first = headings.pop(0)
        marker = html.Element("span")
        if first.get("id"):
            marker.set("id", first.get("id"))
            marker.tail = first.tail
            first.getparent().replace(first, marker)
        else:
            remove_keeping_tail(first)
    stack: list[int] = []
    for heading in headings:
        original = int(heading.tag[1])
        while stack and stack[-1] >= original:
            stack.pop()
        stack.append(original)
        heading.tag = f"h{min(level + len(stack), 6)}"
    return serialize_fragment(root)


def _is_leading(heading) -> bool:
    """Whether no text comes before ``heading`` in the body."""
    return not "".join(heading.xpath("preceding::text()")).strip()


def _same_title(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[\W_]+", "", sort_key(text))

    return norm(a) == norm(b)




def sort_key(text: str) -> str:
    """The collation used for tags and titles: case and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tag_index(notes: list[Section]) -> tuple[tuple[str, tuple[Section, ...]], ...]:
    by_tag: dict[str, list[Section]] = {}
    for section in notes:
        for tag in section.note.tags:
            by_tag.setdefault(tag, []).append(section)
    ordered = sorted(by_tag, key=lambda tag: (sort_key(tag), tag))
    return tuple((tag, tuple(by_tag[tag])) for tag in ordered)  # notes in book order: pages ascend


def format_date(moment: datetime, language: str) -> str:
    """``12 mai 2022`` for French, ``12 May 2022`` for English..."""
    months = MONTHS.get(language.split("-")[0], MONTHS["en"]).split()
    day = "1er" if moment.day == 1 and language.startswith("fr") else str(moment.day)
    return f"{day} {months[moment.month - 1]} {moment.year}"


# French typography: a narrow no-break space before ; : ! ? and inside « ».
NNBSP = "\u202f"
_URL_TOKEN = re.compile(r"\S*(?:://|www\.|@)\S*")
_BEFORE = re.compile(r"(?<=[\w\)\]»%’\"*])[ \u00a0]?([;!?]+)(?=\s|$|[)\].,»…\"’])|(?<=[\w\)\]»%’\"*])[ \u00a0]?(:)(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0]?")
_CLOSE_QUOTE = re.compile(r"[ \u00a0]?»")


def typeset(text: str, language: str) -> str:
    """Plain text with the language's spacing (French only, for now); URLs left alone."""
    if not text or not language.startswith("fr"):
        return text
    pieces = []
    last = 0
    for match in _URL_TOKEN.finditer(text):
        pieces.append(_french(text[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_french(text[last:]))
    return "".join(pieces)


def _french(text: str) -> str:
    text = _BEFORE.sub(lambda m: NNBSP + (m.group(1) or m.group(2)), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    return _CLOSE_QUOTE.sub(NNBSP + "»", text)


def typeset_html(fragment: str, language: str) -> str:
    """``typeset`` applied to the text nodes of an HTML fragment, never inside code or URLs."""
    root = parse_fragment(fragment)
    _typeset_tree(root, language)
    return serialize_fragment(root)


def _typeset_tree(element, language: str) -> None:
    if isinstance(element.tag, str) and element.tag not in NO_TYPOGRAPHY and \
            MATH_CLASS not in (element.get("class") or ""):  # TeX is no French text
        element.text = typeset(element.text, language) if element.text else element.text
        for child in element:
            _typeset_tree(child, language)
    if element.tail:
        element.tail = typeset(element.tail, language)


def language_tag(language: str, config: Config, report: Report, code: str, instead: str) -> str:
    """``language`` as a BCP 47 tag (``fr_CH`` → ``fr-CH``) for a document's metadata, else
    ``"en"`` with one warning ``code``; ``instead`` says what the document says then."""
    tag = language.strip().replace("_", "-")
    if BCP47.fullmatch(tag):
        return tag
    report.warning(str(config.source or "xtdpublish.toml"), None, code,
                   f"site.language = {language!r} is not a language tag such as \"fr\" or "
                   f"\"fr-CH\"; {instead}")
    return "en"
