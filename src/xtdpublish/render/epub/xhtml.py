"""Note bodies as XHTML an e-reader can show: nothing it cannot use, no dead end, well-formed.

A body (HTML from the model, by way of ``render/body.py``) is parsed as HTML, cleaned
with its note known, so the messages name the note: elements an e-reader cannot use
(scripts, forms, media players) go, elements XHTML does not know give way to their
content, attributes are kept only where XHTML accepts their value, images must be the
book's own files. ``to_xhtml`` then moves the tree into the XHTML namespace, so lxml
writes it as XML (void elements closed, entities resolved, invalid characters gone).
"""

from __future__ import annotations

import re

from lxml import etree, html

from ...htmlfragment import parse_fragment, remove_keeping_tail
from ...model import Note
from ...report import Report
from ..body import anchor_id
from ..math import MATH_CLASS

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
NSMAP = {None: XHTML, "epub": OPS}
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
# What a book's body may hold; any other element (font, center, custom tags...) gives way
# to its content.
XHTML_ELEMENTS = {
    "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption",
    "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var",
}
KEPT_ATTRIBUTES = {"class", "title", "data-callout"}  # on any element, whatever their value
OWN_ATTRIBUTES = {"alt": "img", "data-alt": "img", "src": "img", "href": "a", "start": "ol", "width": "img", "height": "img",
                  "colspan": "td th", "rowspan": "td th"}  # only on these elements
COUNTS = {"colspan", "rowspan", "width", "height", "start"}  # kept only as plain numbers
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
NUMBER = re.compile(r"\d{1,6}")
CELL_ALIGN = re.compile(r"\s*text-align:\s*(left|right|center)\s*;?\s*")
DIRECTIONS = {"ltr", "rtl", "auto"}
# Characters XML 1.0 cannot hold at all (a note may carry them from a copy-paste).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MEDIA_PREFIX = "../media/"  # the book's own images, as media.py names them


def clean_body(fragment: str, note: Note | None, report: Report) -> html.HtmlElement:
    """One section's body, cleaned, inside a ``<div>`` wrapper."""
    root = parse_fragment(fragment)
    where = note.path if note is not None else "guide"
    prefix = anchor_id(note.id) + "--" if note is not None else None
    _drop_leading_marker(root)
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    _clean_children(root, _Context(where, prefix, ids, report))
    return root


def to_xhtml(root) -> etree._Element:
    """An HTML tree (as ``clean_body`` leaves it) moved into the XHTML namespace, XML-safe;
    elements already in a namespace (MathML) keep theirs."""
    for element in root.iter():
        if not element.tag.startswith("{"):
            element.tag = f"{{{XHTML}}}{element.tag}"
        if element.text and NOT_XML.search(element.text):
            element.text = NOT_XML.sub("", element.text)
        if element.tail and NOT_XML.search(element.tail):
            element.tail = NOT_XML.sub("", element.tail)
        for name, value in element.attrib.items():
            if NOT_XML.search(value):
                element.set(name, NOT_XML.sub("", value))
    return root


