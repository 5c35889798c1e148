"""Formulas on paper: each one a vector drawing, at the size of the text, on its baseline.

WeasyPrint lays out no MathML, so each formula's MathML (render/math.py) is drawn by
ziamath as SVG paths in the STIX Two Math font it ships (pure Python, no TeX installed),
once per distinct formula, and placed as an ``<img>`` whose ``alt`` is the TeX source:
sized in ``em`` so it follows the text around it, lowered by its depth so its baseline is
the line's. Display math is a centred block (``.math-display`` in the theme's CSS).
tagging.py makes each image a PDF ``Formula`` whose ``/Alt`` is its TeX.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from functools import lru_cache
from xml.etree import ElementTree

import ziamath
from lxml import html

from ...htmlfragment import parse_fragment, serialize_fragment
from ...report import Report
from ..guide import Guide, Section
from ..math import MATH_CLASS, Formula, MathError, mathml, replace_formulas
from . import ziamath_speed

IMAGE_CLASS = "math"  # the drawn formula; tagging.py makes it a Formula
SIZE = 12.0  # ziamath draws at this size in points; the image is then sized in em
VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
ziamath.config.svg2 = False  # plain paths: nothing for a reader of the SVG to resolve
ziamath.config.precision = 2
ziamath_speed.apply()


def draw_formulas(guide: Guide, report: Report) -> Guide:
    """The guide with every formula of its bodies drawn (or shown as its source)."""
    return replace(guide, sections=tuple(_drawn(section, report) for section in guide.sections))


def _drawn(section: Section, report: Report) -> Section:
    body = section.body
    if MATH_CLASS in body:
        root = parse_fragment(body)
        replace_formulas(root, section.note, formula_image, report)
        body = serialize_fragment(root)
    children = tuple(_drawn(child, report) for child in section.children)
    return replace(section, body=body, children=children)


def formula_image(formula: Formula) -> html.HtmlElement:
    """The formula as an ``<img>`` of its drawing; a display formula inside a centred span."""
    src, width, depth = _drawing(formula.tex, formula.display)
    image = html.Element("img", {
        "class": IMAGE_CLASS, "src": src, "alt": formula.tex,
        "style": f"width: {width:.3f}em; vertical-align: {-depth:.3f}em",
    })
    if not formula.display:
        return image
    block = html.Element("span", {"class": "math-display"})
    block.append(image)
    return block


@lru_cache(maxsize=None)
def _drawing(tex: str, display: bool) -> tuple[str, float, float]:
    """(data: URI of the SVG, width in em, depth below the baseline in em). Raises MathError."""
    element = ElementTree.fromstring(mathml(tex, display))
    try:
        svg = ziamath.Math(element, size=SIZE, margin=0).svg()
    except Exception as error:  # ziamath's own errors, and its bugs on MathML it does not expect
        raise MathError(f"it cannot be drawn: {type(error).__name__} {error}".strip()) from None
    box = VIEWBOX.search(svg)
    if box is None:
        raise MathError("its drawing has no size")
    _, top, width, height = (float(n) for n in box.groups())
    if width <= 0 or height <= 0:
        raise MathError("its drawing is empty")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return uri, width / SIZE, (top + height) / SIZE
