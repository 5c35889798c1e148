"""What a reader who cannot see the page would miss, found while a note is parsed.

Images without alternative text, tables without a header, links whose text says nothing
("ici", "click here", a bare URL): each is a warning with the file's line, so the editor
fixes the note, not the outputs. The model then holds what every output can use:

- an image whose note gives no alternative text (``![[photo.png]]``, ``![](photo.png)``,
  ``<img src>`` without ``alt``) gets its file name turned into words as ``alt`` and
  ``data-alt="guessed"``, so a renderer can say the text is a guess (the EPUB then claims
  no conformance; the PDF's figure still has ``/Alt``). ``alt=""`` written in raw HTML
  stays: it says the image is decorative;
- a markdown table's empty header cells become data cells, and a header row with nothing
  in it goes (the table has no header: the editor is told).

Runs on the token stream after refs.py has numbered the references (it reads their names).
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it.token import Token

from ..model import LINK_SCHEME
from ..report import Report
from ..video_pages import is_video_page
from .refs import RawRef, closing_inline, plain_text

GUESSED = 'data-alt="guessed"'
FILE_NAME = re.compile(r"\S.*\.(png|jpe?g|gif|svg|webp|avif|bmp|tiff?|ico)", re.IGNORECASE)
IMG_TAG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
ALT_ATTRIBUTE = re.compile(r"""\salt(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?(?=[\s/>])""",
                           re.IGNORECASE)
SRC_ATTRIBUTE = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
HEADER_CELL = re.compile(r"<th[\s>]", re.IGNORECASE)
URL_TEXT = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Link texts that say nothing of where they lead, by language; English ones are met in
# every vault. Compared once folded (case, accents, punctuation around them).
VAGUE_LINK_TEXTS = {
    "en": {"here", "click here", "click", "link", "this link", "read more", "more", "this"},
    "fr": {"ici", "cliquez ici", "cliquer ici", "clic ici", "par ici", "voir ici", "lien", "ce lien",
           "la", "cliquez", "en savoir plus"},
    "de": {"hier", "klicken sie hier", "hier klicken", "link", "dieser link", "mehr", "weiterlesen"},
    "it": {"qui", "clicca qui", "cliccare qui", "link", "questo link", "qua"},
}


def alt_from_file_name(path: str) -> str:
    """``images/Logo-Canton_de_Vaud.svg`` → ``Logo Canton de Vaud``: better than no text at all."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[\s_\-.]+", " ", stem).strip() or stem


def vague_link_texts(language: str) -> frozenset[str]:
    words = VAGUE_LINK_TEXTS.get((language or "en").split("-")[0].lower(), set())
    return frozenset(VAGUE_LINK_TEXTS["en"] | words)


