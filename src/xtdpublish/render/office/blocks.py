"""A note's body HTML (as render_body and the guide give it) → pandoc blocks.

Paragraphs, headings, lists, quotes, code, tables, figures, definition lists, footnotes
(mdit-py-plugins' markup), callouts as pandoc ``custom-style`` blocks (their look is the
reference document's), transcluded notes, math (``xtd-math`` elements) and whatever raw
HTML a note holds, read for its text. Nothing here reads a file: images arrive as ``data:``
URIs from the body policy.
"""

from __future__ import annotations

from contextlib import contextmanager

from . import pandoc_ast as ast
from .inlines import SKIPPED, InlineReader

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
CONTAINERS = {"div", "section", "article", "aside", "main", "nav", "header", "footer", "address",
              "center", "form", "fieldset", "details", "hgroup", "search", "body", "dialog"}
BLOCKS = HEADINGS | CONTAINERS | {"p", "ul", "ol", "menu", "dl", "blockquote", "pre", "table",
                                  "figure", "hr", "summary", "li", "dt", "dd", "figcaption",
                                  "legend", "caption", "tr", "thead", "tbody", "tfoot", "td", "th"}
ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}

# The reference documents' paragraph styles (themes/default/reference.docx and .odt).
# No spaces: ODF style names are XML names, and Word's style ids are the names without them.
CALLOUT, CALLOUT_TITLE, EMBED, VIDEO = "Callout", "CalloutTitle", "Embed", "Video"
# Word and LibreOffice draw one box round neighbouring paragraphs with the same borders:
# between two callouts, a line a few points high keeps them two boxes (holding a no-break
# space: pandoc's Word writer leaves an empty paragraph out).
CALLOUT_GAP = "CalloutGap"
# A callout inside a callout: set in, so that it is a box of its own inside the other's.
NESTED_CALLOUT, NESTED_CALLOUT_TITLE = "CalloutNested", "CalloutNestedTitle"


