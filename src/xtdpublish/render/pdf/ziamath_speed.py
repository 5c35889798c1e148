"""Two measured slow paths of ziamath 0.13 taken out, the drawings unchanged (half the time).

1. ``Mrow._setup_single_line`` measures a row's height before laying it out, for the
   stretchy operators in it, by laying every child out once more with ``nostretch``; that
   measuring layout measures its own rows the same way, so a formula nested d rows deep is
   laid out 2^d times (a ``\\left( \\frac{...}{...} \\right)`` inside a matrix: 850 ms). In a
   ``nostretch`` layout the measure is never used (stretchy operators leave the box's height
   alone there), so it is skipped.
2. ``styles.parse_style`` copies the parent's style with ``dataclasses.asdict`` for every node:
   a deep copy, through every field, to read three keys. A shallow view reads the same keys.

On the synthetic course vault's formulas and the 60 of tests/formulas.txt (481 drawings),
the SVG is byte-identical with and without, in 0.39-0.59 of the time (bench/math_cost.py).
Applied only to the versions it was measured on, and only when the internals are as read
here; otherwise ziamath runs as shipped. tests/pdf/test_formulas.py compares both.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version

import ziamath.styles
from ziamath.nodes import mrow

VERSIONS = {"0.13"}
_original_height = mrow.Mrow._get_height_nostretch
_original_fields = ziamath.styles.asdict


def _height_unless_measuring(self, line, **kwargs):
    if kwargs.get("nostretch"):
        return (0.0, 0.0)  # read only by stretchy operators, which a nostretch layout keeps short
    return _original_height(self, line, **kwargs)


def _shallow_fields(style) -> dict:
    return dict(vars(style))


def internals_as_expected() -> bool:
    """Whether this ziamath is the one the patch was measured on, as it was read."""
    if version("ziamath") not in VERSIONS:
        return False
    setup = inspect.getsource(mrow.Mrow._setup_single_line)
    style = inspect.getsource(ziamath.styles.parse_style)
    return (
        "self._get_height_nostretch(line, **kwargs)" in setup
        and "kwargs['nostretch'] = True" in inspect.getsource(_original_height)
        and _original_fields is dataclasses.asdict
        and "asdict(parent_style)" in style
        and not hasattr(ziamath.styles.MathStyle, "__slots__")
    )


def apply() -> bool:
    """Patch ziamath when it is as expected; returns whether it did."""
    if mrow.Mrow._get_height_nostretch is _height_unless_measuring:
        return True
    if not internals_as_expected():
        return False
    mrow.Mrow._get_height_nostretch = _height_unless_measuring
    ziamath.styles.asdict = _shallow_fields
    return True


@contextmanager
def unpatched() -> Iterator[None]:
    """ziamath as shipped, for the test that compares the drawings."""
    height, fields = mrow.Mrow._get_height_nostretch, ziamath.styles.asdict
    mrow.Mrow._get_height_nostretch, ziamath.styles.asdict = _original_height, _original_fields
    try:
        yield
    finally:
        mrow.Mrow._get_height_nostretch, ziamath.styles.asdict = height, fields
