"""The guide as .docx and .odt, opened and read: headings, bookmarks, images, styles, math, dates."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from office_files import (bookmarks, defined_styles, equations, external_links, headings, image_alts,
                          internal_links, languages, media, paragraph_styles, text_of, xml, NS)

from hostile import PNG as HOSTILE_PNG

KINDS = ["docx", "odt"]
EPOCH = "1700000000"
CONFIG = """\
[site]
title = "Guide d'essai"
subtitle = "Pour les tests"
author = "L'équipe"
language = "fr"
base_url = "https://example.org"
[vault]
titles = "eleventy"  # an Eleventy site's vault: a note's title is its first heading
[guide]
root = "index.md"
"""


def _image(kind: str, size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (138, 28, 43)).save(out, format=kind)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#8a1c2b"/></svg>'

VAULT = {
    "xtdpublish.toml": CONFIG,
    "images/photo.png": _image("PNG"),
    "images/photo.jpg": _image("JPEG"),
    "images/anim.gif": _image("GIF"),
    "images/schema.svg": SVG,
    "images/abimee.png": HOSTILE_PNG,  # its checksums are wrong: pandoc cannot size it
    "index.md": """\
        ---
        eleventyNavigation:
          key: home
        ---
        # Accueil

        Bienvenue. Lisez [[Thème]], [[Première note]] puis [[Deuxième note#Une section|la section]].
        """,
    "Notes/Thème.md": """\
        ---
        eleventyNavigation:
          key: theme
          parent: home
        ---
        # Thème

        Les notes de ce thème.
        """,
    "Notes/Première note.md": """\
        ---
        tags: [ressource, essai]
        date: 2023-05-12
        eleventyNavigation:
          key: premiere
          parent: theme
        ---
        # Première note

        Une vraie question ? Un texte avec une note de bas de page[^1], un [lien externe](https://example.com/page)
        et un lien vers [[Deuxième note#^bloc|un bloc]].

        > [!warning] Attention
        > Un encadré.

        | Colonne A | Colonne B |
        |---|---|
        | 1 | 2 |

        ![Une photo rouge](../images/photo.png)
        ![[photo.jpg]]
        ![[anim.gif]]
        ![[schema.svg|200]]
        ![Abîmée](../images/abimee.png)

        Des maths : $x^2$ et <span class="xtd-math" data-display="inline">y^3</span>.

        $$\\frac{a}{b}$$

        <div class="xtd-math" data-display="block">\\sqrt{2}</div>

        <iframe src="https://www.youtube.com/embed/abc123" title="Une vidéo"></iframe>

        [^1]: Le texte de la note.
        """,
    "Notes/Deuxième note.md": """\
        ---
        tags: [essai]
        eleventyNavigation:
          key: deuxieme
          parent: theme
        ---
        # Deuxième note

        Retour à [[Première note]] et un lien vers [[Note absente]].

        ## Une section

        Un paragraphe à référencer. ^bloc
        """,
    "Ailleurs/Hors navigation.md": "# Hors navigation\n\nVoir [[Première note#Rien de tel]].\n",
}


def build(vault: Path, out: Path, formats: str = "docx,odt", **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env}
    return subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault), "--out",
                           str(out), "--format", formats, "-q"], env=environment, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import write_vault

    root = tmp_path_factory.mktemp("office")
    vault = write_vault(root / "vault", VAULT)
    done = build(vault, root / "out")
    assert done.returncode in (0, 1), done.stderr
    return root / "out", vault, done


@pytest.fixture(scope="module")
def model(built):
    from xtdpublish.build import check
    from xtdpublish.config import load_config

    _, vault, _ = built
    return check(vault, load_config(vault)).model


@pytest.mark.parametrize("kind", KINDS)
def test_every_published_note_is_a_heading(built, model, kind):
    out, _, _ = built
    found = [text for _, text in headings(out / f"guide.{kind}")]
    for note in model.notes:
        title = note.title
        assert any(title.replace("'", "’") in t.replace("'", "’") for t in found), (note.title, found)
    levels = dict((t, level) for level, t in headings(out / f"guide.{kind}"))
    assert levels["Première note"] == levels["Deuxième note"] == 2  # chapters under the part
    assert levels["Index des étiquettes"] == 1


@pytest.mark.parametrize("kind", KINDS)
def test_every_internal_link_lands_on_a_bookmark(built, kind):
    path = built[0] / f"guide.{kind}"
    names = bookmarks(path)
    links = internal_links(path)
    assert links and all(target in names for target, _ in links), [t for t, _ in links if t not in names]
    texts = [text for _, text in links]
    assert "la section" in texts and "un bloc" in texts  # to a heading and to a ^block
    assert "Note absente" not in texts  # a dangling link is its text alone
    body = text_of(xml(path, "word/document.xml" if kind == "docx" else "content.xml"))
    assert "Note absente" in body
    assert all(len(n) <= 40 and n[0].isalpha() and n.replace("_", "").isalnum() for n in names)


@pytest.mark.parametrize("kind", KINDS)
def test_contents_are_written_in_the_vaults_language(built, kind):
    path = built[0] / f"guide.{kind}"
    styles = paragraph_styles(path)
    entry_style = "TOC2" if kind == "docx" else "Contents_20_2"
    assert styles.count(entry_style) >= 2  # the chapters, without waiting for Word to update the field
    body = text_of(xml(path, "word/document.xml" if kind == "docx" else "content.xml"))
    assert "Table des matières" in body and "Table of Contents" not in body
    assert languages(path) == {"fr"}


@pytest.mark.parametrize("kind", KINDS)
def test_images_are_embedded_as_png_or_jpeg_with_alt_text(built, kind):
    path = built[0] / f"guide.{kind}"
    pictures = media(path)
    assert set(pictures.values()) == {"png", "jpeg"}, pictures
    assert len(pictures) >= 5  # photo.png, photo.jpg, the GIF and the SVG as PNG, the video's QR code
    alts = image_alts(path)
    assert alts and all(alts), alts
    # the note's text, else the model's guess: the file name in words (issue 18)
    assert "Une photo rouge" in alts and "schema" in alts and "anim" in alts
    report = json.loads((built[0] / "report.json").read_text(encoding="utf-8"))
    broken = [d for d in report["diagnostics"] if d["code"] == "office.image"]
    assert {d["path"] for d in broken} == {"images/abimee.png"}  # said once, left out of both
    assert not [d for d in report["diagnostics"] if d["code"] == "office.pandoc"]


@pytest.mark.parametrize("kind", KINDS)
def test_styles_footnotes_tables_math_and_videos(built, model, kind):
    path = built[0] / f"guide.{kind}"
    styles = paragraph_styles(path)
    for style in ("Callout", "CalloutTitle", "NoteMeta", "Backlinks", "PartNumber", "Video"):
        assert style in styles and style in defined_styles(path), style
    # Each math element of the model is an equation: the raw HTML ones, and $...$ once parsed.
    expected = sum(note.body_html.count('class="xtd-math"') for note in model.notes)
    assert expected >= 2 and equations(path) == expected
    body_member = "word/document.xml" if kind == "docx" else "content.xml"
    root = xml(path, body_member)
    if kind == "docx":
        assert "Le texte de la note" in text_of(xml(path, "word/footnotes.xml"))
        assert root.find(".//w:tbl", NS) is not None
    else:
        assert "Le texte de la note" in text_of(root.find(".//text:note", NS))
        assert root.find(".//table:table", NS) is not None
    raw = "".join(root.itertext())
    assert "question\u202f?" in raw  # French spacing kept: no line may break before the mark
    body = text_of(root)
    assert "Apparaît dans" in body and "#ressource" in body and "Mis à jour le" in body
    assert "Une vidéo" in body and "Scannez le code pour regarder" in body
    assert "https://www.youtube.com/watch?v=abc123" in external_links(path)
    assert "https://example.com/page" in external_links(path)


@pytest.mark.parametrize("kind", KINDS)
def test_dates_and_zip_follow_source_date_epoch(built, tmp_path, kind):
    out, vault, _ = built
    again = tmp_path / "again"
    assert build(vault, again, kind).returncode in (0, 1)
    assert (again / f"guide.{kind}").read_bytes() == (out / f"guide.{kind}").read_bytes()
    with zipfile.ZipFile(out / f"guide.{kind}") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        if kind == "odt":
            first = archive.infolist()[0]
            assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    meta = xml(out / f"guide.{kind}", "docProps/core.xml" if kind == "docx" else "meta.xml")
    dates = [e.text for e in meta.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1]
             in ("created", "modified", "creation-date", "date")]
    assert dates and set(dates) == {"2023-11-14T22:13:20Z"}


def test_an_unchanged_model_keeps_the_documents(built, tmp_path):
    out, vault, _ = built
    before = {k: (out / f"guide.{k}").stat().st_mtime_ns for k in KINDS}
    assert build(vault, out).returncode in (0, 1)
    assert {k: (out / f"guide.{k}").stat().st_mtime_ns for k in KINDS} == before


def test_split_by_part_gives_one_document_per_part(make_vault, tmp_path):
    vault = make_vault({**VAULT, "xtdpublish.toml": CONFIG + '[office]\nsplit = "part"\n'})
    done = build(vault, tmp_path / "out", "docx")
    assert done.returncode in (0, 1), done.stderr
    files = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert len(files) >= 3 and files[0].startswith("guide-01-"), files
    for name in files:
        path = tmp_path / "out" / name
        assert all(target in bookmarks(path) for target, _ in internal_links(path))
    appendix = tmp_path / "out" / files[-1]
    # The appendix's note links to a note of another document: to its page on the live site.
    assert any(url.startswith("https://example.org/Notes/") for url in external_links(appendix))


def test_office_split_is_checked(make_vault, tmp_path):
    vault = make_vault({**VAULT, "xtdpublish.toml": CONFIG + '[office]\nsplit = "chapter"\n'})
    done = build(vault, tmp_path / "out", "docx")
    assert done.returncode == 2 and "office.split" in done.stderr


def test_a_note_that_cannot_be_converted_costs_only_itself(make_vault, tmp_path, monkeypatch):
    from xtdpublish.config import load_config
    from xtdpublish.rendering import render_one
    from xtdpublish.build import check
    from xtdpublish.render.office import blocks

    vault = make_vault(VAULT)
    model = check(vault, load_config(vault)).model
    original = blocks.BodyReader.body

    def body(self, root):
        if "Un paragraphe à référencer" in root.text_content():
            raise RecursionError("too deep")
        return original(self, root)

    monkeypatch.setattr(blocks.BodyReader, "body", body)
    made = render_one("docx", model, load_config(vault), tmp_path)
    assert [p.name for p in made.paths] == ["guide.docx"]
    errors = [d for d in made.diagnostics if d.code == "office.note"]
    assert [d.path for d in errors] == ["Notes/Deuxième note.md"]
    text = text_of(xml(tmp_path / "guide.docx", "word/document.xml"))
    assert "n’a pas pu être convertie" in text and "Un encadré" in text


def test_pandoc_version_is_part_of_the_fingerprint(make_vault, monkeypatch):
    from xtdpublish.config import load_config
    from xtdpublish.build import check
    from xtdpublish.render.office import pandoc_run
    from xtdpublish.stale import OutputRecords

    vault = make_vault(VAULT)
    model = check(vault, load_config(vault)).model
    first = OutputRecords(vault / "out", model, load_config(vault), ["docx", "odt", "epub"]).digests
    monkeypatch.setattr(pandoc_run, "version", lambda: "pandoc 99")
    second = OutputRecords(vault / "out", model, load_config(vault), ["docx", "odt", "epub"]).digests
    assert first["docx"] != second["docx"] and first["odt"] != second["odt"]
    assert first["epub"] == second["epub"]
    monkeypatch.undo()
    assert pandoc_run.version().startswith("pandoc 3.")