def element(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    """A new XHTML element under ``parent`` (``epub_type`` is written ``epub:type``)."""
    if "epub_type" in attributes:
        attributes[f"{{{OPS}}}type"] = attributes.pop("epub_type")
    attrib = {("class" if k == "class_" else k): v for k, v in attributes.items() if v}
    child = etree.SubElement(parent, f"{{{XHTML}}}{tag}", attrib)
    child.text = NOT_XML.sub("", text) if text else None
    return child


def page(title: str, language: str, css: str, body_type: str = "") -> tuple[etree._Element, etree._Element]:
    """An empty XHTML content document: its root and its ``<body>``."""
    root = etree.Element(f"{{{XHTML}}}html", nsmap=NSMAP)
    root.set("lang", language)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    head = element(root, "head")
    element(head, "meta", charset="utf-8")
    element(head, "title", title or "…")
    if css:
        element(head, "link", rel="stylesheet", type="text/css", href=css)
    return root, element(root, "body", epub_type=body_type)


def serialize(root, indent: bool = False) -> bytes:
    """The document as XML; ``indent`` for pages built here whole (never a note's body, where
    whitespace may matter), else line breaks only around the page's frame."""
    if indent:
        etree.indent(root, space="  ")
    else:
        for item in (*root, *root[0], *root[-1]):
            item.tail = item.tail or "\n"
        root.text = root[0].text = root[-1].text = "\n"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


class _Context:
    def __init__(self, where, prefix, ids, report) -> None:
        self.where, self.prefix, self.ids, self.report = where, prefix, ids, report


def _clean_children(parent, context: _Context) -> None:
    for child in list(parent):
        if not isinstance(child.tag, str):  # comments, processing instructions
            remove_keeping_tail(child)
            continue
        tag = child.tag.lower()
        if MATH_CLASS in (child.get("class") or "").split():
            continue  # a formula: chapters.py makes it MathML
        if tag in SILENT:
            remove_keeping_tail(child)
            continue
        if tag in DROPPED:
            context.report.warning(
                context.where, None, "epub.html",
                f"a <{tag}> in this note cannot be shown by an e-reader; the EPUB leaves it out",
            )
            remove_keeping_tail(child)
            continue
        _clean_children(child, context)
        if tag not in XHTML_ELEMENTS:
            child.drop_tag()
            continue
        child.tag = tag
        _clean_attributes(child, tag)
        if tag == "img":
            _clean_image(child, context.where, context.report)
        elif tag == "a":
            _clean_anchor(child, context.ids, context.prefix)
        elif tag == "th" and not len(child) and not (child.text or "").strip():
            child.tag = "td"  # an empty header cell names no column: a data cell (Ace's rule)


# The footnotes markup of the model (mdit-py-plugins), as EPUB and DPUB-ARIA name its parts:
# (class, epub:type, role). Reading systems show a noteref's note in a pop-up.
NOTE_PARTS = (
    ("footnote-ref", "noteref", "doc-noteref"),  # on the <sup>: its link gets them
    ("footnotes", "endnotes", "doc-endnotes"),
    ("footnote-item", "endnote", ""),  # doc-endnote is deprecated: no role
    ("footnote-backref", "", "doc-backlink"),
)


def mark_notes(holder) -> None:
    """``epub:type`` and the matching ``role`` on a chapter's footnotes, once it is in its page
    (so ``epub:`` is the page's prefix)."""
    for item in holder.iter(f"{{{XHTML}}}sup", f"{{{XHTML}}}section", f"{{{XHTML}}}li", f"{{{XHTML}}}a"):
        classes = (item.get("class") or "").split()
        for name, epub_type, role in NOTE_PARTS:
            if name not in classes:
                continue
            target = next(item.iter(f"{{{XHTML}}}a"), None) if name == "footnote-ref" else item
            if target is None:
                continue
            if epub_type:
                target.set(f"{{{OPS}}}type", epub_type)
            if role:
                target.set("role", role)


def _drop_leading_marker(root) -> None:
    """The empty ``<span id>`` left where the note's own title heading was: an empty paragraph.

    Links to it fall back to the note's anchor (``chapters.py``), the very same place.
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
    for name, value in list(element.attrib.items()):
        value = value.strip()
        if name in OWN_ATTRIBUTES and tag not in OWN_ATTRIBUTES[name].split():
            del element.attrib[name]
        elif name in COUNTS:
            if not (NUMBER.fullmatch(value) and (int(value) > 0 or name in {"width", "height"})):
                del element.attrib[name]
        elif name == "style" and tag in {"td", "th"} and (align := CELL_ALIGN.fullmatch(value)):
            element.set(name, f"text-align: {align.group(1)}")  # a markdown table's alignment
        elif name == "id" and value:
            element.set(name, re.sub(r"\s+", "-", value))
        elif name == "dir" and value.lower() in DIRECTIONS:
            element.set(name, value.lower())
        elif name == "lang" and LANGUAGE.fullmatch(value):
            element.set(name, value)
        elif name not in KEPT_ATTRIBUTES and name not in OWN_ATTRIBUTES:
            del element.attrib[name]


def _clean_image(element, where: str, report: Report) -> None:
    src = (element.get("src") or "").strip()
    alt = (element.get("alt") or "").strip()
    if src.startswith(MEDIA_PREFIX):
        if element.get("alt") is None:  # the model gives every image one (vault/accessibility.py)
            element.set("alt", "")
            element.set("data-alt", "guessed")
        return
    if src.startswith(("http://", "https://")):
        # The book reads nothing from the network: the reader may follow the link instead.
        link = html.Element("a", {"href": src})
        link.text = src if element.get("data-alt") == "guessed" else alt or src  # a guess says less
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
        if re.search(r"[\s<>\"{}|\\^`]", href):  # not a URL as written: a reader could not open it
            element.set("href", re.sub(r"[\s<>\"{}|\\^`]", lambda m: f"%{ord(m.group()):02X}", href))
        return
    # A file, a page of the site, a data: URI: nothing a reader can open from inside the book.
    element.drop_tag()


SVG = "http://www.w3.org/2000/svg"
# Internal entities (Illustrator declares its namespaces so) are expanded; external ones,
# DTDs and the network never: an SVG that needs them is refused.
SVG_PARSER = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True)
SVG_DROPPED = {"script", "foreignObject", "iframe", "audio", "video"}
OUTSIDE_URL = re.compile(r"url\(\s*(?![\s'\"]*#)", re.I)  # url(...) that is not url(#id)


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
        text = element.text or ""
        if (name in SVG_DROPPED or name == "style" and ("@import" in text or OUTSIDE_URL.search(text))
                or name in ("set", "animate") and "href" in element.get("attributeName", "")):
            element.getparent().remove(element)
            continue
        for attribute in list(element.attrib):
            local = etree.QName(attribute).localname
            value = element.get(attribute).strip()
            if (local.startswith("on") or OUTSIDE_URL.search(value)
                    or local == "href" and not value.startswith(("#", "data:image/"))):
                del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
