"""Math as the reader finds it (cases/markdown/math.md holds the markup): lines, headings,
titles, summaries, and ``split_math`` on plain text with the same rules."""

from __future__ import annotations

import pytest

from xtdpublish.config import load_config
from xtdpublish.mathsyntax import split_math
from xtdpublish.report import Report
from xtdpublish.vault.markdown import parse_markdown
from xtdpublish.vault.reader import read_vault


def parse(text: str, first_line: int = 1):
    report = Report()
    return parse_markdown(text, first_line, False, "n.md", report), report


def test_each_formula_knows_its_line_in_the_file():
    parsed, _ = parse("Intro.\n\nA $x$\nand $y$.\n\n> [!note]\n> $$\n> z\n> $$\n", first_line=5)
    lines = [chunk.split('data-line="', 1)[1].split('"', 1)[0]
             for chunk in parsed.html.split('class="xtd-math"')[1:]]
    assert lines == ["7", "8", "11"]


def test_a_heading_with_math_keeps_its_tex_in_its_text_and_in_the_first_h1():
    # The course vault's title was printed "$M = ,^TM$": markdown escapes applied inside math.
    parsed, _ = parse("# Matrice $M = \\,^TM$ et $a \\\\ b$\n\nTexte $\\frac{1}{2}$ ici.\n")
    assert parsed.first_h1 == "Matrice $M = \\,^TM$ et $a \\\\ b$"
    assert parsed.headings[0].text == parsed.first_h1
    assert parsed.headings[0].anchor == "matrice-m-tm-et-a-b"
    assert parsed.summary == "Texte $\\frac{1}{2}$ ici."


def test_a_title_property_with_math_is_read_as_written(make_vault):
    vault = make_vault({
        "Loi.md": "---\ntitle: 'Loi $\\mathcal{N}(\\mu, \\sigma^2)$'\n---\nTexte.\n",
    })
    report = Report()
    model = read_vault(vault, load_config(vault), report)
    assert model.notes[0].title == "Loi $\\mathcal{N}(\\mu, \\sigma^2)$"
    assert report.diagnostics == []


@pytest.mark.parametrize("text, pieces", [
    ("The $\\alpha$ rule", [("The ", None), ("\\alpha", False), (" rule", None)]),
    ("a $$x$$ b", [("a ", None), ("x", True), (" b", None)]),
    ("$5 and $6", [("$5 and $6", None)]),
    ("between $10 and 30$7", [("between $10 and 30$7", None)]),
    ("\\$x$ stays", [("\\$x$ stays", None)]),
    ("$ x$ and $x $", [("$ x$ and $x $", None)]),
    ("", []),
])
def test_split_math_finds_formulas_in_plain_text_as_the_reader_does(text, pieces):
    assert split_math(text) == pieces
