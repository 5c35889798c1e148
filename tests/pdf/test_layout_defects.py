"""Layout defects met on real vaults, each fixed by its mechanism: lines broken after their
first word (spaces that hang), callout titles alone at a page's foot and empty tinted boxes,
contents entries whose number is pushed alone onto a line, icons made blocks inside a
sentence, Obsidian's ``![](youtube)`` videos, characters no font has, and WeasyPrint's
notices about the machine."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lxml import html
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from xtdpublish.config import load_config
from xtdpublish.render.pdf import book as pdf_renderer
from xtdpublish.render.pdf import internals
from xtdpublish.render.pdf.log import report_log
from xtdpublish.render.pdf.paper import Prepared, prepare
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

THEME = pdf_renderer.DEFAULT_THEME
CSS = (THEME / "guide.css").read_text(encoding="utf-8")


def lines_of(body: str, extra_css: str = "") -> list[list[str]]:
    """The text of each line of each page, as WeasyPrint lays ``body`` out with the theme."""
    document = HTML(string=f'<html lang="fr"><style>{CSS}\n{extra_css}</style><body>{body}</body></html>',
                    base_url=THEME.as_uri() + "/").render()
    pages = []
    for page in document.pages:
        found = []
        stack = [page._page_box]
        while stack:
            box = stack.pop(0)
            if isinstance(box, boxes.LineBox):
                found.append("".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox)).strip())
            else:
                stack[:0] = getattr(box, "children", [])
        pages.append(found)
    return pages


def build(vault: Path, out: Path):
    config = load_config(vault)
    report = Report()
    model = read_vault(vault, config, report)
    path = pdf_renderer.render(model, config, out, report)[0]
    return model, report, PdfReader(path)


def test_a_text_that_fits_without_its_last_space_is_not_broken_after_its_first_word():
    assert "hanging_spaces" not in internals.OFF, internals.OFF
    broken = []
    for tenth_mm in range(300, 700, 3):
        width = f"width: {tenth_mm / 10}mm"
        for body in (f"<p style='{width}; text-align: left'>Et you can also search <code>[[^^block]]</code> for blocks.</p>",
                     f"<ol style='{width}'><li>Elisabeth Gravil. Un nouveau musée numérique pour une ère nouvelle\n"
                     "<ul><li>Pour Elisabeth Gravil.</li></ul></li></ol>"):
            lines = lines_of(body)[0]
            if lines[0] in ("Et", "Elisa‐") or (len(lines) > 1 and lines[1] == "Elisa‐"):
                broken.append((tenth_mm / 10, lines))
    assert not broken, broken[:3]


def test_callouts_never_leave_their_title_or_an_empty_box_at_a_page_foot():
    filler = "<p>" + "Texte de remplissage pour pousser la suite vers le bas de la page. " * 3 + "</p>"
    callout = ('<div class="callout" data-callout="note"><p class="callout-title">Titre de l’encadré</p>'
               "<p>" + "Le corps de l’encadré, sur plusieurs lignes de texte justifié. " * 4 + "</p></div>")
    for count in range(8, 16):
        pages = lines_of(filler * count + "<p>Une ligne.</p>" * (count % 4) + callout + filler * 3)
        for page in pages[:-1]:
            assert page[-1] != "Titre de l’encadré", (count, page[-3:])


def test_a_long_contents_entry_keeps_its_number_on_its_last_line(tmp_path, make_vault):
    titles = ["Une note dont le titre remplit presque toute la ligne des matières" + " x" * k for k in range(12)]
    files = {f"n{k}.md": f"# {title}\n\nTexte.\n" for k, title in enumerate(titles)}
    files["xtdpublish.toml"] = '[site]\ntitle = "T"\nlanguage = "fr"\n'
    vault = make_vault(files)
    _, _, reader = build(vault, tmp_path / "out")
    contents = reader.pages[2].extract_text().splitlines()[:-1]  # the last line is the folio
    assert len(contents) > len(titles)  # some titles take two lines
    alone = [line for line in contents if line.replace(".", "").replace("\u2007", "").strip().isdigit()]
    assert not alone, contents


def test_obsidian_video_embed_becomes_the_video_block_with_its_qr_code(tmp_path, make_vault):
    vault = make_vault({
        "v.md": "# Vidéo\n\n![La visite](https://www.youtube.com/watch?v=QEPvU93NYn0)\n\n![](https://youtu.be/abc123)\n",
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    _, report, reader = build(vault, tmp_path / "out")
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    assert text.count("Scannez pour regarder") == 2
    assert "https://www.youtube.com/watch?v=QEPvU93NYn0" in text and "La visite" in text
    assert "https://youtu.be/abc123" in text
    assert len({image.name for page in reader.pages for image in page.images}) == 2  # two QR codes
    assert not [d for d in report.diagnostics if d.code == "pdf.remote-image"]


def test_an_image_inside_a_sentence_stays_in_its_line_an_image_alone_is_a_block(tmp_path, make_vault):
    """The help vault's "a green circle with a checkmark ![[synced.svg#icon]] appears in the
    bottom-right corner": ``p > img:only-child`` (text does not count as a child) made the icon
    a block, cutting the sentence in two lines around it."""
    icon = ('<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><circle cx="12" '
            'cy="12" r="10" fill="green"/></svg>')
    vault = make_vault({
        "a.md": "# A\n\nUn cercle vert ![[rond.svg|rond]] apparaît en bas.\n\n"
                "![[grand.svg|Un grand rond]]\n\nFin.\n",
        "rond.svg": icon, "grand.svg": icon.replace('width="24" height="24"', 'width="200" height="200"'),
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    _, _, reader = build(vault, tmp_path / "out")
    lines = [" ".join(line.split()) for page in reader.pages for line in page.extract_text().splitlines()]
    assert "Un cercle vert apparaît en bas." in lines, lines
    prepared = prepare('<p>Un <img src="a.svg" alt="a"> b</p><p> <img src="b.svg" alt="b"> </p>'
                       '<p><img src="c.svg" alt="c"><img src="d.svg" alt="d"></p>'
                       '<p><img class="math" src="e.svg" alt="e"></p>',
                       type("NoNotes", (), {"notes": ()})())
    alone = {img.get("alt"): "alone" in (img.get("class") or "").split()
             for img in html.fromstring(prepared.html).iter("img")}
    assert alone == {"a": False, "b": True, "c": False, "d": False, "e": False}


def test_characters_no_font_has_are_one_warning_per_note(tmp_path, make_vault):
    vault = make_vault({
        "a.md": "# A\n\nUn signe ⨳ puis 中 et encore ⨳.\n",
        "b.md": "# B\n\nRien de rare.\n",
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    _, report, _ = build(vault, tmp_path / "out")
    glyphs = [d for d in report.diagnostics if d.code == "pdf.glyph"]
    if not glyphs:
        pytest.skip("this machine has a font for ⨳ and 中")
    assert [d.path for d in glyphs] == ["a.md"]
    assert "U+2A33" in glyphs[0].message or "U+4E2D" in glyphs[0].message
    assert not [d for d in report.diagnostics if d.code == "pdf.layout" and "notdef" in d.message]


def test_the_fonttools_notice_is_one_info_line_about_the_machine():
    records = [logging.LogRecord("weasyprint", logging.WARNING, "", 0,
                                 f'Using fontTools instead of HarfBuzz-Subset for font "{font}". This will be '
                                 "unsupported in future versions of WeasyPrint.", (), None)
               for font in ("Charis SIL", "Lato", "DejaVu Sans")]
    report = Report()
    report_log(records, Prepared("<html><body></body></html>"), report)
    assert [(d.severity, d.code) for d in report.diagnostics] == [("info", "pdf.machine")]
