"""Elements where XHTML allows them: EPUBCheck refuses a book whose elements nest wrongly.

A browser forgives a ``<li>`` outside a list, a ``<div>`` inside a ``<p>`` (an embed
expanded inside a paragraph), a ``<td>`` outside a table; an EPUB's XHTML is validated
and does not. HTML's parser repairs some of this; ``fix_nesting`` repairs the rest with
the smallest change that keeps the text: a stray item becomes a ``div``, a paragraph
or a span holding blocks becomes a ``div``, what a list holds is an item, a table's parts
come in order, a link in a link gives way to its text, ``details`` read as plain blocks.
tests/epub/test_epub_random_html.py runs random nestings through EPUBCheck.
"""

from __future__ import annotations

from lxml import html

from ...htmlfragment import remove_keeping_tail, text_before

# An element that needs one of these parents; elsewhere it is a plain div.
PARENTS = {
    "li": {"ul", "ol"},
    "td": {"tr"}, "th": {"tr"},
    "tr": {"table", "thead", "tbody", "tfoot"},
    "thead": {"table"}, "tbody": {"table"}, "tfoot": {"table"}, "caption": {"table"},
    "colgroup": {"table"}, "col": {"colgroup", "table"},
    "dt": {"dl"}, "dd": {"dl"},  # (XHTML's grouping div inside a dl: no editor writes one)
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
# Elements that must not be inside one of these (a header in a footer, a link in a link).
NOT_NESTED = {
    "header": {"header", "footer", "dt", "address"}, "footer": {"header", "footer", "dt", "address"},
    "main": {"main"}, "table": {"caption"},
    "a": {"a"}, "label": {"label"}, "address": {"address"},
}
WATCHED = set().union(*NOT_NESTED.values())  # the ancestors _fix_places keeps track of
UNWRAPPED = {"a", "label"}
LISTS = {"ul", "ol"}
ROW_GROUPS = {"thead", "tbody", "tfoot"}
TABLE_PARTS = {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}


def fix_nesting(root) -> None:
    """Repair ``root``'s descendants in place: first from the top, each element where its parent
    allows it (a ``td`` whose ``tr`` became a div follows it); then from the leaves up, each
    element's content (a span that holds a block becomes a div, and so may its parent)."""
    _fix_places(root, frozenset())
    _fix_contents(root)


def _fix_places(root, inside: frozenset[str]) -> None:
    todo = list(root)
    while todo:
        child = todo.pop(0)
        if not isinstance(child.tag, str):
            continue
        grandchildren = list(child)
        _fix_place(child, inside)
        if child.getparent() is None:  # unwrapped: its children stand in its place now
            todo[:0] = grandchildren
        else:
            _fix_places(child, inside | {child.tag} if child.tag in WATCHED else inside)
    if root.tag == "table":
        _order_table(root)
    elif root.tag == "details":
        root.tag = "div"  # e-readers seldom open one; its text is read as it stands
    elif root.tag == "summary":
        root.tag = "p"


def _fix_place(element, inside: frozenset[str]) -> None:
    if element.tag in NOT_NESTED and (inside & NOT_NESTED[element.tag]):
        if element.tag in UNWRAPPED:
            element.drop_tag()  # a link in a link: its text stays in the outer one
        else:
            element.tag = "div"
        return
    if element.tag == "time" and not element.get("datetime"):
        element.tag = "span"  # without datetime, its content must be a date, and only text
    parent = element.getparent()
    allowed = PARENTS.get(element.tag)
    if element.tag == "figcaption" and parent is not None and parent.tag == "figure":
        first = next(c for c in parent if c.tag == "figcaption")
        if element is not first or (element is not _first_element(parent) and element is not _last_element(parent)):
            allowed = set()  # one caption, first or last
    if allowed is not None and parent is not None and parent.tag not in allowed:
        if element.tag == "col":
            element.drop_tree()
            return
        element.tag = "div"
        for name in ("colspan", "rowspan"):
            element.attrib.pop(name, None)


def _fix_contents(root) -> None:
    for child in list(root):
        if isinstance(child.tag, str):
            _fix_contents(child)
            _fix(child)
    if root.tag in LISTS:
        _wrap_strays(root, {"li"}, ("li",))
    elif root.tag == "dl" and root.getparent() is not None:
        _move_strays_before(root, {"dt", "dd"})
        _pair_terms(root)
    elif root.tag == "tr":
        _wrap_strays(root, {"td", "th"}, ("td",))
    elif root.tag in ROW_GROUPS:
        _wrap_strays(root, {"tr"}, ("tr", "td"))
    elif root.tag == "table" and root.getparent() is not None:
        _move_strays_before(root, TABLE_PARTS)


def _order_table(table) -> None:
    """A table's parts in the order XHTML wants: one caption, column groups, one head, the body
    rows (all in row groups, or none), one foot. Extra captions go before the table; extra
    heads and feet are read as body rows."""
    parts = [child for child in table if isinstance(child.tag, str) and child.tag in TABLE_PARTS]
    captions = [c for c in parts if c.tag == "caption"]
    for extra in captions[1:]:
        extra.tag = "div"
        table.addprevious(extra)
    heads = [c for c in parts if c.tag == "thead"]
    feet = [c for c in parts if c.tag == "tfoot"]
    for extra in heads[1:] + feet[1:]:
        extra.tag = "tbody"
    rows = [c for c in parts if c.tag in {"tr", "tbody"} or c in heads[1:] or c in feet[1:]]
    if any(c.tag == "tbody" for c in rows):
        rows = _rows_in_groups(table, rows)
    ordered = captions[:1] + [c for c in parts if c.tag == "colgroup"] + heads[:1] + rows + feet[:1]
    others = [child for child in table if child not in ordered]
    for child in others + ordered:  # the strays keep their place before the parts, as they came
        table.append(child)


def _rows_in_groups(table, rows: list) -> list:
    """Loose rows beside row groups, gathered in row groups of their own."""
    grouped, loose = [], None
    for row in rows:
        if row.tag == "tr":
            if loose is None:
                loose = html.Element("tbody")
                grouped.append(loose)
            loose.append(row)
        else:
            loose = None
            grouped.append(row)
    for group in grouped:
        if group.getparent() is None:
            table.append(group)
    return grouped


def _first_element(parent):
    return next((c for c in parent if isinstance(c.tag, str)), None)


def _last_element(parent):
    return next((c for c in reversed(parent) if isinstance(c.tag, str)), None)


def _fix(element) -> None:
    if element.tag == "p" and not len(element) and not (element.text or "").strip() and not element.get("id"):
        remove_keeping_tail(element)  # a paragraph whose content was left out
        return
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
            child = html.Element(tag)
            inner.append(child)
            inner = child
        return outer, inner

    if _has_text(container.text):
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
        if _has_text(child.tail):
            outer, inner = wrap()
            inner.text, child.tail = child.tail, None
            child.addnext(outer)


def _move_strays_before(container, allowed: set[str]) -> None:
    """What a table or a definition list holds besides its parts goes just before it."""
    if _has_text(container.text):
        text_before(container, container.text)
        container.text = None
    for child in list(container):
        if _has_text(child.tail):
            text_before(container, child.tail)
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


def _has_text(text: str | None) -> bool:
    """Text XML counts as content: anything but spaces, tabs and newlines (a no-break space is text)."""
    return bool(text and text.strip(" \t\r\n"))
