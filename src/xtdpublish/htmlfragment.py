"""HTML fragments as lxml trees: parsed inside a wrapper, written back, elements removed.

Shared by the reader (sanitizing notes' raw HTML) and the renderers (rewriting bodies).
"""

from __future__ import annotations

from html import escape

from lxml import etree, html


def parse_fragment(fragment: str) -> html.HtmlElement:
    """``fragment`` inside a ``<div>`` wrapper, so text before the first element is kept."""
    return html.fragment_fromstring(fragment or "", create_parent="div")


def serialize_fragment(root: html.HtmlElement) -> str:
    """The wrapper's content as HTML, without the wrapper."""
    parts = [escape(root.text, quote=False)] if root.text else []
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(parts)


def remove_keeping_tail(element) -> None:
    """Remove ``element`` and its content, but not the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        text_before(element, element.tail)
    parent.remove(element)


def text_before(element, text: str) -> None:
    """Add ``text`` just before ``element``: to its previous sibling's tail, or its parent's text."""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = element.getparent()
        parent.text = (parent.text or "") + text
