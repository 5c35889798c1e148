"""build/guide.epub: the guide as an EPUB 3, made by one sandboxed pandoc call.

The guide (render/guide.py) becomes one HTML document: every section a heading
whose level is its depth in the navigation, so pandoc's ``--split-level`` makes each
note a chapter file and its navigation document nests like the tree; the notes'
own headings stay inside the chapter and out of the nav (see epub.html.j2).
Vault images go in as ``data:`` URIs, so pandoc runs with ``--sandbox`` and reads
nothing but its input; ``epub_package`` then adds what the sandbox refuses (cover,
CSS, the real dates) and zips the book reproducibly.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import re
import subprocess
import tempfile
import textwrap
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import pypandoc
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from lxml import html
from markupsafe import Markup

from ..atomic import write_atomic
from ..config import Config
from ..model import Link, Model, Note
from ..report import Report
from .body import BodyPolicy, Video, anchor_id
from .epub_package import Cover, Package, finish
from .epub_xhtml import check_links, clean_body, clean_svg, readable_alt
from .guide import Guide, Section, build_guide, find_theme, format_date

OUTPUT_NAME = "guide.epub"
BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
MAX_NAV_DEPTH = 6
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
INLINE_PARENTS = {"p", "span", "a", "em", "strong", "b", "i", "mark", "small", "sub", "sup",
                  "q", "cite", "label", "h1", "h2", "h3", "h4", "h5", "h6"}
EPUB_TYPES = {"introduction": "introduction", "part": "part", "appendix": "appendix"}

WORDS = {
    "fr": {
        "cover": "Couverture", "colophon": "Colophon", "introduction": "Introduction", "video": "Vidéo : {url}",
        "tag_index": "Index des thèmes",
        "cover_alt": "Couverture : {title}", "notes": "{n} notes", "version": "Version du {date}",
        "skipped": "{n} notes du coffre ne sont pas publiées et ne figurent pas dans ce livre.",
        "online": "En ligne :", "identifier": "Identifiant :", "made": "Livre produit avec xtdpublish et pandoc.",
        "summary": (
            "Le livre suit l'ordre de lecture du guide : une table des matières et des titres "
            "structurés permettent d'y naviguer. Les images portent un texte de remplacement, "
            "tiré de leur nom de fichier quand la note n'en donne pas. Les vidéos sont remplacées "
            "par un lien."
        ),
    },
    "en": {
        "cover": "Cover", "colophon": "Colophon", "introduction": "Introduction", "video": "Video: {url}",
        "tag_index": "Index of topics",
        "cover_alt": "Cover: {title}", "notes": "{n} notes", "version": "Version of {date}",
        "skipped": "{n} notes of the vault are not published and are not in this book.",
        "online": "Online:", "identifier": "Identifier:", "made": "Book made with xtdpublish and pandoc.",
        "summary": (
            "The book follows the guide's reading order; a table of contents and structured "
            "headings make it navigable. Images have alternative text, taken from their file "
            "name where the note gives none. Videos are replaced by a link."
        ),
    },
}


@dataclass(frozen=True)
class Chapter:
    """A section as the EPUB writes it: a heading at ``level``, its cleaned body, its children."""

    title: str
    level: int
    anchor: str
    kind: str
    epub_type: str
    body: Markup
    children: tuple[Chapter, ...]


def render(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    images = VaultImages(model, report)
    words = WORDS.get((model.site.language or "en").split("-")[0], WORDS["en"])
    guide = build_guide(model, epub_policy(model, images, words))
    if not guide.title.strip():  # a book needs a title (nav heading, dc:title): the vault's name
        guide = replace(guide, title=model.root.resolve().name)
    guide = replace(guide, language=book_language(guide.language, config, report))
    theme = find_theme(model.root, config)
    modified = modified_time(guide)
    identifier = book_identifier(model)
    document = guide_document(model, guide, theme, words, identifier, images, report)
    depth = max((chapter_level(s) for s in guide.walk()), default=1)
    epub = run_pandoc(document, pandoc_metadata(model, guide, identifier), depth, report)
    package = Package(
        modified=modified,
        language=guide.language,
        css=_theme_file(theme, "epub.css").read_bytes(),
        accessibility=accessibility(images.used, words),
        cover=make_cover(model, config, guide, theme, words, images, report),
        subtitle=guide.subtitle,
    )
    return [write_atomic(out_dir / OUTPUT_NAME, finish(epub, package))]


class VaultImages:
    """Vault images as ``data:`` URIs; nothing outside the vault, nothing but images."""

    def __init__(self, model: Model, report: Report | None = None) -> None:
        self.report = report or Report()
        self.root = model.root.resolve()
        self.media_types = {asset.path: asset.media_type for asset in model.assets}
        self.uris: dict[str, str | None] = {}  # vault path → data URI
        self.paths: dict[str, str] = {}  # data URI → vault path
        self.used = False

    def src(self, path: str) -> str | None:
        if path not in self.uris:
            self.uris[path] = self._read(path)
        uri = self.uris[path]
        self.used = self.used or uri is not None
        return uri

    def alt(self, uri: str) -> str | None:
        path = self.paths.get(uri)
        return readable_alt(path) if path else None

    def _read(self, path: str) -> str | None:
        file = (self.root / path).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        media_type = self.media_types.get(path) or mimetypes.guess_type(path)[0]
        if media_type not in IMAGE_TYPES:
            return None
        data = file.read_bytes()
        if media_type == "image/svg+xml":
            data = clean_svg(data)
            if data is None:
                self.report.warning(path, None, "epub.svg",
                                    "this SVG is not a well-formed SVG document (or needs an outside "
                                    "file to be read); the EPUB leaves it out. Export it again as plain SVG")
                return None
        uri = f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")
        self.paths[uri] = path
        return uri


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


def chapter_level(section: Section) -> int:
    return min(section.level, MAX_NAV_DEPTH)


def guide_document(model, guide: Guide, theme: Path, words, identifier: str, images: VaultImages,
                   report: Report) -> str:
    """The whole guide as one HTML document, ready for pandoc."""

    def chapter(section: Section) -> Chapter:
        level = chapter_level(section)
        if section.error and section.note is not None:
            report.error(section.note.path, None, "epub.note",
                         f"this note could not be rendered and is empty in the EPUB: {section.error}")
        body = clean_body(section.body, section.note, report, alt_for=images.alt)
        kind = section.kind
        title = section.title or "…"
        if kind == "introduction" and section.note is not None and section.note.title_source == "filename":
            title = words["introduction"]  # "index" says nothing to a reader
        return Chapter(title, level, section.anchor, kind, EPUB_TYPES.get(kind, ""),
                       Markup(body), tuple(chapter(child) for child in section.children))

    chapters = tuple(chapter(section) for section in guide.sections)
    text = _environment(theme).get_template("epub.html.j2").render(
        guide=guide, chapters=chapters, words=words, identifier=identifier,
        base_url=model.site.base_url, date=format_date(guide.date, guide.language),
    )
    document = html.document_fromstring(text)
    check_links(document)
    return "<!DOCTYPE html>\n" + html.tostring(document, encoding="unicode", method="html")


def run_pandoc(document: str, metadata: dict, depth: int, report: Report) -> bytes:
    """One pandoc call for the whole book; it reads its input and the metadata, nothing else."""
    with tempfile.TemporaryDirectory(prefix="xtd-epub-") as folder:
        work = Path(folder)
        (work / "guide.html").write_text(document, encoding="utf-8")
        (work / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
        command = [
            pypandoc.get_pandoc_path(), "guide.html",
            "--from=html", "--to=epub3", "--sandbox",
            f"--split-level={depth}", f"--toc-depth={depth}",
            "--metadata-file=metadata.json", "--output=guide.epub",
        ]
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
        for line in done.stderr.splitlines():
            if line.strip():
                report.warning("epub", None, "epub.pandoc", f"pandoc: {line.strip()}")
        if done.returncode != 0:
            raise RuntimeError(f"pandoc failed ({done.returncode}): {done.stderr.strip()[:500]}")
        return (work / "guide.epub").read_bytes()


def pandoc_metadata(model: Model, guide: Guide, identifier: str) -> dict:
    metadata = {
        "title": guide.title,
        "lang": guide.language,
        "identifier": [{"scheme": "URN", "text": identifier}],
        "date": guide.date.astimezone(timezone.utc).strftime("%Y-%m-%d"),
    }
    if guide.author:
        metadata["creator"] = [{"role": "author", "text": guide.author}]
    if guide.subtitle:
        metadata["subtitle"] = guide.subtitle
        metadata["description"] = guide.subtitle
    return metadata


def book_language(language: str, config: Config, report: Report) -> str:
    """A BCP 47 tag for dc:language (EPUBCheck refuses "C", "fr_CH" or "French")."""
    tag = language.strip().replace("_", "-")
    if BCP47.fullmatch(tag):
        return tag
    report.warning(str(config.source or "xtdpublish.toml"), None, "epub.language",
                   f"site.language = {language!r} is not a language tag such as \"fr\" or \"fr-CH\"; "
                   "the EPUB says \"en\"")
    return "en"


def book_identifier(model: Model) -> str:
    """The same on every build of the same vault: derived from its address and title."""
    name = f"{model.site.base_url or ''}|{model.site.title or model.root.name}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def modified_time(guide: Guide) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the newest note's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return guide.date.astimezone(timezone.utc)


def accessibility(has_images: bool, words) -> tuple[tuple[str, str], ...]:
    modes = [("schema:accessMode", "textual")]
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    if has_images:
        modes.append(("schema:accessMode", "visual"))
        features.insert(0, "alternativeText")
    return (
        *modes,
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", words["summary"]),
    )


def make_cover(model: Model, config: Config, guide: Guide, theme: Path, words, images: VaultImages,
               report: Report) -> Cover:
    """The image named by ``guide.cover`` in the config, else one drawn from the theme's template."""
    alt = words["cover_alt"].format(title=" – ".join(t for t in (guide.title, guide.subtitle) if t))
    if config.guide.cover:
        root = model.root.resolve()
        file = (root / config.guide.cover).resolve()
        media_type = mimetypes.guess_type(file.name)[0]
        if file.is_relative_to(root) and file.is_file() and media_type in IMAGE_TYPES:
            return Cover(file.read_bytes(), media_type, alt, words["cover"])
        report.warning(str(config.source or "xtdpublish.toml"), None, "epub.cover",
                       f"guide.cover = {config.guide.cover!r} is not an image inside the vault "
                       "(PNG, JPEG, GIF, SVG or WebP); the EPUB gets the theme's cover instead")
    svg = _environment(theme).get_template("cover.svg.j2").render(
        title_lines=textwrap.wrap(guide.title, 16) or [""],
        subtitle_lines=textwrap.wrap(guide.subtitle, 30),
        author=guide.author,
        year=guide.date.year,
        logo=images.src(model.site.logo) if model.site.logo else None,
    )
    return Cover(svg.encode("utf-8"), "image/svg+xml", alt, words["cover"])


def _environment(theme: Path) -> Environment:
    default = _default_theme()
    loader = ChoiceLoader([FileSystemLoader(str(theme)), FileSystemLoader(str(default))])
    return Environment(loader=loader, autoescape=select_autoescape(["html", "j2", "svg"], default=True),
                       keep_trailing_newline=True)


def _theme_file(theme: Path, name: str) -> Path:
    return theme / name if (theme / name).is_file() else _default_theme() / name


def _default_theme() -> Path:
    return find_theme(Path("."), Config())
