"""The PDF's structure tree where WeasyPrint's stops short of PDF/UA: languages, formulas, ornaments.

WeasyPrint 70 (``weasyprint/pdf/tags.py``, the same on its main branch of August 2026)
tags each box by its HTML element but reads only ``alt`` from it: a passage that says
``lang="en"`` is read in the book's language, a formula is a ``Span`` with no
alternative text, and an image the note calls decorative (``alt=""``, ``role=
"presentation"``) is a ``Figure`` with no ``/Alt``, which PDF/UA refuses (and WeasyPrint
logs an error for each). ``install()`` wraps two internals for this process:

- ``tags._build_box_tree``: an element with its own ``lang`` gets ``/Lang``; an element of
  class ``xtd-math`` (the model's math markup) or a formula's drawing (formulas.py's
  ``img.math``) becomes a ``Formula`` whose ``/Alt`` is its TeX source (``data-tex``, else
  the image's alt, else its text);
- ``Stream.marked``: a decorative image is drawn as an ``/Artifact`` and left out of the
  tree, as WeasyPrint already does for backgrounds and borders.

At import it checks that those internals are the ones it was written for (names and
parameters); otherwise ``install()`` does nothing and WeasyPrint's own tagging runs.
``tests/pdf/test_pdf_structure.py`` shows the PDF byte-identical with and without the
patch for a book that has none of the three.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import stream as stream_module
from weasyprint.pdf import tags as tags_module

from .formulas import IMAGE_CLASS

BUILD_PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
MARKED_PARAMETERS = ("self", "box", "tag")
MATH_CLASS = "xtd-math"
DECORATIVE_ROLES = {"presentation", "none"}
FORMULA_FROM = {"/Span", "/Div", "/P", "/NonStruct", "/Figure"}  # what WeasyPrint makes of a formula

_original_build = getattr(tags_module, "_build_box_tree", None)
_original_marked = getattr(getattr(stream_module, "Stream", None), "marked", None)
_placeholder = getattr(getattr(tags_module, "AbsolutePlaceholder", None), "__name__", None)


def compatible() -> bool:
    """Whether WeasyPrint's internals are the ones this module patches."""
    try:
        return (tuple(inspect.signature(_original_build).parameters) == BUILD_PARAMETERS
                and tuple(inspect.signature(_original_marked).parameters) == MARKED_PARAMETERS
                and _placeholder == "AbsolutePlaceholder")
    except (TypeError, ValueError):
        return False


def install() -> bool:
    """Patch this process's WeasyPrint (once); False where its internals are not the expected ones."""
    if not compatible():
        return False
    if tags_module._build_box_tree is not _build_box_tree:
        tags_module._build_box_tree = _build_box_tree
        stream_module.Stream.marked = _marked
    return True


def uninstall() -> None:
    """WeasyPrint's own tagging again (tests compare both)."""
    if compatible():
        tags_module._build_box_tree = _original_build
        stream_module.Stream.marked = _original_marked


def decorative(box) -> bool:
    """An image its note (or the theme) calls an ornament: drawn, never read aloud."""
    element = getattr(box, "element", None)
    if not isinstance(box, boxes.ReplacedBox) or element is None or element.tag != "img":
        return False
    return (element.get("alt") == "" or (element.get("role") or "").strip() in DECORATIVE_ROLES
            or (element.get("aria-hidden") or "").strip() == "true")


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
    own = box._box if isinstance(box, tags_module.AbsolutePlaceholder) else box
    if decorative(own):
        return  # drawn as an artifact (``_marked``): nothing of it in the tree
    for element in _original_build(box, parent, pdf, page_number, nums, annotations, tags):
        _describe(element, own)
        yield element


def _describe(element, box) -> None:
    """What WeasyPrint leaves out of ``box``'s structure element: its language, a formula."""
    html = getattr(box, "element", None)
    tag = getattr(box, "element_tag", None) or ""
    if html is None or not isinstance(html.tag, str) or "::" in tag or tag in ("html", "body"):
        return
    if isinstance(box, boxes.PageBox) or "S" not in element:
        return
    language = (html.get("lang") or "").strip()
    if language:
        element["Lang"] = pydyf.String(language)
    classes = (html.get("class") or "").split()
    drawn = html.tag == "img" and IMAGE_CLASS in classes
    if (MATH_CLASS in classes or drawn) and str(element["S"]) in FORMULA_FROM:
        element["S"] = "/Formula"
        tex = html.get("data-tex") or (html.get("alt") if html.tag == "img" else None) \
            or "".join(html.itertext())
        element["Alt"] = pydyf.String(" ".join(tex.split()))


@contextmanager
def _marked(self, box, tag):
    if decorative(box):
        with self.artifact():
            yield
        return
    with _original_marked(self, box, tag):
        yield
