"""A .docx or .odt inside vault.include is a note: its title, text, images and links, cached; a broken one skipped."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xtdpublish.build import check
from xtdpublish.config import load_config
from xtdpublish.pandoc import pandoc_path
from xtdpublish.report import Report
from xtdpublish.vault.cache import ParseCache
from xtdpublish.vault.reader import read_vault

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
CONFIG = '[site]\nlanguage = "fr"\n[vault]\ninclude = ["**/*.md", "Documents/**"]\n'
REPORT_MD = """\
---
title: Rapport annuel
author: Marie Curie
keywords: [musée, rapport]
---

# Le rapport

Un texte écrit dans Word, avec [un lien](https://example.com/rapport) et [[Autre note]].

![Une image rouge](red.png)

Une formule : $x^2$.
"""


def office_document(tmp_path: Path, kind: str, markdown: str, name: str) -> bytes:
    """A document made by pandoc from markdown, as a colleague's would be made by Word."""
    work = tmp_path / f"make-{name}"
    work.mkdir()
    (work / "red.png").write_bytes(PNG)
    (work / "note.md").write_text(markdown, encoding="utf-8")
    subprocess.run([pandoc_path(), "note.md", "-o", f"out.{kind}"], cwd=work, check=True)
    return (work / f"out.{kind}").read_bytes()


@pytest.fixture
def vault(make_vault, tmp_path):
    return make_vault({
        "xtdpublish.toml": CONFIG,
        "Autre note.md": "# Autre note\n\nLire [[Rapport de Marie.docx]].\n",
        "Documents/Rapport de Marie.docx": office_document(tmp_path, "docx", REPORT_MD, "docx"),
        "Documents/Compte rendu.odt": office_document(tmp_path, "odt", REPORT_MD.replace("Rapport annuel", "Compte rendu de séance"), "odt"),
        "Documents/Sans titre.docx": office_document(tmp_path, "docx", "Du texte.\n\n## Une partie\n\nSuite.\n", "bare"),
        "Documents/Cassé.docx": b"PK\x03\x04 not really a zip",
        "Pièces/Annexe.docx": office_document(tmp_path, "docx", "Une pièce jointe.\n", "attached"),
    })


def read(vault: Path, out: Path | None):
    report = Report()
    cache = ParseCache(out / ".cache" / "notes.json") if out else None
    return read_vault(vault, load_config(vault), report, cache), report


def test_a_docx_becomes_a_note_with_its_title_text_image_and_links(vault, tmp_path):
    model, report = read(vault, tmp_path / "out")
    note = next(n for n in model.notes if n.path == "Documents/Rapport de Marie.docx")
    assert (note.title, note.title_source) == ("Rapport annuel", "title")
    assert note.tags == ("musée", "rapport") and note.date_source == "frontmatter"
    assert "Un texte écrit dans Word" in note.body_html
    kinds = {link.raw: link for link in note.links}
    assert kinds["[[Autre note]]"].status == "resolved"
    assert 'href="https://example.com/rapport"' in note.body_html
    image = next(link for link in note.links if link.asset)
    assert image.asset.startswith("Documents/Rapport de Marie.docx/media/")
    asset = next(a for a in model.assets if a.path == image.asset)
    assert asset.extracted_from == "Documents/Rapport de Marie.docx" and asset.media_type == "image/png"
    file = model.asset_file(asset.path)
    assert file is not None and file.read_bytes() == PNG
    assert file.is_relative_to(tmp_path / "out" / ".cache")  # the build's, never the vault's
    back = next(n for n in model.notes if n.path == "Autre note.md")
    assert back.links[0].status == "resolved" and back.links[0].target == note.id


def test_an_odt_becomes_a_note_too(vault, tmp_path):
    model, _ = read(vault, tmp_path / "out")
    note = next(n for n in model.notes if n.path == "Documents/Compte rendu.odt")
    assert note.title == "Compte rendu de séance"
    assert "Un texte écrit dans Word" in note.body_html
    image = next(link for link in note.links if link.asset)
    assert model.asset_file(image.asset).read_bytes() == PNG


def test_without_a_title_the_first_heading_then_the_file_name(vault, tmp_path):
    model, _ = read(vault, tmp_path / "out")
    note = next(n for n in model.notes if n.path == "Documents/Sans titre.docx")
    assert (note.title, note.title_source) == ("Sans titre", "filename")


def test_a_broken_document_is_skipped_with_its_reason(vault, tmp_path):
    model, report = read(vault, tmp_path / "out")
    skipped = {s.path: s.reason for s in model.skipped}
    assert "Documents/Cassé.docx" in skipped and "pandoc" in skipped["Documents/Cassé.docx"]
    errors = [d for d in report.diagnostics if d.code == "office.unreadable"]
    assert [d.path for d in errors] == ["Documents/Cassé.docx"]
    assert all(n.path != "Documents/Cassé.docx" for n in model.notes)


def test_a_document_outside_include_stays_an_attachment(vault, tmp_path):
    model, _ = read(vault, tmp_path / "out")
    assert all(not n.path.startswith("Pièces/") for n in model.notes)


def test_documents_are_converted_once(vault, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first, _ = read(vault, out)
    calls = []
    real = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    second, _ = read(vault, out)
    assert not [c for c in calls if "--extract-media=xtd-media" in c[0]]
    assert [n.body_html for n in first.notes] == [n.body_html for n in second.notes]
    (vault / "Documents" / "Sans titre.docx").unlink()
    read(vault, out)
    kept = [p for p in (out / ".cache" / "office-notes").iterdir() if p.is_dir()]
    assert len(kept) == 3  # two notes and the broken one's refusal; the unused one forgotten


def test_check_reads_them_without_writing(vault, tmp_path):
    result = check(vault, load_config(vault))
    assert any(n.path.endswith(".odt") for n in result.model.notes)
    assert not (vault / "build").exists() and not list(vault.rglob("xtd-media"))


def test_their_images_reach_every_output(vault, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault), "--out",
                           str(out), "--format", "docx,epub,model", "-q"], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # the broken document is an error
    with zipfile.ZipFile(out / "guide.docx") as docx:
        assert docx.read("word/document.xml").count(b"<w:drawing>") >= 2  # one picture, twice
        assert [n for n in docx.namelist() if n.startswith("word/media/")]
    with zipfile.ZipFile(out / "guide.epub") as epub:
        assert len([n for n in epub.namelist() if n.startswith("EPUB/media/img")]) >= 2
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert sum(1 for a in model["assets"] if a["extracted_from"]) == 2


def test_init_says_how_many_documents_it_found(vault):
    from xtdpublish.init import config_text, guess_config

    (vault / "xtdpublish.toml").unlink()
    guess = guess_config(vault)
    assert guess.documents == 5
    assert "# 5 Word or LibreOffice documents (.docx, .odt) found" in config_text(guess)


def test_a_document_that_would_unpack_to_gigabytes_is_refused_unread(make_vault, tmp_path, monkeypatch):
    from xtdpublish.vault import office_notes

    monkeypatch.setattr(office_notes, "MAX_UNPACKED", 1000)  # a real bomb would take seconds to make
    vault = make_vault({"xtdpublish.toml": CONFIG,
                        "Documents/Gros.docx": office_document(tmp_path, "docx", "x " * 5000, "big")})
    model, report = read(vault, tmp_path / "out")
    assert not model.notes
    assert "unpack to more than" in {s.path: s.reason for s in model.skipped}["Documents/Gros.docx"]
