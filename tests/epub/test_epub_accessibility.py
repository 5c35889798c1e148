"""The EPUB for readers who listen: Ace by DAISY finds nothing, roles match epub:types, and the
book claims EPUB Accessibility 1.1 only when it earns it.

Ace runs in a real Chromium and takes about a second a chapter: the sample runs in every
suite; the help vault and a synthetic 1,000-note vault with ``XTD_ACE_ALL=1``.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest
from ace import run_ace, violations
from conftest import REPO, TINY_PNG
from epubcheck import problems, run_epubcheck
from lxml import etree

from xtdpublish.config import load_config
from xtdpublish.render.epub.book import render
from xtdpublish.render.epub.chapters import ROLES
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

NS = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = f"{{{NS['epub']}}}type"
ALL = os.environ.get("XTD_ACE_ALL") == "1"
# Ace's table (epub-type-has-matching-role) for the epub:types a book of notes can carry;
# a deprecated role (doc-endnote) needs none.
MATCHING = {**ROLES, "noteref": "doc-noteref", "endnotes": "doc-endnotes",
            "footnote": "doc-footnote", "cover": None, "titlepage": None, "endnote": None,
            "bodymatter": None, "frontmatter": None, "backmatter": None, "landmarks": None}
CONFORMS = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def build(vault: Path, out: Path):
    config = load_config(vault)
    report = Report()
    model = read_vault(vault, config, report)
    [path] = render(model, config, out, report)
    return path, report


def entries(book: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def meta(book: Path, prop: str) -> list[etree._Element]:
    opf = etree.fromstring(entries(book)["EPUB/content.opf"])
    return opf.findall(f".//opf:meta[@property='{prop}']", NS)


def roles_missing(book: Path) -> list[str]:
    """What Ace's epub-type-has-matching-role would report, checked here without a browser."""
    missing = []
    for name, data in entries(book).items():
        if not name.endswith(".xhtml"):
            continue
        root = etree.fromstring(data)
        for element in root.iter():
            if not isinstance(element.tag, str) or EPUB_TYPE not in element.attrib:
                continue
            if element.xpath("ancestor::x:nav[contains(@epub:type, 'landmarks')]", namespaces=NS):
                continue
            for kind in element.get(EPUB_TYPE).split():
                assert kind in MATCHING, f"{name}: epub:type {kind!r} is not in this test's table"
                if MATCHING[kind] and element.get("role") != MATCHING[kind]:
                    missing.append(f"{name}: <{etree.QName(element).localname} epub:type={kind!r} "
                                   f"role={element.get('role')!r}>")
    return missing


NOTES = {
    "xtdpublish.toml": '[site]\ntitle = "Petit guide"\nlanguage = "fr"\n[guide]\nroot = "index.md"\n',
    "index.md": "---\neleventyNavigation:\n  key: home\n---\n# Accueil\n\n[[Partie]]\n",
    "Partie.md": "---\neleventyNavigation:\n  key: p\n  parent: home\n---\n# Partie\n\n[[Chapitre]]\n",
    "Chapitre.md": (
        "---\ntags: musée\neleventyNavigation:\n  key: c\n  parent: p\n---\n# Chapitre\n\n"
        "Un fait[^1] et un autre[^2].\n\n![[salle.png|La salle des fresques, vue de l'entrée]]\n\n"
        "|   | 2023 | 2024 |\n|---|---|---|\n| Visites | 10 | 12 |\n\n"
        "[^1]: Selon le rapport annuel.\n[^2]: Ibid.\n"),
    "salle.png": TINY_PNG,
}


def test_a_book_that_earns_it_claims_epub_accessibility_and_epubcheck_accepts_it(make_vault, tmp_path):
    book, report = build(make_vault(NOTES), tmp_path / "out")
    assert [m.text for m in meta(book, "dcterms:conformsTo")] == [CONFORMS]
    [certifier] = meta(book, "a11y:certifiedBy")
    assert certifier.text == "xtdpublish" and certifier.get("refines") == "#conformance"
    [summary] = meta(book, "schema:accessibilitySummary")
    assert "satisfait EPUB Accessibility 1.1" in summary.text and "ne revendique pas" not in summary.text
    assert "alternativeText" in [m.text for m in meta(book, "schema:accessibilityFeature")]
    assert [d for d in report.diagnostics if d.code.startswith(("a11y", "epub.conformance"))] == []
    assert roles_missing(book) == []
    assert problems(run_epubcheck(book)) == []


def test_one_image_without_alternative_text_and_the_claim_goes_saying_why(make_vault, tmp_path):
    vault = make_vault({**NOTES, "Chapitre.md": NOTES["Chapitre.md"] + "\n![[salle.png]]\n"})
    book, report = build(vault, tmp_path / "out")
    assert meta(book, "dcterms:conformsTo") == [] and meta(book, "a11y:certifiedBy") == []
    [summary] = meta(book, "schema:accessibilitySummary")
    assert "Une image n'a pas de texte de remplacement dans sa note" in summary.text
    assert "ne revendique pas la conformité à EPUB Accessibility 1.1" in summary.text
    assert "alternativeText" not in [m.text for m in meta(book, "schema:accessibilityFeature")]
    codes = [(d.path, d.line, d.code) for d in report.diagnostics]
    assert ("Chapitre.md", 20, "a11y.image-alt") in codes and ("guide.epub", None, "epub.conformance") in codes
    chapter = next(data for name, data in entries(book).items() if b"La salle des fresques" in data)
    assert b'alt="salle"' in chapter and b"data-alt" not in chapter  # the guess, unmarked