class BodyReader(InlineReader):
    def __init__(self, pictures: dict[str, tuple[str, str | None]] | None = None) -> None:
        super().__init__(pictures)
        self.in_embed = 0
        self.in_callout = 0

    def body(self, root) -> list[dict]:
        """The blocks of a whole body; its footnotes become pandoc notes at their calls."""
        for section in list(root.iter("section")):
            if "footnotes" not in (section.get("class") or "").split():
                continue
            for item in section.iter("li"):
                name = (item.get("id") or "").rsplit("--", 1)[-1]
                if name:
                    self.footnotes[name] = self.blocks(item, ast.para)
            _remove(section)
        for rule in list(root.iter("hr")):
            if "footnotes-sep" in (rule.get("class") or "").split():
                _remove(rule)
        return self.blocks(root, ast.para)

    def blocks(self, element, wrap=ast.plain) -> list[dict]:
        """``element``'s content as blocks; runs of loose text and inline elements become
        ``wrap`` (Plain in list items and cells, Para elsewhere)."""
        out: list[dict] = []
        carried: list[dict] = []  # bookmarks with no text of their own: they go to the next block
        pending = ast.text(element.text or "")
        for child in element:
            if isinstance(child.tag, str) and (child.tag in BLOCKS or _is_block_math(child)):
                carried = _flush(pending, out, wrap, carried)
                produced = self.block(child)
                if carried and produced and _bookmark_first(carried, produced[0]):
                    carried = []
                if out and produced and _is_callout(out[-1]) and _is_callout(produced[0]):
                    out.append(ast.div(ast.styled(CALLOUT_GAP), [ast.para(ast.text("\u00a0"))]))
                out += produced
                pending = ast.text(child.tail or "")
            else:
                pending += self.inline(child)
        carried = _flush(pending, out, wrap, carried)
        if carried:
            out.append(wrap(carried))
        return out

    def block(self, element) -> list[dict]:
        tag = element.tag
        classes = (element.get("class") or "").split()
        identifier = element.get("id") or ""
        if tag in SKIPPED:
            return []
        if _is_block_math(element):
            return [ast.para([ast.math(element.text_content(), True)])]
        if tag == "p":
            blocks = []
            _flush(self.inlines(element), blocks, ast.para, [], keep_bookmarks=True)
        elif tag in HEADINGS:
            inlines = ast.tidy(self.inlines(element))
            if self.in_embed:  # a transcluded note's headings are not the book's
                return _with_id(identifier, [ast.para([ast.node("Strong", inlines)])] if inlines else [])
            return [ast.header(int(tag[1]), identifier, inlines)]
        elif tag in ("ul", "ol", "menu"):
            blocks = [self.listing(element)]
        elif tag == "blockquote":
            blocks = [ast.node("BlockQuote", self.blocks(element, ast.para))]
        elif tag == "pre":
            blocks = [self.code_block(element)]
        elif tag == "table":
            blocks = [self.table(element)]
        elif tag == "figure":
            blocks = [self.figure(element)]
        elif tag == "hr":
            blocks = [ast.node("HorizontalRule")]
        elif tag == "dl":
            blocks = [self.definitions(element)]
        elif tag in ("summary", "legend", "caption", "dt"):
            inlines = ast.tidy(self.inlines(element))
            blocks = [ast.para([ast.node("Strong", inlines)])] if inlines else []
        elif "callout" in classes:
            blocks = [self.callout(element)]
        elif "embed" in classes and tag == "div":
            with self.embedded():
                blocks = [ast.div(ast.styled(EMBED), self.blocks(element, ast.para))]
        elif "xtd-video" in classes:
            blocks = [ast.div(ast.styled(VIDEO), self.blocks(element, ast.para))]
        else:
            blocks = self.blocks(element, ast.para)
        return _with_id(identifier, blocks)

    @contextmanager
    def embedded(self):
        self.in_embed += 1
        try:
            yield
        finally:
            self.in_embed -= 1

    def listing(self, element) -> dict:
        items = []
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SKIPPED:
                continue
            blocks = self.blocks(child) if child.tag == "li" else self.block(child)
            items.append(_with_id(child.get("id") or "", blocks) if child.tag == "li" else blocks)
        items = [item or [ast.plain([])] for item in items]
        if element.tag != "ol":
            return ast.node("BulletList", items)
        try:
            start = int(element.get("start") or 1)
        except ValueError:
            start = 1
        return ast.node("OrderedList", [[start, ast.node("Decimal"), ast.node("Period")], items])

    def code_block(self, element) -> dict:
        code = next(element.iter("code"), None)
        classes = ((code.get("class") if code is not None else element.get("class")) or "").split()
        languages = [c.removeprefix("language-") for c in classes if c.startswith("language-")]
        text = element.text_content().removesuffix("\n")
        if self.in_callout:  # a CodeBlock would leave the callout's box: its lines, in code
            return ast.para(_code_lines(text))
        return ast.node("CodeBlock", [ast.attr("", languages[:1]), text])

    def figure(self, element) -> dict:
        caption = next((c for c in element if c.tag == "figcaption"), None)
        content = [c for c in element if c is not caption]
        holder = element.makeelement("div")
        holder.text = element.text
        for child in content:
            holder.append(child)
        blocks = self.blocks(holder, ast.plain) or [ast.plain([])]
        inlines = ast.tidy(self.inlines(caption)) if caption is not None else []
        return ast.node("Figure", [ast.attr(), [None, [ast.plain(inlines)] if inlines else []], blocks])

    def definitions(self, element) -> dict:
        items: list[list] = []
        for child in element:
            if child.tag == "dt":
                items.append([ast.tidy(self.inlines(child)), []])
            elif child.tag == "dd":
                if not items:
                    items.append([[], []])
                items[-1][1].append(self.blocks(child) or [ast.plain([])])
        return ast.node("DefinitionList", [[term, details or [[ast.plain([])]]] for term, details in items])

    def callout(self, element) -> dict:
        style, title_style = (NESTED_CALLOUT, NESTED_CALLOUT_TITLE) if self.in_callout else (CALLOUT, CALLOUT_TITLE)
        blocks = []
        for child in element:
            if "callout-title" in (child.get("class") or "").split():
                title = ast.tidy(self.inlines(child))
                if title:
                    blocks.append(ast.div(ast.styled(title_style), [ast.para(title)]))
                element.remove(child)
                break
        self.in_callout += 1
        try:
            return ast.div(ast.styled(style), blocks + self.blocks(element, ast.para))
        finally:
            self.in_callout -= 1

    def table(self, element) -> dict:
        head, body, caption = [], [], []
        for part in element:
            if part.tag == "thead":
                head += [self.row(r) for r in part if r.tag == "tr"]
            elif part.tag in ("tbody", "tfoot"):
                body += [self.row(r) for r in part if r.tag == "tr"]
            elif part.tag == "tr":
                body.append(self.row(part))
            elif part.tag == "caption":
                caption = ast.tidy(self.inlines(part))
        if not head and body and body[0][1] and all(c[5] for c in body[0][1]):
            head = [body.pop(0)]  # a first row of <th> is the head
        rows = head + body
        columns = _pad(rows)
        strip = lambda row: [row[0], [cell[:5] for cell in row[1]]]  # noqa: E731
        specs = [[ast.node("AlignDefault"), ast.node("ColWidthDefault")] for _ in range(columns)]
        return ast.node("Table", [
            ast.attr(), [None, [ast.plain(caption)] if caption else []], specs,
            [ast.attr(), [strip(r) for r in head]],
            [[ast.attr(), 0, [], [strip(r) for r in body]]],
            [ast.attr(), []],
        ])

    def row(self, element) -> list:
        cells = []
        for cell in element:
            if cell.tag not in ("td", "th"):
                continue
            style = (cell.get("style") or "").replace(" ", "").lower()
            align = cell.get("align") or style.partition("text-align:")[2].split(";")[0]
            cells.append([ast.attr(), ast.node(ALIGN.get(align.lower(), "AlignDefault")),
                          _span(cell.get("rowspan")), _span(cell.get("colspan")),
                          self.blocks(cell), cell.tag == "th"])
        return [ast.attr(), cells]


