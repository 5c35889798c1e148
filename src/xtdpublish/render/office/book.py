"""build/guide.docx and build/guide.odt: the guide for Word and LibreOffice, written by pandoc.

The model becomes a ``Guide`` (render/guide.py) under an office ``BodyPolicy`` (links to
notes as ``#id``, images as ``data:`` URIs, videos as a QR code and a link); document.py
makes pandoc's JSON AST of it, bookmarks.py names its bookmarks and settles its links,
pandoc writes the file (pandoc_run.py) with the theme's reference document, and
package.py finishes it (dates, contents, alt text, reproducible zip). With
``office.split = "part"`` each top-level section of the guide is a document of its own.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

import segno
from lxml import html

from ...atomic import write_with
from ...config import Config
from ...model import Link, Model, Note
from ...report import Report
from ...video_pages import is_video_host
from ..body import BodyPolicy, Video, anchor_id
from ..epub.book import modified_time
from ..guide import Guide, Section, build_guide, find_theme, language_tag
from . import pandoc_ast as ast
from .bookmarks import Bookmarks
from .document import Composer, words_for
from .images import OfficeImages
from .package import Entry, Finishing, finish
from .pandoc_run import PandocError, convert

TOC_DEPTH = 2
TAG_INDEX = "tag-index"
INLINE_PARENTS = {"p", "span", "a", "em", "strong", "b", "i", "mark", "small", "sub", "sup", "q",
                  "cite", "label", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
QR_WIDTH = "2.5cm"


def render_docx(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    return render(model, config, out_dir, report, "docx")


def render_odt(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    return render(model, config, out_dir, report, "odt")


def render(model: Model, config: Config, out_dir: Path, report: Report, kind: str) -> list[Path]:
    images = OfficeImages(model, out_dir, report)
    language = language_tag(model.site.language or "en", config, report, "office.language",
                            'the Word and LibreOffice documents say "en"')
    words = words_for(language)
    pictures: dict[str, tuple[str, str | None]] = {}
    guide = build_guide(model, office_policy(model, images, words, pictures))
    if not guide.title.strip():
        guide = replace(guide, title=model.root.resolve().name)
    guide = replace(guide, language=language)
    reference = reference_document(model, config, kind)
    parts = {s.anchor: n for n, s in enumerate((s for s in guide.sections if s.kind == "part"), 1)}
    paths = []
    for name, sections, subtitle in documents(guide, config):
        composer = Composer(guide, words, report, lambda s: parts.get(s.anchor),
                            {s.anchor for top in sections for s in top.walk()}, kind, pictures)
        target = out_dir / f"{name}.{kind}"
        try:
            paths.append(write_document(composer, sections, subtitle, model, kind, target, reference,
                                        report))
        except PandocError as error:
            report.error("guide", None, f"office.{kind}", f"{target.name} was not written: {error}")
    images.prune()
    return paths


def documents(guide: Guide, config: Config) -> list[tuple[str, tuple[Section, ...], str | None]]:
    """(file name, sections, subtitle) of each document: the whole guide, or one per part."""
    if config.office.split != "part" or len(guide.sections) < 2:
        return [("guide", guide.sections, None)]
    return [(f"guide-{n:02d}-{_file_slug(section.title)}", (section,), section.title)
            for n, section in enumerate(guide.sections, 1)]


def write_document(composer: Composer, sections: tuple[Section, ...], subtitle: str | None, model: Model,
                   kind: str, target: Path, reference: Path | None, report: Report) -> Path:
    blocks = composer.sections(sections) + composer.tag_index(TAG_INDEX)
    bookmarks = Bookmarks()
    alts = bookmarks.settle(blocks, lambda anchor: _live_url(model, anchor))
    contents = [Entry(min(s.level, TOC_DEPTH), s.title or "…", bookmarks.names[s.anchor])
                for top in sections for s in top.walk()
                if s.level <= TOC_DEPTH and s.anchor in bookmarks.names]
    if TAG_INDEX in bookmarks.names:
        contents.append(Entry(1, composer.words["tag_index"], bookmarks.names[TAG_INDEX]))
    finishing = Finishing(modified_time(composer.guide, report), composer.words["contents"], tuple(contents),
                          tuple(alts))
    document = ast.document(composer.metadata(subtitle), blocks)
    with tempfile.TemporaryDirectory(prefix="xtd-office-") as work:
        written = Path(work) / f"pandoc.{kind}"
        for message in convert(document, kind, written, reference, TOC_DEPTH):
            report.warning("guide", None, "office.pandoc", f"pandoc, writing {target.name}: {message}")
        return write_with(target, lambda temporary: finish(written, temporary, kind, finishing))


def office_policy(model: Model, images: OfficeImages, words: dict[str, str],
                  pictures: dict[str, tuple[str, str | None]]) -> BodyPolicy:
    def note_href(note: Note, link: Link) -> str | None:
        return "#" + anchor_id(link.target, link.anchor) if model.get(link.target) else None

    def asset_src(link: Link) -> str | None:
        picture = images.picture(link.asset) if link.asset else None
        if picture is None:
            return None
        pictures[picture.uri] = (images.alt(link.asset), picture.width)
        return picture.uri

    return BodyPolicy(note_href, asset_src, lambda element, video: video_block(element, video, words),
                      id_prefix=lambda note: anchor_id(note.id) + "--")


def video_block(element, video: Video, words: dict[str, str]) -> html.HtmlElement:
    """A video a page cannot play: its QR code beside where to watch it (inline: the link alone)."""
    parent = element.getparent()
    watchable = video.url.startswith(("http://", "https://"))
    is_video = is_video_host(video.url)
    title = video.title if video.title != video.url else ""
    if not watchable or (parent is not None and parent.tag in INLINE_PARENTS):
        link = html.Element("a", {"href": video.url}) if watchable else html.Element("span")
        # "Vidéo: …": the guide's typography gives each language its own spacing (French: « : »)
        link.text = f"{words['video'] if is_video else words['embed']}: {title or video.url}"
        return link
    qr = segno.make(video.url, error="m").png_data_uri(scale=8, border=2)
    block = html.fragment_fromstring(
        '<div class="xtd-video"><p><img/><br/><strong></strong> <span></span><br/><a></a><br/><em></em></p></div>')
    image, label, shown, link, scan = block.find(".//img"), block.find(".//strong"), \
        block.find(".//span"), block.find(".//a"), block.find(".//em")
    image.attrib.update({"src": qr, "alt": f"{words['qr']} {video.url}", "width": QR_WIDTH})
    label.text = words["video"] if is_video else words["embed"]
    shown.text = title
    link.set("href", video.url)
    link.text = video.url
    scan.text = words["scan"] if is_video else words["scan_embed"]
    return block


def reference_document(model: Model, config: Config, kind: str) -> Path | None:
    """The theme's ``reference.docx`` / ``reference.odt``, else the default theme's, else pandoc's."""
    for theme in (find_theme(model.root, config), find_theme(Path("."), Config())):
        candidate = theme / f"reference.{kind}"
        if candidate.is_file():
            return candidate
    return None


def _live_url(model: Model, anchor: str) -> str | None:
    """A note of another document of a split guide: its page on the live site, if there is one."""
    note = model.get(anchor.removeprefix("n-")) if anchor.startswith("n-") else None
    return model.note_url(note) if note is not None else None


def _file_slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].rstrip("-") or "part"
