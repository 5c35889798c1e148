"""build/guide.epub: the guide as an EPUB 3, written here file by file.

The guide (render/guide.py) is cut into one XHTML file per section (chapters.py), so
each note is a chapter and the navigation document nests like the guide's tree; around
them, the book's own pages in its language (pages.py: cover, title page, tag index,
colophon, nav), the vault's images as files (media.py), the theme's epub.css, and
the package document, all streamed into a reproducible zip (package.py).
"""

from __future__ import annotations

import mimetypes
import textwrap
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from lxml import html

from ...atomic import write_with
from ...config import Config
from ...model import Link, Model, Note
from ...regular_file import read_regular
from ...report import Report
from ..body import BodyPolicy, Video, anchor_id, depth_warning
from ..limits import tell_bounds
from .chapters import Chapter, Chapters
from .conformance import book_accessibility
from .media import EXTENSIONS, FROM_CHAPTER, IMAGE_TYPES, MediaFile, VaultImages
from .package import XHTML_TYPE, BookWriter, Package
from .xhtml import clean_svg
from .pages import (COVER_FILE, NAV_FILE, TITLE_FILE, colophon_page, cover_page,
                         nav_document, tag_index_page, title_page)
from ..guide import (Guide, build_guide, find_theme, format_date, language_tag, source_date,
                     vault_file)

__all__ = ["render", "VaultImages"]

OUTPUT_NAME = "guide.epub"
INLINE_PARENTS = {"p", "span", "a", "em", "strong", "b", "i", "mark", "small", "sub", "sup",
                  "q", "cite", "label", "h1", "h2", "h3", "h4", "h5", "h6"}
CSS_FILE = "styles/stylesheet1.css"

WORDS = {
    "fr": {
        "cover": "Couverture", "colophon": "Colophon", "video": "Vidéo : {url}",
        "tag_index": "Index des étiquettes", "contents": "Table des matières", "landmarks": "Repères",
        "title_page": "Page de titre", "start": "Début du guide",
        "cover_alt": "Couverture : {title}", "notes": "{n} notes", "version": "Version du {date}",
        "skipped": "{n} notes du coffre ne sont pas publiées et ne figurent pas dans ce livre.",
        "online": "En ligne :", "identifier": "Identifiant :", "made": "Livre produit avec xtdpublish.",
        "failed": "Cette note n’a pas pu être mise dans ce livre ; voir le rapport de construction.",
    },
    "de": {
        "cover": "Umschlag", "colophon": "Impressum", "video": "Video: {url}",
        "tag_index": "Schlagwortverzeichnis", "contents": "Inhaltsverzeichnis",
        "landmarks": "Orientierungspunkte",
        "title_page": "Titelseite", "start": "Beginn des Leitfadens",
        "cover_alt": "Umschlag: {title}", "notes": "{n} Notizen", "version": "Stand vom {date}",
        "skipped": "{n} Notizen der Sammlung sind nicht veröffentlicht und fehlen in diesem Buch.",
        "online": "Online:", "identifier": "Kennung:", "made": "Buch erstellt mit xtdpublish.",
        "failed": "Diese Notiz konnte nicht in das Buch aufgenommen werden; siehe den Build-Bericht.",
    },
    "it": {
        "cover": "Copertina", "colophon": "Colophon", "video": "Video: {url}",
        "tag_index": "Indice delle etichette", "contents": "Indice", "landmarks": "Punti di riferimento",
        "title_page": "Frontespizio", "start": "Inizio della guida",
        "cover_alt": "Copertina: {title}", "notes": "{n} note", "version": "Versione del {date}",
        "skipped": "{n} note della raccolta non sono pubblicate e non compaiono in questo libro.",
        "online": "Online:", "identifier": "Identificativo:", "made": "Libro prodotto con xtdpublish.",
        "failed": "Questa nota non è stata inserita nel libro; vedere il rapporto di compilazione.",
    },
    "en": {
        "cover": "Cover", "colophon": "Colophon", "video": "Video: {url}",
        "tag_index": "Index of tags", "contents": "Contents", "landmarks": "Landmarks",
        "title_page": "Title page", "start": "Start of the guide",
        "cover_alt": "Cover: {title}", "notes": "{n} notes", "version": "Version of {date}",
        "skipped": "{n} notes of the vault are not published and are not in this book.",
        "online": "Online:", "identifier": "Identifier:", "made": "Book made with xtdpublish.",
        "failed": "This note could not be put in this book; see the build report.",
    },
}


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str  # image/svg+xml, image/png, image/jpeg...
    alt: str  # what the cover shows, for readers who cannot see it

    @property
    def href(self) -> str:
        return f"media/cover.{EXTENSIONS[self.media_type]}"


