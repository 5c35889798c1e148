"""Where the PDF reaches into WeasyPrint's and pydyf's internals, and only here.

Each use names the upstream defect and the versions it was written for, and is checked
when this module is imported: when the internals are not what it expects, it stays off,
``OFF`` says why (one info line in the build's report) and the public path runs.

- ``page_references``: pydyf 0.13's ``PDF.page_references`` builds a new tuple of every
  page's reference on each read, and WeasyPrint 70's ``pdf/tags.py`` reads it once per
  structure element: writing a tagged PDF is quadratic in the pages (1,183 pages: 47.5 s of
  ``write_pdf``, 29.8 s with the tuple kept). Kept once per document; same bytes written.
- ``hanging_spaces``: WeasyPrint 70's ``split_first_line`` counts the collapsible spaces at
  the end of a text in its width. A text that fits without them is then broken after its
  first word (« Elisa- / beth Gravil… », « Et / you can also search… »). A text that fits
  without its trailing spaces now ends the line there, as CSS Text says such spaces hang.
- ``fill_numbers``: writes the page numbers into the text of the laid-out boxes of
  ``::before``/``::after`` content made of strings and ``attr(data-page…)``, so that a book
  is laid out once (render/pdf/numbering.py); same bytes as laying it out again with the
  numbers in the HTML (tests/pdf/test_page_numbers.py).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator

import pydyf
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.text import line_break

LOGGER = logging.getLogger(__name__)
TESTED = {"weasyprint": ("70.",), "pydyf": ("0.13.",)}
PAGE_ATTRIBUTE = "data-page"
OFF: dict[str, str] = {}  # name of a use -> why it is off


# -- pydyf: the page references, once per document ------------------------------------

_ORIGINAL_PAGE_REFERENCES = pydyf.PDF.__dict__.get("page_references")


def _kept_page_references(pdf) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get("_xtd_page_references")
    if kept is None or kept[0] != len(kids):  # pages are only ever appended
        kept = (len(kids), _ORIGINAL_PAGE_REFERENCES.fget(pdf))
        pdf.__dict__["_xtd_page_references"] = kept
    return kept[1]


def _patch_page_references() -> str | None:
    if not pydyf.__version__.startswith(TESTED["pydyf"]):
        return f"pydyf {pydyf.__version__} is not a tested version ({TESTED['pydyf']})"
    if not isinstance(_ORIGINAL_PAGE_REFERENCES, property):
        return "pydyf.PDF.page_references is no longer a property"
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected = _ORIGINAL_PAGE_REFERENCES.fget(pdf)
    if _kept_page_references(pdf) != expected or len(expected) != 3:
        return "pydyf.PDF.page_references does not give what it gave in 0.13"
    pydyf.PDF.page_references = property(_kept_page_references)
    return None


def restore_page_references() -> None:
    """The original property (tests compare the bytes written with and without)."""
    pydyf.PDF.page_references = _ORIGINAL_PAGE_REFERENCES


def keep_page_references() -> None:
    if "page_references" not in OFF:
        pydyf.PDF.page_references = property(_kept_page_references)


# -- WeasyPrint: spaces at the end of a text hang --------------------------------------

_ORIGINAL_SPLIT = line_break.split_first_line
MIN_CHAR_EM = 0.2  # no font's characters are narrower on average: longer texts cannot fit


def _split_hanging_spaces(text, style, context, max_width, justification_spacing,
                          is_line_start=True, minimum=False):
    result = _ORIGINAL_SPLIT(text, style, context, max_width, justification_spacing,
                             is_line_start, minimum)
    if (result[2] is None or max_width is None or max_width == math.inf or minimum
            or not text.endswith(" ") or style["white_space"] not in ("normal", "pre-line")):
        return result
    kept = text.rstrip(" ")
    if not kept or "\n" in kept or len(kept) * MIN_CHAR_EM * style["font_size"] > max_width:
        return result
    whole = _ORIGINAL_SPLIT(kept, style, context, max_width, justification_spacing,
                            is_line_start, minimum)
    if whole[2] is not None or whole[3] > max_width:
        return result
    # The text fits without its spaces: the line ends after it, the spaces are skipped.
    layout, length, _, width, height, baseline = whole
    return layout, length, len(kept.encode()), width, height, baseline


def _patch_hanging_spaces() -> str | None:
    from weasyprint.layout import inline

    if not weasyprint.__version__.startswith(TESTED["weasyprint"]):
        return f"WeasyPrint {weasyprint.__version__} is not a tested version ({TESTED['weasyprint']})"
    if getattr(inline, "split_first_line", None) is not _ORIGINAL_SPLIT:
        return "weasyprint.layout.inline no longer calls text.line_break.split_first_line"
    inline.split_first_line = _split_hanging_spaces
    return None


# -- WeasyPrint: page numbers written into laid-out boxes ------------------------------

def _check_boxes() -> str | None:
    if not weasyprint.__version__.startswith(TESTED["weasyprint"]):
        return f"WeasyPrint {weasyprint.__version__} is not a tested version ({TESTED['weasyprint']})"
    document = weasyprint.HTML(string='<a data-page="1" id="x">x</a>'
                               '<style>a::after { content: "(" attr(data-page) ")" }</style>').render()
    page = document.pages[0]
    found = [box for box in _walk(getattr(page, "_page_box", None)) if _numbered(box)]
    if len(found) != 1:
        return "WeasyPrint's page boxes are not where they were (Page._page_box, pseudo-element boxes)"
    texts = [child for child in found[0].children if isinstance(child, boxes.TextBox)]
    layout = getattr(texts[0], "pango_layout", None) if texts else None
    if not texts or texts[0].text != "(1)" or getattr(layout, "text", None) != "(1)" \
            or not hasattr(layout, "reactivate") or not hasattr(layout, "justification_spacing"):
        return "WeasyPrint's text boxes no longer keep their text and layout as in 70"
    return None


def _walk(box) -> Iterator:
    stack = [box] if box is not None else []
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", ()))


def _numbered(box) -> bool:
    element = box.element
    return (isinstance(box, boxes.InlineBox) and element is not None
            and (box.element_tag or "").endswith(("::before", "::after"))
            and isinstance(box.style["content"], tuple) and element.get(PAGE_ATTRIBUTE) is not None)


def _texts(content, values) -> list[tuple[str, bool]] | None:
    """The texts a content list makes (one text box each, leaders between them), and
    whether each prints a page attribute; None when it holds something else than
    strings, attr() and leader()."""
    texts, current, numbered = [], [], False
    for kind, value in content:
        if kind == "string":
            current.append(value)
        elif kind == "attr()":
            current.append(values(value[0]))
            numbered |= value[0].startswith(PAGE_ATTRIBUTE)
        elif kind == "leader()":
            texts.append(("".join(current), numbered))
            current, numbered = [], False
        else:
            return None
    texts.append(("".join(current), numbered))
    return texts


class Unfillable(Exception):
    """The laid-out book is not what the filling expects: lay it out again instead."""


def fill_numbers(document, attributes) -> int:
    """Write each link's numbers into the boxes that print them; the count of boxes.

    ``attributes(element)`` gives the final ``data-page*`` values of a link. Raises
    ``Unfillable`` when a box cannot be filled exactly: a number split across lines,
    content made of something else, a new text of another width than the blank it replaces.
    """
    widths: dict[tuple, float] = {}
    filled = 0
    for page in document.pages:
        for box in _walk(page._page_box):
            if not _numbered(box):
                continue
            element = box.element
            new = attributes(element)
            before = _texts(box.style["content"], lambda name: element.get(name, ""))
            after = _texts(box.style["content"], lambda name: new.get(name, element.get(name, "")))
            if before is None:
                raise Unfillable(f"{box.element_tag}: content other than strings, attr() and leader()")
            for child in box.children:
                if not isinstance(child, boxes.TextBox):
                    continue
                match = next((i for i, (text, numbered) in enumerate(before)
                              if numbered and text == child.text), None)
                if match is None:
                    if any(numbered and child.text in text for text, numbered in before):
                        raise Unfillable(f"{box.element_tag}: a page number broken across lines")
                    continue
                text = after[match][0]
                if _width(child, child.text, widths) != _width(child, text, widths):
                    raise Unfillable(f"{box.element_tag}: {text!r} is not as wide as its blank "
                                     "(digits of the font not all of one width?)")
                child.text = child.pango_layout.text = text
                filled += 1
    return filled


def misprinted(document, pages: dict[str, int]) -> list[str]:
    """The internal links whose boxes print a number other than their target's page
    (``pages``: anchor → page), read back from the laid-out boxes after ``fill_numbers``."""
    wrong = []
    for page in document.pages:
        for kind, target, _, link in page.links:
            if kind != "internal":
                continue
            printed = {int(digits) for box in _walk(link) if _numbered(box)
                       for child in box.children if isinstance(child, boxes.TextBox)
                       for digits in re.findall(r"\d+", child.text)}
            if printed and printed != {pages.get(target)}:
                wrong.append(f"#{target}: {sorted(printed)} printed, page {pages.get(target)}")
    return wrong


def _width(box, text: str, cache: dict) -> float:
    style = box.style
    key = (text, box.pango_layout.justification_spacing, *(
        str(style[name]) for name in ("font_family", "font_size", "font_style", "font_weight",
                                      "font_stretch", "font_kerning", "font_variant_numeric",
                                      "font_feature_settings", "letter_spacing", "word_spacing", "lang")))
    if key not in cache:
        layout = line_break.Layout(style, box.pango_layout.justification_spacing)
        layout.set_text(text, justify=True)
        line, _ = layout.get_first_line()
        cache[key] = round(line_break.line_size(line, style)[0], 3)
    return cache[key]


def restore() -> None:
    """WeasyPrint and pydyf as released (``make bench``'s floor: WeasyPrint alone)."""
    from weasyprint.layout import inline

    restore_page_references()
    inline.split_first_line = _ORIGINAL_SPLIT


def can_fill() -> bool:
    """Whether ``fill_numbers`` may be used (checked on a tiny book the first time)."""
    if "fill_numbers" not in OFF and not _CHECKED:
        _CHECKED.append(True)
        _run("fill_numbers", _check_boxes)
    return "fill_numbers" not in OFF


_CHECKED: list[bool] = []


def _run(name: str, check) -> None:
    try:
        why = check()
    except Exception as error:  # whatever the internals became, the public path runs
        why = f"{type(error).__name__}: {error}"
    if why:
        OFF[name] = why


def _start() -> None:
    for name, patch in (("page_references", _patch_page_references),
                        ("hanging_spaces", _patch_hanging_spaces)):
        _run(name, patch)


_start()
