"""Reading a printed guide back with pypdf: its links, their destinations and the page
numbers printed inside them (shared by the PDF tests)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pypdf import PdfReader

NUMBER_AT_END = re.compile(r"(\d+)\)?$")


def plain(text: str) -> str:
    """Text as compared: NFC, every kind of space made one space."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return " ".join(re.sub(r"[\s\u00a0\u202f\u2007]+", " ", text).split())


def internal_links(reader: PdfReader):
    """(page index, rect, destination page index) of every link to a named destination."""
    destinations = {name: reader.get_destination_page_number(dest)
                    for name, dest in reader.named_destinations.items()}
    links = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
                continue
            name = str(annotation["/Dest"])
            assert name in destinations, f"page {index + 1}: link to a missing destination {name}"
            links.append((index, [float(v) for v in annotation["/Rect"]], destinations[name]))
    return links


def fragments(page) -> list[tuple[float, float, str]]:
    """The page's text pieces with the position where each starts."""
    found = []

    def visit(text, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append((x, y, text))

    page.extract_text(visitor_text=visit)
    return found


def text_in_rect(pieces, rect) -> str:
    x1, y1, x2, y2 = rect
    low, high = min(y1, y2) - 1, max(y1, y2) + 1
    return "".join(t for x, y, t in pieces if x1 - 1 <= x <= x2 + 1 and low <= y <= high)


@dataclass
class Numbers:
    """Every page number printed inside a link, by where it is printed."""
    contents: int = 0
    index: int = 0
    references: int = 0  # « (p. N) » in notes and « Apparaît dans »
    wrong: list[str] | None = None

    @property
    def total(self) -> int:
        return self.contents + self.index + self.references


def check_every_number(reader: PdfReader, contents_title: str = "Table des matières",
                       index_title: str = "Index des étiquettes") -> Numbers:
    """Each number printed in a link (contents, tag index, « (p. N) ») against the page
    its link lands on; the wrong ones are listed, not asserted, so a test shows them all."""
    texts = [page.extract_text() for page in reader.pages]
    links = internal_links(reader)
    start = next((i for i, text in enumerate(texts[:12]) if contents_title in text), None)
    contents: set[int] = set()
    if start is not None:  # the contents go on until the page of their first entry
        contents = set(range(start, min(target for page, _, target in links if page == start)))
    index = min((i for i, text in enumerate(texts) if text.lstrip().startswith(index_title)),
                default=len(texts))
    numbers = Numbers(wrong=[])
    cache: dict[int, list] = {}
    seen = set()  # WeasyPrint writes one annotation per box of a link (line, leader, number)
    for page, rect, target in links:
        if page not in cache:
            cache[page] = fragments(reader.pages[page])
        text = plain(text_in_rect(cache[page], rect))
        reference = re.search(r"\(p\. ?(\d+)\)", text)
        at_end = NUMBER_AT_END.search(text)
        if reference:
            kind, printed = "references", int(reference.group(1))
        elif at_end and (page in contents or page >= index):
            kind, printed = "contents" if page in contents else "index", int(at_end.group(1))
        else:
            continue  # a box of the link without its number (a line of a long title, a leader)
        # An entry of the contents is one target once; elsewhere a target may come again
        # (a note under two tags of the index, on one page), on another line.
        key = (page, target) if kind == "contents" else (page, round(min(rect[1], rect[3])), target)
        if key in seen:
            continue
        seen.add(key)
        setattr(numbers, kind, getattr(numbers, kind) + 1)
        if printed != target + 1:
            numbers.wrong.append(f"page {page + 1}: {text!r} lands on page {target + 1}")
    return numbers