def _pad(rows: list[list]) -> int:
    """Give every row as many cells as the widest (rowspans counted): the column count."""
    widths, carried = [], []
    for _, cells in rows:
        covered = len(carried)
        widths.append(covered + sum(cell[3] for cell in cells))
        carried = [n - 1 for n in carried if n > 1] + [c[2] - 1 for c in cells for _ in range(c[3]) if c[2] > 1]
    columns = max(widths, default=0) or 1
    for (_, cells), width in zip(rows, widths):
        cells += [[ast.attr(), ast.node("AlignDefault"), 1, 1, [], False] for _ in range(columns - width)]
    return columns


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _is_block_math(element) -> bool:
    return element.tag == "div" and "xtd-math" in (element.get("class") or "").split()


def _flush(pending: list[dict], out: list[dict], wrap, carried: list[dict],
           keep_bookmarks: bool = False) -> list[dict]:
    """A run of inlines as one ``wrap`` block in ``out``; a run of nothing but bookmarks (the
    empty ``<span id>`` left where a note's title heading was) is given back, to be carried."""
    inlines = ast.tidy(pending)
    pending.clear()
    if not inlines:
        return carried
    if not keep_bookmarks and all(_is_bookmark(item) or item.get("t") == "Space" for item in inlines):
        return carried + [item for item in inlines if _is_bookmark(item)]
    out.append(wrap(carried + inlines))
    return []


def _is_bookmark(item: dict) -> bool:
    return item.get("t") == "Span" and bool(item["c"][0][0]) and not item["c"][1]


def _with_id(identifier: str, blocks: list[dict]) -> list[dict]:
    """Blocks that carry an id (a ``^block`` reference, an anchor): a bookmark at their start.

    Only headings and spans: pandoc writes a Div's id as an ODF section, which no link reaches.
    """
    if not identifier:
        return blocks
    mark = [ast.span(ast.attr(identifier), [])]
    if blocks and _bookmark_first(mark, blocks[0]):
        return blocks
    return [ast.plain(mark), *blocks]


def _bookmark_first(marks: list[dict], block: dict) -> bool:
    """Put ``marks`` at the start of ``block``'s first line of text, if it has one."""
    kind, content = block.get("t"), block.get("c")
    if kind in ("Para", "Plain"):
        content[0:0] = marks
        return True
    if kind == "Header":
        content[2][0:0] = marks
        return True
    inner = {"Div": lambda: content[1], "BlockQuote": lambda: content, "Figure": lambda: content[2],
             "BulletList": lambda: content[0] if content else [],
             "OrderedList": lambda: content[1][0] if content[1] else []}.get(kind)
    blocks = inner() if inner else []
    return bool(blocks) and _bookmark_first(marks, blocks[0])


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _is_callout(block: dict) -> bool:
    return block.get("t") == "Div" and any(
        ["custom-style", style] in block["c"][0][2] for style in (CALLOUT, NESTED_CALLOUT))


def _code_lines(text: str) -> list[dict]:
    """A code block's lines as inline code with line breaks; the indentation kept as no-break
    spaces, which neither writer collapses."""
    inlines: list[dict] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            inlines.append(ast.node("LineBreak"))
        stripped = line.lstrip(" ")
        line = "\u00a0" * (len(line) - len(stripped)) + stripped
        if line:
            inlines.append(ast.code(line))
    return inlines
