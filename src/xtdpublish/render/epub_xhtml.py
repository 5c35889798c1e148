"""The guide's HTML made safe for pandoc's EPUB writer: nothing it cannot carry, no dead ends.

pandoc turns this HTML into the book's XHTML. What it must not get: elements an
e-reader cannot use (scripts, forms, media players), images that are not already
embedded as ``data:`` URIs (with ``--sandbox`` pandoc would leave a dangling
reference behind), links to files or pages that are not in the book, and
fragment links whose target id does not exist. Each body is cleaned with its
note known, so the messages name the note; the whole document is then checked
once for link targets, since a link may point into any chapter.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree, html

from ..htmlfragment import parse_fragment, remove_keeping_tail, serialize_fragment
from ..model import Note
from ..report import Report
from .body import anchor_id

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
EXTERNAL = ("http://", "https://", "mailto:")
# Left out with their content, and the editor is told: nothing an e-reader can show.
DROPPED = {
    "script", "style", "noscript", "template", "form", "input", "button", "select",
    "textarea", "video", "audio", "canvas", "object", "embed", "iframe", "svg", "math",
    "link", "meta", "base", "head", "title", "dialog", "map", "area", "track",
}
# Left out with their content, silently: they only make sense beside something dropped.
SILENT = {"source", "param", "wbr"}
# Replaced by their content: presentational or structural wrappers pandoc has no use for.
UNWRAPPED = {"font", "center", "picture", "body", "html", "main", "nav", "tt", "big", "blink", "marquee"}
KEPT_ATTRIBUTES = {
    "id", "class", "title", "lang", "dir", "alt", "src", "href", "colspan", "rowspan",
    "width", "height", "start", "reversed", "data-callout",
}
CELL_ATTRIBUTES = {"align"}  # pandoc reads a table's alignment from it


def clean_body(
    fragment: str,
    note: Note | None,
    report: Report,
    *,
    alt_for: Callable[[str], str | None] = lambda src: None,
) -> str:
    """One section's body, cleaned; its headings marked "unlisted" (out of the book's nav)."""
    root = parse_fragment(fragment)
    where = note.path if note is not None else "guide"
    prefix = anchor_id(note.id) + "--" if note is not None else None
    _drop_leading_marker(root)
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    _clean_children(root, _Context(where, prefix, ids, alt_for, report))
    return serialize_fragment(root)


class _Context:
    def __init__(self, where, prefix, ids, alt_for, report) -> None:
        self.where, self.prefix, self.ids = where, prefix, ids
        self.alt_for, self.report = alt_for, report


def _clean_children(parent, context: _Context) -> None:
    for element in list(parent):
        if not isinstance(element.tag, str):  # comments, processing instructions
            remove_keeping_tail(element)
            continue
        tag = element.tag.lower()
        if tag in SILENT:
            remove_keeping_tail(element)
            continue
        if tag in DROPPED:
            context.report.warning(
                context.where, None, "epub.html",
                f"a <{tag}> in this note cannot be shown by an e-reader; the EPUB leaves it out",
            )
            remove_keeping_tail(element)
            continue
        _clean_children(element, context)
        if tag in UNWRAPPED:
            element.drop_tag()
            continue
        _clean_attributes(element, tag)
        if tag == "img":
            _clean_image(element, context.where, context.report, context.alt_for)
        elif tag == "a":
            _clean_anchor(element, context.ids, context.prefix)
        elif tag in HEADINGS:
            element.set("class", " ".join(filter(None, (element.get("class"), "unlisted"))))


def check_links(document: html.HtmlElement) -> None:
    """Every ``#fragment`` link of the whole guide points at an existing id, else it becomes text.

    A link to a heading that is gone falls back to its note (``n-ID--anchor`` → ``n-ID``).
    """
    ids: set[str] = set()
    for element in document.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        if element.get("id") in ids:  # pandoc needs unique ids; the first one wins
            del element.attrib["id"]
        else:
            ids.add(element.get("id"))
    for anchor in list(document.iter("a")):
        href = anchor.get("href") or ""
        if not href.startswith("#"):
            continue
        target = href[1:]
        if target in ids:
            continue
        note_anchor = target.split("--", 1)[0]
        if note_anchor in ids:
            anchor.set("href", "#" + note_anchor)
        else:
            anchor.drop_tag()


def readable_alt(path: str) -> str:
    """``images/Logo-Canton_de_Vaud.svg`` → ``Logo Canton de Vaud``: better than no text at all."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[\s_\-]+", " ", stem).strip() or stem