def render(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    images = VaultImages(model, report, config.limits.asset_bytes)
    tell_bounds(model, report)
    words = WORDS.get((model.site.language or "en").split("-")[0], WORDS["en"])
    guide = build_guide(model, replace(epub_policy(model, images, words), too_deep=depth_warning(report)))
    if not guide.title.strip():  # a book needs a title (nav heading, dc:title): the vault's name
        guide = replace(guide, title=model.root.resolve().name)
    guide = replace(guide, language=language_tag(guide.language, config, report, "epub.language",
                                                  'the EPUB says "en"'))
    theme = find_theme(model.root, config)
    chapters = Chapters(guide, report, words["failed"])
    media = [file for file in images.files if FROM_CHAPTER + file.href in chapters.image_srcs]
    cover = make_cover(model, config, guide, theme, words, images, report)
    identifier = book_identifier(model)
    date = format_date(guide.date, guide.language)
    colophon = _environment(theme).get_template("epub.html.j2").render(
        guide=guide, words=words, date=date, identifier=identifier, base_url=model.site.base_url)
    css = _theme_file(theme, "epub.css").read_bytes()
    package = Package(
        identifier=identifier, title=guide.title, subtitle=guide.subtitle, author=guide.author,
        language=guide.language, date=guide.date, modified=modified_time(guide, report),
        accessibility=book_accessibility(chapters, bool(media), guide.language, report),
        cover_id="cover-image",
    )

    def write(path: Path) -> None:
        book = BookWriter(path, package.modified)
        try:
            write_book(book, guide, date, chapters, cover, colophon, media, css, words, report)
        except BaseException:
            book.abort()
            raise
        book.close(package)

    return [write_with(out_dir / OUTPUT_NAME, write)]


def write_book(book: BookWriter, guide: Guide, date: str, chapters: Chapters, cover: Cover, colophon: str,
               media: list[MediaFile], css: bytes, words, report: Report) -> None:
    """Every file of the book, in reading order; chapters one at a time."""
    page_css = "../" + CSS_FILE
    book.add(CSS_FILE, css, "text/css")
    book.add(cover.href, cover.data, cover.media_type, properties="cover-image", item_id="cover-image")
    book.add(COVER_FILE, cover_page(cover.href, cover.alt, words, guide.language, page_css), XHTML_TYPE,
             in_spine=True)
    book.add(TITLE_FILE, title_page(guide, date, words, page_css), XHTML_TYPE, in_spine=True)
    toc = list(chapters.toc)
    tag_file = chapters.next_file() if guide.tags else None
    if tag_file:
        chapters.add_file(tag_file, "tag-index")
    colophon_file = chapters.next_file()
    chapters.add_file(colophon_file, "colophon")
    for chapter, data in chapters.pages(page_css):
        book.add(chapter.file, data, XHTML_TYPE, in_spine=True,
                 properties="mathml" if chapter.file in chapters.with_math else "")
    if tag_file:
        index = tag_index_page(guide, chapters, tag_file, words, page_css)
        book.add(tag_file, index, XHTML_TYPE, in_spine=True)
        toc.append(_entry(tag_file, words["tag_index"], "tag-index"))
    last = colophon_page(guide, colophon, colophon_file, words, page_css, report)
    book.add(colophon_file, last, XHTML_TYPE, in_spine=True)
    if not chapters.toc:  # a nav needs one entry: a book with no note lists its colophon
        toc.append(_entry(colophon_file, words["colophon"], "colophon"))
    for image in media:  # each read now, once its chapters are written
        book.add(image.href, image.data(report), image.media_type)
    start = chapters.toc[0].href if chapters.toc else colophon_file + "#colophon"
    landmarks = [("cover", COVER_FILE, words["cover"]), ("titlepage", TITLE_FILE, words["title_page"]),
                 ("bodymatter", start, words["start"])]
    book.add(NAV_FILE, nav_document(guide, toc, landmarks, words, CSS_FILE), XHTML_TYPE, properties="nav")


def _entry(file: str, title: str, anchor: str) -> Chapter:
    return Chapter(file, title, anchor, 1, "", ())


def epub_policy(model: Model, images: VaultImages, words: dict[str, str]) -> BodyPolicy:
    def note_href(note: Note, link: Link) -> str | None:
        if model.get(link.target) is None:
            return None
        return "#" + anchor_id(link.target, link.anchor)

    def asset_src(link: Link) -> str | None:
        return images.src(link.asset) if link.asset else None

    return BodyPolicy(
        note_href=note_href,
        asset_src=asset_src,
        frame=lambda element, video: video_link(element, video, words["video"]),
        id_prefix=lambda note: anchor_id(note.id) + "--",
    )


def video_link(element: html.HtmlElement, video: Video, label: str) -> html.HtmlElement:
    """What an e-reader cannot play becomes the video's title, linked where it can be watched."""
    parent = element.getparent()
    inline = parent is not None and parent.tag in INLINE_PARENTS
    watchable = video.url.startswith(("http://", "https://"))
    link = html.Element("a", {"href": video.url}) if watchable else html.Element("span")
    if video.title in ("", video.url):  # say what it is: "Vidéo : www.youtube.com/watch?v=..."
        link.text = label.format(url=video.url.split("://", 1)[-1])
    else:
        link.text = video.title
    if inline:
        wrapper = html.Element("span", {"class": "video"})
        wrapper.append(link)
        return wrapper
    wrapper = html.Element("div", {"class": "video"})
    paragraph = html.Element("p")
    paragraph.append(link)
    wrapper.append(paragraph)
    return wrapper


def book_identifier(model: Model) -> str:
    """The same on every build of the same vault: derived from its address and title."""
    name = f"{model.site.base_url or ''}|{model.site.title or model.root.name}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def modified_time(guide: Guide, report: Report) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the newest note's date."""
    epoch = source_date(report)
    return epoch if epoch is not None else guide.date.astimezone(timezone.utc)


def make_cover(model: Model, config: Config, guide: Guide, theme: Path, words, images: VaultImages,
               report: Report) -> Cover:
    """The image named by ``guide.cover`` in the config, else one drawn from the theme's template."""
    alt = words["cover_alt"].format(title=" – ".join(t for t in (guide.title, guide.subtitle) if t))
    if config.guide.cover:
        file = vault_file(model.root, config.guide.cover)
        media_type = mimetypes.guess_type(file.name)[0] if file is not None else None
        data = _cover_bytes(file, media_type, config.limits.asset_bytes) if media_type in IMAGE_TYPES else None
        if data is not None:
            return Cover(data, media_type, alt)
        report.warning(str(config.source or "xtdpublish.toml"), None, "epub.cover",
                       f"guide.cover = {config.guide.cover!r} is not an image inside the vault "
                       "(PNG, JPEG, GIF, SVG or WebP, at most limits.asset_bytes), or an SVG that "
                       "is not well formed; the EPUB gets the theme's cover instead")
    svg = _environment(theme).get_template("cover.svg.j2").render(
        title_lines=textwrap.wrap(guide.title, 16) or [""],
        subtitle_lines=textwrap.wrap(guide.subtitle, 30),
        author=guide.author,
        year=guide.date.year,
        logo=images.data_uri(model.site.logo) if model.site.logo else None,
    )
    return Cover(svg.encode("utf-8"), "image/svg+xml", alt)


def _cover_bytes(file: Path, media_type: str, limit: int) -> bytes | None:
    """The cover's bytes; an SVG cleaned like any vault SVG (no script, handler, foreign
    object or outside URL). None when it cannot be read or is no SVG document."""
    try:
        data = read_regular(file, limit)
    except OSError:
        return None
    return clean_svg(data) if media_type == "image/svg+xml" else data


def _environment(theme: Path) -> Environment:
    default = _default_theme()
    loader = ChoiceLoader([FileSystemLoader(str(theme)), FileSystemLoader(str(default))])
    return Environment(loader=loader, autoescape=select_autoescape(["html", "j2", "svg"], default=True),
                       keep_trailing_newline=True)


def _theme_file(theme: Path, name: str) -> Path:
    return theme / name if (theme / name).is_file() else _default_theme() / name


def _default_theme() -> Path:
    return find_theme(Path("."), Config())
