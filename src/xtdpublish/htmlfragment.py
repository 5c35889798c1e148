"""HTML fragments as lxml trees: parsed inside a wrapper, written back, elements removed.

Shared by the reader (sanitizing notes' raw HTML) and the renderers (rewriting bodies).
Parsing never loses text: what libxml2 would drop (anything nested past 255 levels, a
``<!DOCTYPE`` or ``<?`` without its ``>`` that swallows the rest) is kept as text, and
``bound_depth`` flattens what nests deeper than an output can lay out.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from lxml import etree, html

# libxml2's HTML parser drops, without a word, every element and text nested deeper than 255.
PARSER_DEPTH = 250
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
# Where a flattened element's text needs a space from its neighbours.
BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
          "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
          "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th",
          "tr", "ul", "br"}
_DEEPER = etree.XPath("boolean(descendant::*[count(ancestor::*) > $depth])")
_SPACES = re.compile(r"\s{2,}")
_AT = etree.XPath("descendant::*[count(ancestor::*) = $depth][*]")


def parse_fragment(fragment: str) -> html.HtmlElement:
    """``fragment`` inside a ``<div>`` wrapper, so text before the first element is kept."""
    fragment = _unclosed_as_text(fragment or "")
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:  # all of it swallowed: "<!DOCTYPE html" and no ">" after it
        root = _without_declarations(fragment)
    if fragment.count("<") > PARSER_DEPTH and _DEEPER(root, depth=PARSER_DEPTH):
        root = html.fragment_fromstring(flatten_source(fragment, PARSER_DEPTH), create_parent="div")
    return root


def serialize_fragment(root: html.HtmlElement) -> str:
    """The wrapper's content as HTML, without the wrapper."""
    parts = [escape(root.text, quote=False)] if root.text else []
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(parts)


def bound_depth(root, depth: int) -> int:
    """Flatten every element nested deeper than ``depth`` under ``root`` into its text; returns
    how many levels the deepest went past it (0: nothing changed). Images, links and the
    structure below ``depth`` are lost; the words are kept."""
    if not _DEEPER(root, depth=depth):
        return 0
    past = 0
    for element in _AT(root, depth=depth):
        deepest = max(len(list(node.iterancestors())) for node in element.iter()) - depth
        past = max(past, deepest)
        _flatten(element)
    return past


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


def flatten_source(fragment: str, depth: int) -> str:
    """``fragment`` with the tags of every element nested deeper than ``depth`` left out (their
    text kept), read as a stream: no parser's depth limit, no recursion."""
    flattener = _Flattener(depth)
    flattener.feed(fragment)
    flattener.close()
    return "".join(flattener.out)


def _flatten(element) -> None:
    parts = [element.text or ""]
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if node is element:
            continue
        block = isinstance(node.tag, str) and node.tag in BLOCKS
        if event == "start":
            parts.append(" " if block else "")
            if isinstance(node.tag, str):
                parts.append(node.text or "")
        else:
            parts.append((" " if block else "") + (node.tail or ""))
    for child in list(element):
        element.remove(child)
    element.text = _SPACES.sub(" ", "".join(parts))


def _unclosed_as_text(fragment: str) -> str:
    """A ``<!`` or ``<?`` that no ``>`` follows would take the rest along as a comment: it is text."""
    last = fragment.rfind(">")
    if fragment.find("<!", last + 1) < 0 and fragment.find("<?", last + 1) < 0:
        return fragment
    head, tail = fragment[: last + 1], fragment[last + 1 :]
    return head + tail.replace("<!", "&lt;!").replace("<?", "&lt;?")


def _without_declarations(fragment: str) -> html.HtmlElement:
    """What lxml gave up on, read again with ``<!`` and ``<?`` as text; else all of it as text."""
    try:
        return html.fragment_fromstring(
            fragment.replace("<!", "&lt;!").replace("<?", "&lt;?"), create_parent="div")
    except etree.ParserError:
        root = html.Element("div")
        root.text = fragment
        return root


class _Flattener(HTMLParser):
    """Writes back what it reads, but for the tags of elements nested past ``depth``.

    The depth is counted as browsers build the tree, near enough: an end tag closes up to its
    element, a stray one is dropped, and ``<p>``, ``<li>``, cells and rows close their open
    sibling."""

    CLOSES = {"li": ("li", {"ul", "ol"}), "dt": ("dt dd", {"dl"}), "dd": ("dt dd", {"dl"}),
              "tr": ("tr", {"table"}), "td": ("td th", {"tr", "table"}),
              "th": ("td th", {"tr", "table"}), "option": ("option", {"select"})}

    def __init__(self, depth: int) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = depth
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, written)
        self.written = 0

    def handle_starttag(self, tag, attrs):
        self._close_siblings(tag)
        text = self.get_starttag_text()
        if tag in VOID:
            self.out.append(text)
            return
        keep = self.written < self.depth
        self.open.append((tag, keep))
        if keep:
            self.written += 1
            self.out.append(text)
        elif tag in BLOCKS:
            self.out.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                self._close_to(index)
                return

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")

    def _close_siblings(self, tag: str) -> None:
        if tag == "p" or tag in BLOCKS:
            if self.open and self.open[-1][0] == "p":
                self._close_to(len(self.open) - 1)
        if tag in self.CLOSES:
            siblings, scopes = self.CLOSES[tag]
            for index in range(len(self.open) - 1, -1, -1):
                name = self.open[index][0]
                if name in scopes:
                    return
                if name in siblings.split():
                    self._close_to(index)
                    return

    def _close_to(self, index: int) -> None:
        while len(self.open) > index:
            tag, written = self.open.pop()
            if written:
                self.written -= 1
                self.out.append(f"</{tag}>")
            elif tag in BLOCKS:
                self.out.append(" ")
