"""Formulas drawn for paper (render/pdf/formulas.py): size and baseline, and ziamath's speed
patch (render/pdf/ziamath_speed.py), which must leave every drawing as ziamath makes it."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
import ziamath

from xtdpublish.render.math import Formula, MathError, mathml
from xtdpublish.render.pdf import ziamath_speed
from xtdpublish.render.pdf.formulas import SIZE, formula_image

FORMULAS = [line for line in (Path(__file__).parents[1] / "formulas.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("%")]
TYPESETTABLE, UNTYPESETTABLE = FORMULAS[:-4], FORMULAS[-4:]


def metrics(tex: str, display: bool = False) -> tuple[float, float]:
    """(width, depth below the baseline), in em, of the formula's image."""
    image = formula_image(Formula(tex, display, "n.md", 1))
    image = image if image.tag == "img" else image[0]
    assert image.get("alt") == tex and image.get("class") == "math"
    style = dict(part.split(": ") for part in image.get("style").split("; "))
    return float(style["width"].removesuffix("em")), -float(style["vertical-align"].removesuffix("em"))


def test_a_drawing_has_the_text_size_and_sits_on_the_baseline():
    width, depth = metrics("x")
    assert 0.3 < width < 0.8 and abs(depth) < 0.05  # one letter wide, nothing below the line
    assert 0.15 < metrics("y")[1] < 0.35  # a descender goes below it
    assert metrics("\\frac{a}{b}")[1] > metrics("y")[1]  # a fraction's denominator more
    # In the text, a sum's limits stand beside it; displayed, above and below it.
    assert metrics("\\sum_{i=1}^n i")[0] > metrics("\\sum_{i=1}^n i", display=True)[0]
    block = formula_image(Formula("x", True, "n.md", 1))
    assert block.tag == "span" and block.get("class") == "math-display"


def test_every_formula_of_a_course_is_drawn_and_the_broken_ones_refused():
    for tex in TYPESETTABLE:
        for display in (False, True):
            assert metrics(tex, display)[0] > 0, tex
    for tex in UNTYPESETTABLE:
        with pytest.raises(MathError):
            formula_image(Formula(tex, False, "n.md", 1))


def test_the_speed_patch_is_applied_and_changes_no_drawing():
    assert ziamath_speed.internals_as_expected() and ziamath_speed.apply()
    elements = [(tex, display) for tex in TYPESETTABLE for display in (False, True)]
    elements += [("\\left(\\left[\\frac{\\left(a+b\\right)^2}{\\left\\{c\\right\\}}\\right]\\right)", True),
                 ("\\begin{pmatrix}\\left(\\frac{a}{b}\\right) & \\left|\\sum_i x_i\\right|\\end{pmatrix}", False)]

    def drawings() -> list[str]:
        return [ziamath.Math(ElementTree.fromstring(mathml(tex, display)), size=SIZE, margin=0).svg()
                for tex, display in elements]

    patched = drawings()
    with ziamath_speed.unpatched():
        shipped = drawings()
    assert patched == shipped
