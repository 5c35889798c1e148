"""A note's HTML inside a paragraph, as pandoc inlines: text, emphasis, links, images, math, notes.

``InlineReader`` is the half of the body's conversion that stays within a line; the block
half (blocks.py) builds on it. Links keep their ``#id`` target here; which of them lead to a
bookmark that exists is settled once the whole document is built (bookmarks.py).
"""

from __future__ import annotations

import re

from . import pandoc_ast as ast

EMPHASIS = {
    "em": "Emph", "i": "Emph", "cite": "Emph", "var": "Emph", "dfn": "Emph",
    "strong": "Strong", "b": "Strong",
    "u": "Underline", "ins": "Underline",
    "s": "Strikeout", "del": "Strikeout", "strike": "Strikeout",
    "sup": "Superscript", "sub": "Subscript",
}
CODE = {"code", "kbd", "samp", "tt"}
SKIPPED = {"script", "style", "template", "head", "title", "noscript", "audio", "video", "source",
           "track", "svg", "math", "canvas", "map", "button", "select", "textarea", "iframe",
           "object", "embed"}
EXTERNAL = ("http://", "https://", "mailto:", "tel:")
CSS_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(px|cm|mm|in|%)?\s*$")


class InlineReader:
    """Inline HTML → pandoc inlines. ``footnotes`` maps a footnote's name (``fn1``) to its blocks;
    ``pictures`` an image's ``data:`` URI to what it gets when the note gives none: its alt text
    (from its file name) and the width it is shown at (a drawn SVG's own)."""

    def __init__(self, pictures: dict[str, tuple[str, str | None]] | None = None) -> None:
        self.footnotes: dict[str, list[dict]] = {}
        self.pictures = pictures or {}

    def inlines(self, element, with_tail: bool = False) -> list[dict]:
        """The inlines of ``element``'s content (and of its tail, with ``with_tail``)."""
        out = ast.text(element.text or "")
        for child in element:
            out += self.inline(child)
        if with_tail:
            out += ast.text(element.tail or "")
        return out

    def inline(self, element) -> list[dict]:
        """One element and the text after it."""
        if not isinstance(element.tag, str):  # a comment or a processing instruction
            return ast.text(element.tail or "")
        return self.inline_element(element) + ast.text(element.tail or "")

    def inline_element(self, element) -> list[dict]:
        tag = element.tag
        classes = (element.get("class") or "").split()
        if tag in SKIPPED:
            return []
        if "xtd-math" in classes:
            return [ast.math(element.text_content(), element.get("data-display") == "block")]
        if tag == "br":
            return [ast.LINE_BREAK]
        if tag == "img":
            return self.image(element)
        if tag == "a":
            return self.anchor(element)
        if tag == "sup" and "footnote-ref" in classes:
            return self.footnote_call(element)
        if tag in CODE:
            return [ast.code(element.text_content())]
        if tag == "input" and (element.get("type") or "").lower() == "checkbox":
            return [ast.node("Str", "☒" if element.get("checked") is not None else "☐"), ast.SPACE]
        content = self.inlines(element)
        if tag in EMPHASIS:
            content = [ast.node(EMPHASIS[tag], content)] if content else []
        elif tag == "mark":
            content = [ast.span(ast.attr("", ["mark"]), content)]
        elif tag == "q":
            content = [ast.node("Quoted", [ast.node("DoubleQuote"), content])]
        elif "missing-image" in classes:
            content = [ast.node("Emph", content)] if content else []
        elif tag in ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                     "blockquote", "pre", "dt", "dd", "figcaption"):
            content = [ast.SPACE, *content, ast.SPACE]  # a block flattened into a line
        if element.get("id"):
            return [ast.span(ast.attr(element.get("id")), content)]
        return content

    def anchor(self, element) -> list[dict]:
        href = (element.get("href") or "").strip()
        classes = (element.get("class") or "").split()
        if "footnote-backref" in classes:
            return []
        content = self.inlines(element)
        if element.get("id"):
            content = [ast.span(ast.attr(element.get("id")), content)]
        if href.startswith("#") and len(href) > 1:
            return [ast.link(content or ast.text(href), href)]
        if href.lower().startswith(EXTERNAL):
            return [ast.link(content or ast.text(href.split(":", 1)[-1].lstrip("/")), href)]
        return content  # file:, relative paths, javascript:... nothing a reader can follow

    def footnote_call(self, element) -> list[dict]:
        link = next(element.iter("a"), None)
        name = (link.get("href") or "").lstrip("#") if link is not None else ""
        blocks = self.footnotes.get(name)
        if blocks is None:
            return ast.text(element.text_content())
        return [ast.node("Note", blocks)]

    def image(self, element) -> list[dict]:
        src = (element.get("src") or "").strip()
        alt = " ".join((element.get("alt") or "").split())
        if not src.startswith("data:image/"):
            # Not embeddable (on the web, or dropped by the policy): its description, linked
            # where the image is when it has an address.
            label = ast.text(alt or src.rsplit("/", 1)[-1])
            if src.lower().startswith(("http://", "https://")):
                return [ast.link([ast.node("Emph", label)], src)]
            return [ast.node("Emph", label)] if alt else []
        pairs = []
        for dimension in ("width", "height"):
            size = _length(element.get(dimension))
            if size:
                pairs.append([dimension, size])
        if len(pairs) == 2:  # pandoc keeps both as given: the ratio would be lost on a page too narrow
            pairs = pairs[:1]
        fallback_alt, width = self.pictures.get(src, ("", None))
        if not pairs and width:
            pairs = [["width", width]]
        return [ast.image(ast.text(alt or fallback_alt), src, pairs)]


def _length(value: str | None) -> str | None:
    """An HTML width or height (``300``, ``300px``, ``50%``) as pandoc reads one."""
    match = CSS_LENGTH.match(value or "")
    if not match or float(match.group(1)) <= 0:
        return None
    return match.group(1) + (match.group(2) or "px")