def test_a_table_without_header_also_costs_the_claim(make_vault, tmp_path):
    vault = make_vault({**NOTES, "Chapitre.md": NOTES["Chapitre.md"] + "\n| | |\n|-|-|\n| a | b |\n"})
    book, report = build(vault, tmp_path / "out")
    assert meta(book, "dcterms:conformsTo") == []
    assert "Un tableau n'a pas de ligne d'en-tête." in meta(book, "schema:accessibilitySummary")[0].text
    assert ("Chapitre.md", 20, "a11y.table-header") in [(d.path, d.line, d.code) for d in report.diagnostics]


def test_chapters_parts_notes_and_tables_carry_their_roles(make_vault, tmp_path):
    book, _ = build(make_vault(NOTES), tmp_path / "out")
    assert roles_missing(book) == []
    pages = {name: etree.fromstring(data) for name, data in entries(book).items() if name.endswith(".xhtml")}
    found = {(el.get(EPUB_TYPE), el.get("role")) for page in pages.values() for el in page.iter()
             if isinstance(el.tag, str) and el.get(EPUB_TYPE)}
    assert {("part", "doc-part"), ("chapter", "doc-chapter"), ("noteref", "doc-noteref"),
            ("endnotes", "doc-endnotes"), ("endnote", None), ("index", "doc-index"),
            ("colophon", "doc-colophon"), ("toc", "doc-toc")} <= found
    chapter = next(page for page in pages.values() if page.find(".//x:table", NS) is not None)
    header = chapter.find(".//x:table/x:thead/x:tr", NS)
    assert [etree.QName(cell).localname for cell in header] == ["td", "th", "th"]
    notes = chapter.findall(".//x:a[@role='doc-noteref']", NS)
    assert [a.get("href").split("#")[-1] for a in notes] == [
        li.get("id") for li in chapter.iterfind(".//x:li[@epub:type='endnote']", NS)]
    assert chapter.findall(".//x:a[@role='doc-backlink']", NS)


def test_an_empty_header_cell_of_raw_html_becomes_a_data_cell(make_vault, tmp_path):
    vault = make_vault({**NOTES, "Chapitre.md": NOTES["Chapitre.md"] +
                        "\n<table><tr><th></th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>\n"})
    book, _ = build(vault, tmp_path / "out")
    chapter = next(data for data in entries(book).values() if b"<td>1</td>" in data)
    assert b"<th></th>" not in chapter and b"<th/>" not in chapter and b"<th>B</th>" in chapter


# --- Ace by DAISY ------------------------------------------------------------------------------


@pytest.mark.slow
def test_ace_finds_nothing_in_the_sample(sample_vault, tmp_path):
    book, report = build(sample_vault, tmp_path / "out")
    assert roles_missing(book) == []
    ace = run_ace(book, tmp_path / "ace")
    assert violations(ace) == []
    assert ace["earl:result"]["earl:outcome"] == "pass"
    metadata = ace["earl:testSubject"]["metadata"]
    # The sample's logos have no alternative text in their note: no claim, and the summary says so.
    assert "dcterms:conformsTo" not in metadata
    assert "7 images n'ont pas de texte de remplacement" in metadata["schema:accessibilitySummary"]
    assert sum(d.code == "a11y.image-alt" for d in report.diagnostics) == 7


@pytest.mark.slow
@pytest.mark.skipif(not ALL, reason="Ace on the help vault takes minutes: XTD_ACE_ALL=1")
def test_ace_finds_nothing_in_the_help_vault(help_vault, tmp_path):
    book, _ = build(help_vault, tmp_path / "out")
    assert violations(run_ace(book, tmp_path / "ace")) == []


@pytest.mark.slow
@pytest.mark.skipif(not ALL, reason="Ace on 1,000 notes takes a quarter of an hour: XTD_ACE_ALL=1")
def test_ace_finds_nothing_in_a_thousand_notes(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from synthetic import make_vault as synthetic_vault
    finally:
        sys.path.pop(0)
    book, _ = build(synthetic_vault(tmp_path / "vault", 1000), tmp_path / "out")
    assert roles_missing(book) == []
    assert violations(run_ace(book, tmp_path / "ace")) == []


def test_every_language_says_every_part_of_the_summary():
    from xtdpublish.render.epub.conformance import WORDS

    assert all(set(words) == set(WORDS["en"]) for words in WORDS.values())
    assert all("{n}" in words[key][1] for words in WORDS.values() for key in ("guessed", "tables"))


def test_the_builds_warning_counts_in_words_and_names_only_the_codes_that_apply():
    """The help vault's build said "259 image(s) with no alternative text in their note (each
    is listed with its note and line: a11y.image-alt, a11y.table-header)" with no table at fault."""
    from types import SimpleNamespace

    from xtdpublish.render.epub.conformance import book_accessibility

    def warning(images: int, tables: int) -> str:
        report = Report()
        book_accessibility(SimpleNamespace(guessed_alts=images, headerless_tables=tables),
                           True, "en", report)
        [told] = [d.message for d in report.diagnostics if d.code == "epub.conformance"]
        return told

    assert warning(259, 0) == ("the EPUB does not claim EPUB Accessibility 1.1 - WCAG 2.2 Level "
                               "AA: 259 images have no alternative text in their note (each place "
                               "is listed as a11y.image-alt)")
    assert warning(1, 1).endswith(": one image has no alternative text in its note; one table "
                                  "has no header row (each place is listed as a11y.image-alt, "
                                  "a11y.table-header)")
