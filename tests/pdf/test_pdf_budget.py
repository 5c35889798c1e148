"""A note past its layout budget is printed as a notice under its title, reported with why,
and the rest of the guide is printed: the pathologies measured (a paragraph of 50,000 inline
elements, SVG <use> bombs inline and as files, a table of thousands of rows) and, for what no
count foresees, a layout that outlasts its time."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from hostile import use_bomb
from xtdpublish.config import load_config
from xtdpublish.render.pdf import book as pdf_renderer
from xtdpublish.render.pdf import budget
from xtdpublish.render.pdf.budget import MAX_INLINE, MAX_SVG_SHAPES, MAX_TABLE_ROWS, svg_shapes
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

NOTICE = "Cette note n’a pas pu être mise en page ; voir le rapport de construction."


NOTES = {
    "xtdpublish.toml": '[site]\ntitle = "Budget"\nlanguage = "fr"\n',
    "Ordinaire.md": "# Ordinaire\n\nmot-ordinaire, et un petit dessin :\n\n" + use_bomb(2) + "\n",
    "Etoiles.md": "# Etoiles\n\n" + "*a" * 50_000 + "\n",
    "Bombe.md": "# Bombe\n\n<div>\n" + use_bomb(6) + "\n</div>\n",
    "Bombe fichier.md": "# Bombe fichier\n\n![bombe](bombe.svg)\n",
    "bombe.svg": use_bomb(6),
    "Tableau.md": "# Tableau\n\n| a | b |\n|---|---|\n" + "| x | y |\n" * (MAX_TABLE_ROWS + 500),
    "Apres.md": "# Apres\n\nmot-apres\n",
}


def build_pdf(vault: Path, out: Path):
    config = load_config(vault)
    report = Report()
    model = read_vault(vault, config, report)
    [path] = pdf_renderer.render(model, config, out, report)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return report, re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import write_vault

    root = tmp_path_factory.mktemp("budget")
    vault = write_vault(root / "vault", NOTES)
    started = time.monotonic()
    report, text = build_pdf(vault, root / "out")
    return report, text, time.monotonic() - started


def test_each_note_past_its_budget_is_a_notice_and_the_rest_is_printed(built):
    report, text, _ = built
    assert "mot-ordinaire" in text and "mot-apres" in text
    for title in ("Etoiles", "Bombe fichier", "Tableau"):
        assert re.search(rf"{title} .{{0,80}}{re.escape(NOTICE)}", text), title
    assert text.count(NOTICE) == 3  # an inline <svg> never reaches the model (sanitize.py)


def test_each_is_reported_with_why(built):
    report, _, _ = built
    said = {d.path: d.message for d in report.sorted() if d.code == "pdf.budget"}
    assert sorted(said) == ["Bombe fichier.md", "Etoiles.md", "Tableau.md"]
    assert ("Bombe.md", "html.unsafe") in {(d.path, d.code) for d in report.sorted()}
    assert f"one p holds more than {MAX_INLINE} inline elements" in said["Etoiles.md"]
    assert "the SVG drawing bombe.svg draws more than" in said["Bombe fichier.md"]
    assert f"a table of {MAX_TABLE_ROWS + 501:,} rows" in said["Tableau.md"]  # the header too
    assert all(d.severity == "error" for d in report.sorted() if d.code == "pdf.budget")


def test_the_guide_takes_the_time_of_its_pages(built):
    """Bounded: the notices cost nothing (the paragraph of stars alone took 54 s, the bomb never
    ended). Not a timing target, a ceiling far above the few seconds it takes."""
    assert built[2] < 300


def test_shapes_are_counted_through_use_and_cycles_pass_any_bound():
    from lxml import etree

    reason = budget.over_budget("<div>" + use_bomb(6) + "</div>")  # were an <svg> in a body
    assert f"an SVG drawing draws more than {10 * MAX_SVG_SHAPES:,} shapes" in reason

    assert svg_shapes(etree.fromstring(use_bomb(2))) == 1 + 1 + (1 + (1 + 10 * (1 + (1 + 10 * 2))))
    cycle = etree.fromstring('<svg><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'
                             '<use href="#a"/></svg>')
    assert svg_shapes(cycle) > MAX_SVG_SHAPES


def test_a_layout_past_its_time_budget_finds_the_slow_note_alone(make_vault, tmp_path, monkeypatch):
    """What no count foresees: the book's layout outlasts its budget, each note is laid out
    alone within its own, and the one that outlasts it becomes a notice."""
    vault = make_vault({"xtdpublish.toml": '[site]\ntitle = "Lent"\nlanguage = "fr"\n',
                        "Rapide.md": "# Rapide\n\nmot-rapide\n", "Lente.md": "# Lente\n\nmot-lent\n"})
    real = pdf_renderer.HTML

    class SlowWhereItSaysSo(real):
        def __init__(self, *args, string="", **kwargs):
            self.slow = "mot-lent" in string
            super().__init__(*args, string=string, **kwargs)

        def render(self, *args, **kwargs):
            if self.slow:
                time.sleep(600)  # ended by the timer's exception
            return super().render(*args, **kwargs)

    monkeypatch.setattr(pdf_renderer, "HTML", SlowWhereItSaysSo)
    monkeypatch.setattr(budget, "BOOK_SECONDS", 3)
    monkeypatch.setattr(budget, "SECONDS_A_NOTE", 0)
    monkeypatch.setattr(budget, "NOTE_SECONDS", 30)
    started = time.monotonic()
    report, text = build_pdf(vault, tmp_path / "out")
    assert time.monotonic() - started < 300
    assert "mot-rapide" in text and "mot-lent" not in text and NOTICE in text
    [said] = [d for d in report.sorted() if d.code == "pdf.note"]
    assert said.path == "Lente.md" and "the layout took more than 3 s" in said.message