def _drop_leading_marker(root) -> None:
    """The empty ``<span id>`` left where the note's own title heading was: an empty paragraph.

    Links to it fall back to the note's anchor (``check_links``), the very same place.
    """
    first = next(iter(root), None)
    if first is None or (root.text or "").strip():
        return
    marker = first[0] if first.tag == "p" and len(first) == 1 and not (first.text or "").strip() else first
    if marker.tag != "span" or len(marker) or (marker.text or "").strip() or not marker.get("id"):
        return
    holder = first if marker is not first and not (marker.tail or "").strip() else marker
    remove_keeping_tail(holder)


def _clean_attributes(element, tag: str) -> None:
    for name in list(element.attrib):
        keep = name in KEPT_ATTRIBUTES or (tag in {"td", "th"} and name in CELL_ATTRIBUTES)
        if name == "epub:type" or not keep:
            del element.attrib[name]


def _clean_image(element, where: str, report: Report, alt_for) -> None:
    src = (element.get("src") or "").strip()
    alt = (element.get("alt") or "").strip()
    if src.startswith("data:"):
        if not alt:
            element.set("alt", alt_for(src) or "")
        return
    if src.startswith(("http://", "https://")):
        # The book reads nothing from the network: the reader may follow the link instead.
        link = html.Element("a", {"href": src})
        link.text = alt or src
        link.tail = element.tail
        element.getparent().replace(element, link)
        report.info(where, None, "epub.remote-image",
                    f"the image {src} is on the web, not in the vault: the EPUB links to it")
        return
    if src:
        report.warning(where, None, "epub.image",
                       f"the image {src!r} is not a file of the vault; the EPUB leaves it out")
    if alt:
        span = html.Element("span", {"class": "missing-image"})
        span.text = alt
        span.tail = element.tail
        element.getparent().replace(element, span)
    else:
        remove_keeping_tail(element)


def _clean_anchor(element, ids: set[str], prefix: str | None) -> None:
    href = (element.get("href") or "").strip()
    if href.startswith("#"):
        # Footnotes and in-note links were written before the note's ids got their prefix.
        if prefix and href[1:] not in ids and prefix + href[1:] in ids:
            element.set("href", "#" + prefix + href[1:])
        return
    if href.lower().startswith(EXTERNAL):
        return
    # A file, a page of the site, a data: URI: nothing a reader can open from inside the book.
    element.drop_tag()




SVG = "http://www.w3.org/2000/svg"
# Internal entities (Illustrator declares its namespaces so) are expanded; external ones,
# DTDs and the network never: an SVG that needs them is refused.
SVG_PARSER = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True)
SVG_DROPPED = {"script", "foreignObject", "iframe", "audio", "video"}


def clean_svg(data: bytes) -> bytes | None:
    """A vault SVG as an EPUB may hold it: no script, no foreign content, no outside reference.

    None when it is not an SVG document at all.
    """
    try:
        root = etree.fromstring(data, SVG_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.tag != f"{{{SVG}}}svg":
        return None
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None and element is not root:
            continue
        name = etree.QName(element).localname
        if name in SVG_DROPPED or (name == "style" and "@import" in (element.text or "")):
            element.getparent().remove(element)
            continue
        for attribute in list(element.attrib):
            local = etree.QName(attribute).localname
            value = element.get(attribute).strip()
            if local.startswith("on") or (local == "href" and not value.startswith(("#", "data:image/"))):
                del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