class AccessibilityWalk:
    """One note's tokens checked (and the model's markup completed) for readers who listen."""

    def __init__(self, first_line: int, path: str, language: str, report: Report) -> None:
        self.first_line = first_line
        self.path = path
        self.report = report
        self.vague = vague_link_texts(language)

    def run(self, tokens: list[Token], refs: list[RawRef]) -> None:
        base = 0
        for i, token in enumerate(tokens):
            base = token.map[0] if token.map else base
            if token.type == "table_open":
                self._table(tokens, i, self._line(base))
            elif token.type == "inline":
                self._inline(token.children or [], base, refs)
            elif token.type == "html_block":
                token.content = self._html(token.content, self._line(base), refs, block=True)

    def _line(self, base: int, token: Token | None = None) -> int:
        offset = (token.meta or {}).get("xtd_offset", 0) if token is not None else 0
        return self.first_line + base + offset

    def _inline(self, children: list[Token], base: int, refs: list[RawRef]) -> None:
        for k, child in enumerate(children):
            if child.type == "image":
                self._image(child, self._line(base, child), refs)
            elif child.type == "link_open":
                self._link(child, children, k, self._line(base, child))
            elif child.type == "html_inline":
                child.content = self._html(child.content, self._line(base, child), refs, block=False)

    def _image(self, token: Token, line: int, refs: list[RawRef]) -> None:
        alt = plain_text(token.children or [])
        src = str(token.attrs.get("src", ""))
        if is_video_page(src):
            return  # Obsidian shows the video itself; every output prints it as one
        name = _name_of(src, refs)
        if alt and alt != name.rsplit("/", 1)[-1] and not FILE_NAME.fullmatch(alt):
            return
        guess = alt_from_file_name(name)
        ref = _ref_of(src, refs)
        if ref is not None and ref.raw.startswith("![["):
            fix = "![[" + ref.raw[3:-2].split("|", 1)[0] + "|what it shows]]"
        else:
            fix = f"![what it shows]({ref.raw.rsplit('](', 1)[-1][:-1] if ref else src})"
        self._missing_alt(line, name, guess, fix)
        token.children = [Token("text", "", 0, content=guess)]
        token.content = guess
        token.attrs["data-alt"] = "guessed"

    def _missing_alt(self, line: int, name: str, guess: str, fix: str) -> None:
        shown = name.rsplit("/", 1)[-1] or "data:"
        self.report.warning(
            self.path, line, "a11y.image-alt",
            f"the image {shown!r} has no alternative text: a reader who cannot see it hears "
            f"its file name, \"{guess}\"; write what it shows: {fix}")

    def _link(self, token: Token, children: list[Token], k: int, line: int) -> None:
        label = plain_text(children[k + 1 : closing_inline(children, k)])
        href = str(token.attrs.get("href", ""))
        if href.lower().startswith("mailto:") or not label:
            return
        if URL_TEXT.fullmatch(label) or label == href:
            self.report.warning(
                self.path, line, "a11y.link-text",
                f"the text of this link is its address, {_shorten(label)} (a screen reader reads "
                "it aloud): put the link on words that say where it leads, [the report](address)")
        elif _folded(label) in self.vague:
            self.report.warning(
                self.path, line, "a11y.link-text",
                f"the link text {label!r} does not say where it leads (a reader who lists the "
                "page's links hears only that): put the link on words that say where it leads")

    def _table(self, tokens: list[Token], start: int, line: int) -> None:
        """Empty header cells become data cells; an empty header row goes, and is reported."""
        end = next((j for j in range(start, len(tokens)) if tokens[j].type == "thead_close"), None)
        if end is None:
            return
        cells = [j for j in range(start, end) if tokens[j].type == "th_open"]
        empty = [j for j in cells if not plain_text(tokens[j + 1].children or []) and
                 not (tokens[j + 1].children or [])]
        for j in empty:
            tokens[j].type, tokens[j].tag = "td_open", "td"
            tokens[j + 2].type, tokens[j + 2].tag = "td_close", "td"
        if cells and len(empty) == len(cells):
            opening = start + 1
            for j in range(opening, end + 1):  # thead_open ... thead_close, never rendered
                tokens[j].hidden = True
                tokens[j].type = "xtd_hidden"
                tokens[j].children = None
            self._no_header(line, "its header row is empty")

    def _no_header(self, line: int, why: str) -> None:
        self.report.warning(
            self.path, line, "a11y.table-header",
            f"this table has no header ({why}): a screen reader cannot say which column a cell "
            "belongs to; give the first row the columns' names")

    def _html(self, content: str, line: int, refs: list[RawRef], block: bool) -> str:
        lines = _Lines(content, line)

        def image(match: re.Match) -> str:
            tag = match.group(0)
            alt = ALT_ATTRIBUTE.search(tag)
            written = next((g for g in alt.groups() if g is not None), "") if alt else None
            if written is not None and not FILE_NAME.fullmatch(written.strip()):
                return tag  # its text, or alt="": an ornament, said on purpose
            if alt:
                tag = tag[:alt.start()] + tag[alt.end():]
            src = SRC_ATTRIBUTE.search(tag)
            name = _name_of(next((g for g in src.groups() if g is not None), "") if src else "", refs)
            guess = alt_from_file_name(name) if name else ""
            self._missing_alt(lines.at(match.start()), name or "<img>", guess,
                              'alt="what it shows" (alt="" if it is only decoration)')
            return f'{tag[:4]} alt="{_attribute(guess)}" {GUESSED}{tag[4:]}'

        if block and "<table" in content.lower():
            start = 0  # each table is what lies between its <table and the next </table>: linear
            for close in TABLE_CLOSE.finditer(content):
                opening = TABLE_OPEN.search(content, start, close.start())
                if opening and not HEADER_CELL.search(content, opening.start(), close.start()):
                    self._no_header(lines.at(opening.start()), "no <th> cell")
                start = close.end()
        if "<img" not in content.lower():
            return content
        lines = _Lines(content, line)  # from the top again, for the images
        return IMG_TAG.sub(image, content)


class _Lines:
    """The file line of positions in ``text`` met in increasing order, each counted once."""

    def __init__(self, text: str, first: int) -> None:
        self.text, self.position, self.line = text, 0, first

    def at(self, position: int) -> int:
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


def _ref_of(src: str, refs: list[RawRef]) -> RawRef | None:
    number = src.removeprefix(LINK_SCHEME) if src.startswith(LINK_SCHEME) else ""
    return refs[int(number)] if number.isdigit() and int(number) < len(refs) else None


def _name_of(src: str, refs: list[RawRef]) -> str:
    """The vault path an ``xtd:link/N`` stands for, else the URL's last part."""
    if src.startswith("data:"):
        return ""
    ref = _ref_of(src, refs)
    if ref is not None:
        return ref.target_text
    return src.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", bare)).strip()


def _shorten(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
