"""The book laid out with every printed page number right, each page laid out once.

WeasyPrint 70 reads ``target-counter(attr(href url), page)`` with its anchor unresolved: every
page holding one is laid out again on each pass, and a target that moves in a late pass
leaves stale numbers (past page 100 of a 216-page guide, 47 of 556 were one page early).
So the guide's HTML carries the numbers itself: every internal link has three attributes
that the theme prints with ``attr()`` (README, Theming):

    data-page         the page, right-aligned in the book's width with FIGURE SPACEs: "  7", "108"
    data-page-number  the page alone: "7"
    data-page-pad     the figure spaces that keep the width: "  "

In fonts whose digits are all of one width a figure space is as wide as a digit, so no
number moves a line: the book is laid out once with blanks, which tells the page of every
anchor (``Document.pages[i].anchors``, public), then the numbers are written into the laid-out
boxes (``internals.fill_numbers``). Where that cannot be done exactly, the book is laid out
again with the numbers in the HTML, and every number is checked against the page its link
lands on; a number that does not match is never printed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from lxml import html

from ...progress import LAYOUTS
from ...report import Report
from . import internals

FIGURE_SPACE = "\u2007"
ATTRIBUTES = ("data-page", "data-page-number", "data-page-pad")
MAX_LAYOUTS = 4  # a book whose numbers do not settle in these is printed with blanks


@dataclass
class Numbered:
    document: object  # weasyprint.Document
    pages: int
    layouts: int  # pages laid out, all passes together
    passes: int
    how: str  # how the numbers got in: "written into the layout", "laid out again", "blank"


def page_attributes(page: int | None, width: int) -> dict[str, str]:
    """The three attributes of a link to ``page`` (None: the blanks of the first layout)."""
    if page is None:
        return {"data-page": FIGURE_SPACE * width, "data-page-number": FIGURE_SPACE * width,
                "data-page-pad": ""}
    number = str(page)
    return {"data-page": number.rjust(width, FIGURE_SPACE), "data-page-number": number,
            "data-page-pad": FIGURE_SPACE * (width - len(number))}


def lay_out_numbered(document: str, render: Callable[[str], object], report: Report) -> Numbered:
    """Lay out the HTML ``document`` with ``render`` (HTML text → weasyprint.Document)."""
    root = html.document_fromstring(document)
    links = _internal_links(root)
    width = digits(estimate_pages(root))
    passes, layouts = 0, 0
    internals.can_fill()  # checked on a tiny book of its own, before the counting starts
    with _counting() as count:
        while True:
            _write(links, lambda target: None, width)
            blank = render(_html(root))
            passes += 1
            pages = len(blank.pages)
            if digits(pages) <= width or passes >= 2:
                break
            width = digits(pages)  # the estimate was short: blanks as wide as the numbers
        anchors = anchor_pages(blank)
        result = _fill(blank, anchors, width, report) if links else None
        how = "written into the layout"
        if result is None and links:
            result, extra = _lay_out_again(root, links, anchors, width, render, report)
            passes += extra
            how = "laid out again" if result is not blank else "blank"
        layouts = count()
    return Numbered(result or blank, pages, layouts, passes, how if links else "none to print")


def anchor_pages(document) -> dict[str, int]:
    """The page (from 1) each anchor of the laid-out document is on: its first occurrence."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def digits(number: int) -> int:
    return len(str(max(1, number)))


def estimate_pages(root) -> int:
    """About how many pages the book will have, from its text, breaks and images, a little
    high: a number of digits too many costs some blank, too few a second layout."""
    main = root.find(".//main")
    text = len(" ".join(main.text_content().split())) if main is not None else 0
    starts = sum(1 for section in root.iter("section")
                 if {"level-1", "level-2"} & set((section.get("class") or "").split()))
    figures = sum(1 for _ in root.iter("img", "figure", "table"))
    entries = sum(1 for _ in root.iter("li"))
    return round(1.1 * (4 + starts / 2 + text / 1500 + figures * 0.3 + entries / 40))


def _internal_links(root) -> list:
    ids = {element.get("id") for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    return [link for link in root.iter("a")
            if (link.get("href") or "").startswith("#") and link.get("href")[1:] in ids]


def _write(links: list, page_of: Callable[[str], int | None], width: int) -> None:
    for link in links:
        for name, value in page_attributes(page_of(link.get("href")[1:]), width).items():
            link.set(name, value)


def _html(root) -> str:
    return html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")


def _fill(document, anchors: dict[str, int], width: int, report: Report):
    """The laid-out document with its numbers written in, or None where it cannot be done."""
    if not internals.can_fill():
        report.info("guide", None, "pdf.numbers",
                    f"page numbers by a second layout: {internals.OFF['fill_numbers']}")
        return None
    try:
        internals.fill_numbers(document, lambda link: page_attributes(
            anchors.get((link.get("href") or "#")[1:]), width))
    except internals.Unfillable as why:
        report.info("guide", None, "pdf.numbers", f"page numbers by a second layout: {why}")
        return None
    if wrong := internals.misprinted(document, anchors):  # read back: never print one wrong
        report.info("guide", None, "pdf.numbers",
                    f"page numbers by a second layout: {len(wrong)} read back wrong ({wrong[0]})")
        return None
    return document


def _lay_out_again(root, links, anchors, width, render, report: Report):
    """Lay out with the numbers in the HTML until each is the page its link lands on."""
    blank, extra = None, 0
    for _ in range(MAX_LAYOUTS - 1):
        _write(links, anchors.get, width)
        document = render(_html(root))
        extra += 1
        landed = anchor_pages(document)
        wrong = [link.get("href")[1:] for link in links
                 if landed.get(link.get("href")[1:]) != anchors.get(link.get("href")[1:])]
        if not wrong:
            return document, extra
        report.info("guide", None, "pdf.numbers",
                    f"{len(wrong)} page numbers moved their targets ({wrong[0]}…): laid out again")
        anchors = landed
        if len(str(max(landed.values(), default=1))) > width:
            break
    report.warning("guide", None, "pdf.numbers",
                   f"the page numbers did not settle in {MAX_LAYOUTS} layouts: the guide is "
                   "printed without them (a theme whose digits are not all of one width?)")
    _write(links, lambda target: None, width)
    blank = render(_html(root))
    return blank, extra + 1


class _counting:
    """Counts the pages WeasyPrint lays out (its ``weasyprint.progress`` log) into
    ``progress.LAYOUTS``, which the progress line reads, from this process or its parent."""

    def __enter__(self) -> Callable[[], int]:
        self.logger = logging.getLogger("weasyprint.progress")
        self.level, self.propagate = self.logger.level, self.logger.propagate
        self.handler = _PageCounter()
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False  # its INFO lines are for us, not for the user's log
        LAYOUTS.start()
        return lambda: self.handler.pages

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)
        self.logger.propagate = self.propagate


class _PageCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.pages = 0
        self.passes = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.msg
        if message == "Step 5 - Creating layout - Page %d":
            self.pages += 1
            LAYOUTS.page(self.pages)
        elif message == "Step 4 - Creating formatting structure":
            self.passes += 1
            LAYOUTS.new_pass(self.passes)
