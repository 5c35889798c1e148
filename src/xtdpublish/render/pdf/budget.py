"""What one note may ask of the PDF's layout: a note past its budget is printed as a notice.

WeasyPrint's cost is not always the length of a note. Measured (2026-12-01, WeasyPrint 70,
a busy 2-core machine, CPU time): one paragraph of 1,000 / 2,000 / 4,000 inline elements
(``*a*a*a``: emphasis, links) takes 10 / 30 / 139 s, its line layout growing with their
square; a table costs about 4 ms and 60 kB a row (100,000 rows: 5.8 GB); an SVG whose
``<use>`` repeat what repeats (10 ``<use>`` a level) takes 30 s at four levels and never ends
at five. Each is counted before the layout, on the note's HTML as the guide holds it and on
the SVG files it shows; a note past a bound is laid out as a notice (its title, then the
theme's "could not be laid out" line), reported with why, and the rest of the guide is printed.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ...htmlfragment import parse_fragment
from ...report import Report
from ..guide import Guide, Section

MAX_INLINE = 500  # inline elements in one block (a paragraph, an item, a cell...)
MAX_TABLE_ROWS = 2_000  # rows in one table (about 50 pages)
MAX_ELEMENTS = 20_000  # elements in one note (short paragraphs: about 700 pages)
MAX_SVG_SHAPES = 5_000  # what one SVG draws, each <use> counted as what it repeats (2,224: 6 s)
MAX_SVG_BYTES = 5_000_000  # an SVG file larger than this is not read to be counted
BOOK_SECONDS = 300
SECONDS_A_NOTE = 5
NOTE_SECONDS = 120  # one note laid out alone

BLOCKS = {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
          "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
          "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "pre", "section",
          "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
TEMPLATES = {"defs", "symbol", "clippath", "mask", "pattern", "marker", "lineargradient",
             "radialgradient", "filter"}


class LayoutTimeout(Exception):
    """The layout took longer than its budget."""


def book_seconds(guide: Guide) -> int:
    return BOOK_SECONDS + SECONDS_A_NOTE * guide.note_count


@contextmanager
def time_limit(seconds: float):
    """Raise LayoutTimeout where the code is after ``seconds`` (a timer signal: in the main
    thread of a process that has one, else no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(_signum, _frame):
        raise LayoutTimeout(f"the layout took more than {seconds:,g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def notes_over_budget(guide: Guide, report: Report,
                      local_path: Callable[[str], Path | None] = lambda url: None) -> Guide:
    """``guide`` with each note past its budget printed as a notice, each reported once.
    ``local_path``: the file a URL of the guide names (the fetcher's), for SVG files."""
    reasons: dict[str, str] = {}
    for section in guide.walk():
        if section.note is not None and not section.error:
            reason = over_budget(section.body, local_path)
            if reason:
                reasons[section.anchor] = reason
                report.error(section.note.path, None, "pdf.budget",
                             f"this note is too large for the PDF ({reason}): the guide prints "
                             "a notice in its place and the rest in full. Split the note, or "
                             "make what is named simpler")
    if not reasons:
        return guide
    return replace(guide, sections=_as_notices(guide.sections, reasons))


def over_budget(body: str, local_path: Callable[[str], Path | None] = lambda url: None) -> str | None:
    """Why the note's body (HTML as the guide holds it) is past its budget, or None."""
    if body.count("<") < MAX_INLINE and "<use" not in body and ".svg" not in body:
        return None  # too few elements to pass a bound, no SVG to count: the common case
    root = parse_fragment(body)
    elements = 0
    inline: dict[object, int] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        elements += 1
        tag = element.tag.lower()
        if next(element.iterancestors("svg", "math"), None) is not None:
            continue  # a drawing's or a formula's parts are counted as the drawing
        if tag == "svg":
            shapes = svg_shapes(element)
            if shapes > MAX_SVG_SHAPES:
                return _svg_reason(shapes)
        elif tag == "img" and (element.get("src") or "").lower().split("?")[0].endswith(".svg"):
            shapes = _svg_file_shapes(local_path(element.get("src")))
            if shapes > MAX_SVG_SHAPES:
                return _svg_reason(shapes, element.get("src"))
        elif tag == "table":
            rows = sum(1 for row in element.iter("tr"))
            if rows > MAX_TABLE_ROWS:
                return (f"a table of {rows:,} rows, more than the {MAX_TABLE_ROWS:,} a printed "
                        "guide lays out")
        if tag not in BLOCKS:
            block = next((a for a in element.iterancestors() if a.tag in BLOCKS), root)
            inline[block] = inline.get(block, 0) + 1
            if inline[block] > MAX_INLINE:
                return (f"one {block.tag if block is not root else 'block'} holds more than "
                        f"{MAX_INLINE:,} inline elements (links, emphasis...): their layout grows "
                        "with their square")
    if elements > MAX_ELEMENTS:
        return f"{elements:,} HTML elements, more than the {MAX_ELEMENTS:,} one note may hold"
    return None


def svg_shapes(svg) -> int:
    """What an SVG draws, its ``<use>`` counted as what they repeat; a ``<use>`` that repeats
    itself counts past any bound. Memoized and without recursion: linear in the drawing."""
    ids = {element.get("id"): element for element in svg.iter()
           if isinstance(element.tag, str) and element.get("id")}
    # The guide prefixes a note's ids ("n-note--l0"); a <use> may still say "#l0".
    ids.update({key.split("--", 1)[1]: element for key, element in list(ids.items())
                if key.startswith("n-") and "--" in key})
    counted: dict[object, int] = {}
    pending: set[object] = set()
    stack = [(svg, False)]
    while stack:
        element, expanded = stack.pop()
        if element in counted:
            continue
        target = _used(element, ids)
        drawn = _local(element) not in TEMPLATES  # a template is drawn where a <use> puts it
        parts = [*(child for child in element if drawn and isinstance(child.tag, str)),
                 *([target] if target is not None else [])]
        if not expanded:
            if element in pending:
                return 10 * MAX_SVG_SHAPES  # a <use> cycle: past any bound
            pending.add(element)
            stack.append((element, True))
            stack.extend((part, False) for part in parts if part not in counted)
            continue
        pending.discard(element)
        if any(part not in counted for part in parts):
            return 10 * MAX_SVG_SHAPES  # a part still being counted: a cycle through it
        counted[element] = min(1 + sum(counted[part] for part in parts), 10 * MAX_SVG_SHAPES)
    return counted[svg]


def _local(element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def _used(element, ids: dict):
    if _local(element) != "use":
        return None
    href = element.get("href") or element.get(XLINK_HREF) or element.get("xlink:href") or ""
    return ids.get(href[1:]) if href.startswith("#") else None


def _svg_file_shapes(path: Path | None) -> int:
    """What the SVG file at ``path`` (where the fetcher finds an image's URL) draws."""
    if path is None or not path.is_file():  # outside what the PDF reads, or not a regular file
        return 0
    try:
        if path.stat().st_size > MAX_SVG_BYTES:
            return MAX_SVG_SHAPES + 1
        root = etree.parse(str(path), SVG_PARSER).getroot()
    except (OSError, etree.XMLSyntaxError):
        return 0  # unreadable or not XML: WeasyPrint reports it, it costs nothing
    return svg_shapes(root)


def _svg_reason(shapes: int, src: str | None = None) -> str:
    what = f"the SVG drawing {Path(unquote(urlsplit(src).path)).name}" if src else "an SVG drawing"
    many = f"{shapes:,}" if shapes < 10 * MAX_SVG_SHAPES else f"more than {10 * MAX_SVG_SHAPES:,}"
    return (f"{what} draws {many} shapes once its <use> are repeated, more than the "
            f"{MAX_SVG_SHAPES:,} the PDF lays out")


def _as_notices(sections: tuple[Section, ...], reasons: dict[str, str]) -> tuple[Section, ...]:
    return tuple(
        replace(s, body="" if s.anchor in reasons else s.body,
                error=reasons.get(s.anchor, s.error),
                children=_as_notices(s.children, reasons))
        for s in sections
    )
