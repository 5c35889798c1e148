"""Elements where XHTML allows them: EPUBCheck refuses a book whose elements nest wrongly.

A browser forgives a ``<li>`` outside a list, a ``<div>`` inside a ``<p>`` (an embed
expanded inside a paragraph), a ``<td>`` outside a table; an EPUB's XHTML is validated
and does not. HTML's parser repairs some of this; ``fix_nesting`` repairs the rest with
the smallest change that keeps the text: a stray item becomes a ``div``, a paragraph
or a span holding blocks becomes a ``div``, what a list holds is an item.
"""

from __future__ import annotations

from lxml import html

from ..htmlfragment import remove_keeping_tail

# An element that needs one of these parents; elsewhere it is a plain div.
PARENTS = {
    "li": {"ul", "ol"},
    "td": {"tr"}, "th": {"tr"},
    "tr": {"table", "thead", "tbody", "tfoot"},
    "thead": {"table"}, "tbody": {"table"}, "tfoot": {"table"}, "caption": {"table"},
    "colgroup": {"table"}, "col": {"colgroup", "table"},
    "dt": {"dl", "div"}, "dd": {"dl", "div"},
    "figcaption": {"figure"}, "summary": {"details"},
    "rt": {"ruby"}, "rp": {"ruby"},
}
BLOCKS = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "ol", "p", "pre", "section", "table", "ul",
    "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "figcaption", "summary",
}
TRANSPARENT = {"a", "ins", "del"}  # block or phrasing, as their content is
# Elements whose content must be phrasing: holding a block, they become a div themselves...
PHRASING = {
    "p", "span", "em", "strong", "b", "i", "u", "s", "small", "mark", "sub", "sup", "q", "cite",
    "code", "kbd", "samp", "var", "abbr", "dfn", "time", "data", "bdi", "bdo",
}
# ...except these, which keep their meaning and lose the blocks' frames instead.
PHRASING_KEPT = {"h1", "h2", "h3", "h4", "h5", "h6", "pre"}
LISTS = {"ul", "ol"}
ROW_GROUPS = {"thead", "tbody", "tfoot"}
TABLE_PARTS = {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}


def fix_nesting(root) -> None:
    """Repair ``root``'s descendants in place (children first, so a repair can travel up)."""
    for child in list(root):
        if isinstance(child.tag, str):
            fix_nesting(child)
            _fix(child)
    if root.tag in LISTS:
        _wrap_strays(root, {"li"}, ("li",))
    elif root.tag == "dl" and root.getparent() is not None:
        _move_strays_before(root, {"dt", "dd", "div"})
        _pair_terms(root)
    elif root.tag == "tr":
        _wrap_strays(root, {"td", "th"}, ("td",))
    elif root.tag in ROW_GROUPS:
        _wrap_strays(root, {"tr"}, ("tr", "td"))
    elif root.tag == "table" and root.getparent() is not None:
        _move_strays_before(root, TABLE_PARTS)


def _fix(element) -> None:
    if element.tag == "p" and not len(element) and not (element.text or "").strip() and not element.get("id"):
        remove_keeping_tail(element)  # a paragraph whose content was left out
        return
    parent = element.getparent()
    allowed = PARENTS.get(element.tag)
    if allowed is not None and parent is not None and parent.tag not in allowed:
        if element.tag == "col":
            element.drop_tree()
            return
        element.tag = "div"
        for name in ("colspan", "rowspan"):
            element.attrib.pop(name, None)
    if element.tag in PHRASING and any(_is_block(child) for child in element):
        element.tag = "div"
    elif element.tag in PHRASING_KEPT:
        while blocks := [d for d in element.iterdescendants() if isinstance(d.tag, str) and d.tag in BLOCKS]:
            blocks[0].drop_tag()


def _is_block(element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag in TRANSPARENT:
        return any(_is_block(child) for child in element)
    return element.tag in BLOCKS


def _wrap_strays(container, allowed: set[str], wrapper: tuple[str, ...]) -> None:
    """Whatever ``container`` holds besides ``allowed`` children (text, a paragraph in a list)
    goes into a ``wrapper`` of its own (``("li",)``, ``("tr", "td")``...)."""

    def wrap() -> tuple:
        outer = inner = html.Element(wrapper[0])
        for tag in wrapper[1:]:
            inner = html.SubElement(inner, tag)
        return outer, inner

    if (container.text or "").strip():
        outer, inner = wrap()
        inner.text, container.text = container.text, None
        container.insert(0, outer)
    for child in list(container):
        if child.tag not in allowed:
            outer, inner = wrap()
            child.addprevious(outer)
            outer.tail, child.tail = child.tail, None
            inner.append(child)
            child = outer
        if (child.tail or "").strip():
            outer, inner = wrap()
            inner.text, child.tail = child.tail, None
            child.addnext(outer)


def _move_strays_before(container, allowed: set[str]) -> None:
    """What a table or a definition list holds besides its parts goes just before it."""
    if (container.text or "").strip():
        _text_before(container, container.text)
        container.text = None
    for child in list(container):
        if (child.tail or "").strip():
            _text_before(container, child.tail)
            child.tail = None
        if child.tag not in allowed:
            container.addprevious(child)


def _pair_terms(dl) -> None:
    """Terms and definitions in pairs, as XHTML wants them: an empty one where one is missing."""
    items = [child for child in dl if child.tag in {"dt", "dd"}]
    if items and items[0].tag == "dd":
        items[0].addprevious(html.Element("dt"))
    for item in items:
        following = item.getnext()
        if item.tag == "dt" and (following is None or following.tag not in {"dt", "dd"}):
            item.addnext(html.Element("dd"))


def _text_before(element, text: str) -> None:
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = element.getparent()
        parent.text = (parent.text or "") + text
