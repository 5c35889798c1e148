"""The PDF as a screen reader reads it (PDF/UA's rules), from its structure tree with pypdf:
every figure has alternative text, ornaments are artifacts, headings nest without gaps from
H1, a passage's language is marked, formulas are Formula elements whose text is their TeX."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TINY_PNG
from structure import drawn_images, heading_gaps, structure

from xtdpublish.config import load_config
from xtdpublish.render.pdf import book as pdf_renderer
from xtdpublish.render.pdf import tagging
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault


def build_pdf(vault: Path, out: Path):
    config = load_config(vault)
    report = Report()
    model = read_vault(vault, config, report)
    [path] = pdf_renderer.render(model, config, out, report)
    return model, report, path


def check_rules(nodes, language: str) -> None:
    """The rules every book must meet, whatever its vault."""
    figures = [node for node in nodes if node.kind == "Figure"]
    assert [node for node in figures if not (node.alt or "").strip()] == []
    assert heading_gaps(nodes) == []
    headings = [node.kind for node in nodes if node.kind in ("H1", "H2", "H3", "H4", "H5", "H6")]
    assert headings[0] == "H1"
    assert nodes[0].kind == "Document" and nodes[0].language == language


NOTES = {
    "xtdpublish.toml": '[site]\ntitle = "Petit guide"\nlanguage = "fr"\n',
    "Salles.md": (
        "# Salles\n\nLa visite commence ici.\n\n"
        '<p lang="en">The museum opens at nine.</p>\n\n'
        'Elle dit <span lang="de-CH">Grüezi mitenand</span> en entrant.\n\n'
        '![Le plan du rez-de-chaussée](plan.png)\n\n![[photo_salle.png]]\n\n'
        '<p><img alt="" src="filet.png"></p>\n\n'
        'Une aire de <span class="xtd-math" data-display="inline">\\pi r^2</span> mètres carrés.\n\n'
        '<iframe src="https://www.youtube.com/embed/abc" title="La visite"></iframe>\n\n'
        "## Étage\n\n#### Détail\n"),
    "plan.png": TINY_PNG, "photo_salle.png": TINY_PNG, "filet.png": TINY_PNG,
}


def test_a_books_structure_follows_each_rule(make_vault, tmp_path):
    model, report, path = build_pdf(make_vault(NOTES), tmp_path / "out")
    nodes = structure(path)
    check_rules(nodes, "fr")
    figures = [node.alt for node in nodes if node.kind == "Figure"]
    assert figures == ["Le plan du rez-de-chaussée", "photo salle"]  # the note's, else its name in words
    # the written ornament and the video's QR code (its URL is printed) are drawn, never read
    assert drawn_images(path) == {"Figure": 2, "Artifact": 2}
    languages = {node.lang for node in nodes if node.lang}
    assert languages == {"en", "de-CH"}
    [formula] = [node for node in nodes if node.kind == "Formula"]
    assert formula.alt == "\\pi r^2"
    kinds = [node.kind for node in nodes if node.kind.startswith("H")]
    assert kinds[:3] == ["H1", "H1", "H1"]  # the cover, the colophon and the contents: all at H1
    assert "H4" not in kinds  # "#### Détail" under "## Étage" comes right below it
    assert not [d for d in report.diagnostics
                if d.code in ("pdf.layout", "pdf.tagging") and str(d.severity) != "info"]


def test_the_patch_changes_nothing_where_it_has_nothing_to_add(make_vault, tmp_path, monkeypatch):
    """tagging.py's wrappers: the same bytes as WeasyPrint's own tagging for a book with no
    passage's language, no formula and no ornament."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
        "a.md": "# A\n\nTexte et [lien](https://e.org).\n\n![Un plan](plan.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "plan.png": TINY_PNG,
    })
    assert tagging.compatible()
    _, _, patched = build_pdf(vault, tmp_path / "patched")
    try:
        monkeypatch.setattr(tagging, "install", lambda: True)  # the renderer must not put it back
        tagging.uninstall()
        _, _, plain = build_pdf(vault, tmp_path / "plain")
    finally:
        monkeypatch.undo()
        tagging.install()
    assert patched.read_bytes() == plain.read_bytes()


def test_without_the_expected_internals_weasyprint_tags_alone_and_the_build_says_so(
        make_vault, tmp_path, monkeypatch):
    monkeypatch.setattr(tagging, "compatible", lambda: False)  # install() now patches nothing
    monkeypatch.setattr(tagging.tags_module, "_build_box_tree", tagging._original_build)
    monkeypatch.setattr(tagging.stream_module.Stream, "marked", tagging._original_marked)
    _, report, path = build_pdf(make_vault(NOTES), tmp_path / "out")
    assert "pdf.tagging" in [d.code for d in report.diagnostics]
    nodes = structure(path)
    assert not [node for node in nodes if node.kind == "Formula" or node.lang]


@pytest.mark.slow
def test_the_samples_structure_follows_each_rule(sample_vault, tmp_path):
    model, report, path = build_pdf(sample_vault, tmp_path / "out")
    nodes = structure(path)
    check_rules(nodes, "fr")
    videos = sum(note.body_html.count("<iframe") for note in model.notes)
    assert drawn_images(path).get("Artifact") == videos > 0  # each QR code
    parts = [node for node in nodes if node.kind == "H1"]
    assert len(parts) >= 4 + 3  # the sample's four parts, the colophon, the contents, the index
    guessed = [d for d in report.diagnostics if d.code == "a11y.image-alt"]
    assert len(guessed) == 7  # their /Alt is their file name in words: the editor is told


@pytest.mark.slow
def test_the_help_vaults_structure_follows_each_rule(help_vault, tmp_path):
    _, _, path = build_pdf(help_vault, tmp_path / "out")
    nodes = structure(path)
    check_rules(nodes, "en")
    assert sum(node.kind == "Figure" for node in nodes) > 100
