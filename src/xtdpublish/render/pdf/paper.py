"""The book's HTML made fit for paper.

On paper a link must be readable without a mouse: internal links keep their target
(the CSS prints « (p. N) »), external ones get their URL in a footnote, anything else
(``file:``, relative, a missing anchor) prints its label alone. Images take the best
source of a ``<picture>`` or ``srcset``; remote images are not fetched but linked to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import html
from ...model import Model
from .fetcher import asset_url

EXTERNAL = ("http://", "https://", "mailto:", "tel:")
PRINTABLE_IMAGES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif", "image/webp", "")
NO_FOOTNOTE_INSIDE = {"h1", "h2", "h3", "h4", "h5", "h6", "figure", "nav"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


@dataclass
class Prepared:
    html: str
    sources: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # URL -> (note path, line)
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (note path, URL) -> line
    diagnostics: list[tuple[str, int | None, str, str]] = field(default_factory=list)


def prepare(document: str, model: Model) -> Prepared:
    root = html.document_fromstring(document)
    lines = _asset_lines(model)
    sources = {}
    for (path, url), line in lines.items():
        sources.setdefault(url, (path, line))
    prepared = Prepared("", sources, lines)
    ids = {element.get("id") for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    for picture in list(root.iter("picture")):
        _flatten_picture(picture)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        note = _note_path(element)
        if element.tag == "a" and element.get("href") is not None:
            _paper_link(element, ids)
        elif element.tag == "img":
            _paper_image(element, note, prepared)
        if note and element.get("style"):
            for url in CSS_URL.findall(element.get("style")):
                prepared.sources.setdefault(url, (note, None))
    for body in root.find_class("note-body"):
        _link_notes(body)
    prepared.html = html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return prepared


def _asset_lines(model: Model) -> dict[tuple[str, str], int]:
    """The URL each asset link becomes, and the note line that wrote it."""
    lines = {}
    for note in model.notes:
        for link in note.links:
            if link.asset:
                url = asset_url(model, link.asset)
                lines.setdefault((note.path, url), link.line)
    return lines


def _note_path(element) -> str | None:
    for ancestor in element.iterancestors("section"):
        if ancestor.get("data-source"):
            return ancestor.get("data-source")
    return None


def _paper_link(link, ids: set[str]) -> None:
    href = link.get("href").strip()
    if href.startswith("#"):
        target = href[1:]
        if target not in ids:
            note_anchor = target.split("--")[0]
            if note_anchor in ids:
                link.set("href", "#" + note_anchor)  # the heading is gone: point at its note
            else:
                link.drop_tag()
        return
    if not href.lower().startswith(EXTERNAL):
        link.drop_tag()  # file:, relative paths, javascript:... nothing to follow on paper
        return
    shown = _shown(href)
    text = " ".join(link.text_content().split())
    if _same_url(text, shown):
        link.set("class", (link.get("class", "") + " url").strip())


def _shown(href: str) -> str:
    """What a reader types: the URL, or the bare address of a mailto:/tel: link."""
    if href.lower().startswith(("mailto:", "tel:")):
        return unquote(href.split(":", 1)[1].split("?", 1)[0])
    return href


def _link_notes(body) -> None:
    """Number the external links of a note whose URL is not printed, and list the URLs after it.

    Per-note endnotes rather than CSS footnotes: WeasyPrint 70 sometimes moves a footnote
    to the next page, away from its call.
    """
    urls: list[str] = []
    for link in body.iter("a"):
        href = (link.get("href") or "").strip()
        if not href.lower().startswith(EXTERNAL) or "url" in (link.get("class") or "").split():
            continue
        if any(a.tag in NO_FOOTNOTE_INSIDE for a in link.iterancestors()):
            continue
        urls.append(_shown(href))
        call = html.Element("sup", {"class": "link-call"})
        call.text = str(len(urls))
        call.tail, link.tail = link.tail, None
        link.addnext(call)
    if urls:
        notes = html.Element("ol", {"class": "link-notes"})
        for url in urls:
            item = html.Element("li")
            item.text = url
            notes.append(item)
        body.append(notes)


def _same_url(text: str, url: str) -> bool:
    def bare(value: str) -> str:
        return re.sub(r"^(https?://)?(www\.)?", "", value.strip().lower()).rstrip("/")

    return bare(text) == bare(url)


def _flatten_picture(picture) -> None:
    """A ``<picture>`` prints its best source, as a plain ``<img>``."""
    best = None
    for source in picture.iter("source"):
        if (source.get("type") or "").lower() in PRINTABLE_IMAGES and source.get("srcset"):
            candidate = _best_candidate(source.get("srcset"))
            if candidate:
                best = candidate  # later sources are the fallbacks; the first usable wins
                break
    image = next(picture.iter("img"), None)
    if image is None:
        image = html.Element("img", {"alt": ""})
        picture.append(image)
    if best:
        image.set("src", best)
        image.attrib.pop("srcset", None)
    for source in list(picture.iter("source")):
        source.drop_tag()  # libxml2 may have nested the <img> inside a <source>: keep it
    picture.drop_tag()


def _best_candidate(srcset: str) -> str | None:
    """The widest (or densest) candidate of a ``srcset``."""
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        if not url:
            continue
        match = re.match(r"\s*([\d.]+)[wx]", descriptor or "1x")
        size = float(match.group(1)) if match else 1.0
        if size > best_size:
            best, best_size = url, size
    return best


def _paper_image(image, note: str | None, prepared: Prepared) -> None:
    if image.get("srcset"):
        best = _best_candidate(image.get("srcset"))
        if best and not (image.get("src") or "").startswith("file:"):
            image.set("src", best)
        del image.attrib["srcset"]
        image.attrib.pop("sizes", None)
    src = (image.get("src") or "").strip()
    if _alone_in_paragraph(image):
        image.set("class", (image.get("class", "") + " alone").strip())
    if note is None:
        return
    prepared.sources.setdefault(src, (note, None))
    line = prepared.lines.get((note, src))
    if src.lower().startswith(("http://", "https://", "//")):
        prepared.diagnostics.append((note, line, "pdf.remote-image",
                                     f"image {src} is on the web and is not printed: "
                                     "copy it into the vault and link the copy"))
        _link_instead(image, src)


def _alone_in_paragraph(image) -> bool:
    """An image that is its paragraph's whole content: the theme shows it as a block. CSS's
    ``:only-child`` cannot say it, as text is no child: an icon inside a sentence stays inline.
    A formula drawn alone in its paragraph stays on the text's baseline (formulas.py)."""
    parent = image.getparent()
    return (parent is not None and parent.tag == "p" and len(parent) == 1
            and not (parent.text or "").strip() and not (image.tail or "").strip()
            and "math" not in (image.get("class") or "").split())


def _link_instead(image, src: str) -> None:
    """A web image, not fetched: its alt text as a link to it (the URL then goes in the note's
    link notes), or the URL itself where the alt text is only a guess from the address (a
    tweet's "1580548874246443010"), as the EPUB does."""
    alt = (image.get("alt") or "").strip()
    guessed = not alt or image.get("data-alt") == "guessed"
    link = html.Element("a", {"href": src, "class": "missing-image url" if guessed else "missing-image"})
    link.text = src if guessed else alt
    link.tail = image.tail
    image.getparent().replace(image, link)
