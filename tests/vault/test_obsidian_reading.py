"""What Obsidian shows, on small vaults made here, one construct a test: links between notes
that share a name, section embeds of the same note, app:// images, Excalidraw drawings, ids."""

from __future__ import annotations

from collections import Counter

import pytest

from xtdpublish.config import load_config
from xtdpublish.model import LinkStatus
from xtdpublish.render.body import BodyPolicy, anchor_id, render_body
from xtdpublish.report import Report
from xtdpublish.vault.note_ids import id_slug
from xtdpublish.vault.reader import read_vault
from xtdpublish.vault.refs import slugify

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
DRAWING = ("---\nexcalidraw-plugin: parsed\ntags: [excalidraw]\n---\n"
           "==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==\n\n"
           "# Text Elements\npierre ^g76ba07\n\n%%\n# Drawing\n```json\n{}\n```\n%%\n")
BOOK = BodyPolicy(
    note_href=lambda source, link: "#" + anchor_id(link.target, link.anchor),
    asset_src=lambda link: f"media/{link.asset}",
    frame=lambda element, video: None,
)


@pytest.fixture
def read(make_vault):
    def read(files, name="vault"):
        root = make_vault(files, name)
        report = Report()
        return read_vault(root, load_config(root), report), report

    return read


def note(model, path):
    return next(n for n in model.notes if n.path == path)


def codes(report):
    return [(d.path, d.line, d.code) for d in report.sorted()]


# -- several notes of one name ------------------------------------------------------------

def test_a_shared_name_goes_to_the_note_in_the_linking_notes_folder(read):
    """The help vault's case: Obsidian Publish/Introduction links [[Security and privacy]],
    which Obsidian opens in Obsidian Publish/, though Obsidian Sync/'s path is shorter."""
    model, report = read({
        "Obsidian Publish/Introduction.md": "[[Security and privacy]]\n",
        "Obsidian Publish/Security and privacy.md": "publish\n",
        "Obsidian Sync/Introduction to Sync.md": "[[Security and privacy]]\n",
        "Obsidian Sync/Security and privacy.md": "sync\n",
        "Elsewhere/Deep/Linker.md": "[[Security and privacy]]\n",
    })
    went = {n.path: n.links[0].target for n in model.notes if n.links}
    assert went == {
        "Obsidian Publish/Introduction.md": "obsidian-publish-security-and-privacy",
        "Obsidian Sync/Introduction to Sync.md": "obsidian-sync-security-and-privacy",
        # neither folder is the linking note's: the shortest path
        "Elsewhere/Deep/Linker.md": "obsidian-sync-security-and-privacy",
    }
    assert all(n.links[0].status == LinkStatus.AMBIGUOUS for n in model.notes if n.links)
    messages = {d.path: d.message for d in report.diagnostics if d.code == "link.ambiguous"}
    assert "using Obsidian Publish/Security and privacy.md, the note in the linking note's " \
           "folder" in messages["Obsidian Publish/Introduction.md"]
    assert "the shortest path" in messages["Elsewhere/Deep/Linker.md"]


def test_the_note_at_that_very_path_wins_and_a_parent_folder_counts_for_nothing(read):
    model, _ = read({
        "Note.md": "root\n",
        "b/Note.md": "beside\n",
        "b/source.md": "[[Note]]\n",
        "a/b/Note.md": "deeper\n",
        "zzzz/Note.md": "z\n",
        "a/deep/source.md": "[[Note]] [[b/Note]]\n",
    })
    assert [l.target for l in note(model, "b/source.md").links] == ["note"]  # not b/Note.md
    assert [l.target for l in note(model, "a/deep/source.md").links] == ["note", "b-note"]


# -- sections of the same note -------------------------------------------------------------

SECTIONS = """# Guide

## Intro

Before. ![[#Details]]

![[Guide#Details]]

## Details

The details themselves.

## Loop

Here: ![[#Loop]]
"""


def test_a_section_of_the_same_note_is_embedded_and_printed_inline(read):
    model, report = read({"Guide.md": SECTIONS})
    guide = note(model, "Guide.md")
    assert [(l.raw, l.status, l.target, l.anchor) for l in guide.links][:2] == [
        ("![[#Details]]", LinkStatus.RESOLVED, "guide", "details"),
        ("![[Guide#Details]]", LinkStatus.RESOLVED, "guide", "details"),
    ]
    # only the embed that stands inside the part it shows is a cycle
    assert codes(report) == [("Guide.md", 15, "embed.cycle")]
    assert "Guide.md#loop → Guide.md#loop" in report.diagnostics[0].message
    out = render_body(model, guide, BOOK)
    assert out.count("The details themselves.") == 3  # its own place and both embeds
    assert out.count('class="embed"') == 2
    assert '<a href="#n-guide--loop">Loop</a>' in out  # the cycle's embed is a link


def test_sections_that_embed_each_other_are_one_cycle(read):
    model, report = read({"n.md": "## One\n\n![[#Two]]\n\n## Two\n\n![[#One]]\n"})
    assert [d.code for d in report.diagnostics] == ["embed.cycle"]
    out = render_body(model, model.notes[0], BOOK)
    assert out.count('class="embed"') == 2  # each section once inside the other, then a link


def test_whole_note_cycles_are_still_cycles_and_other_sections_are_not(read):
    _, report = read({"a.md": "![[b]]\n", "b.md": "![[a]]\n", "self.md": "![[self]]\n",
                      "c.md": "## Part\n\ntext\n\n## Other\n\n![[d]]\n", "d.md": "![[c#Part]]\n"})
    assert [(d.path, d.code) for d in report.sorted()] == [
        ("a.md", "embed.cycle"), ("self.md", "embed.cycle")]
    assert "a.md → b.md → a.md" in report.sorted()[0].message


# -- app:// images ---------------------------------------------------------------------------

def test_app_urls_are_the_vaults_files_found_by_their_tail(read):
    model, report = read({
        "n.md": "![](app://local/C:/Users/me/My%20Vault/img/x.png)\n\n"
                "<img src=\"app://local/Users/me/Vault/img/x.png\">\n\n"
                "![](app://9f3c1a2b/home/me/Vault/other/y.png?1680000000)\n\n"
                "![](app://local/Users/me/Vault/nowhere.png)\n",
        "img/x.png": PNG,
        "other/y.png": PNG,
        "elsewhere/x.png": PNG,
    })
    links = model.notes[0].links
    assert [(l.status, l.asset) for l in links] == [
        (LinkStatus.ASSET, "img/x.png"), (LinkStatus.ASSET, "img/x.png"),
        (LinkStatus.ASSET, "other/y.png"), (LinkStatus.MISSING_ASSET, None)]
    assert 'src="xtd:link/0"' in model.notes[0].body_html
    assert [(d.line, d.code) for d in report.sorted() if not d.code.startswith("a11y.")] == [
        (1, "link.app-url"), (3, "link.app-url"), (5, "link.app-url"),
        (7, "link.missing-asset")]
    assert "RefusedResource" not in str(report.diagnostics)


# -- Excalidraw ----------------------------------------------------------------------------

def test_a_drawing_is_embedded_as_its_exported_image_and_is_never_a_chapter(read):
    model, report = read({
        "n.md": "# N\n\n![[Plan.excalidraw]]\n\nInline ![[Plan.excalidraw|300]] and "
                "[[Plan.excalidraw|a link]].\n\n> [!note]\n> ![[Plan.excalidraw.md]]\n",
        "Drawings/Plan.excalidraw.md": DRAWING,
        "Drawings/Plan.excalidraw.svg": SVG,
        "Drawings/Plan.excalidraw.png": PNG,
    })
    assert [n.path for n in model.notes] == ["n.md"]
    assert [(s.path, s.reason.split(":")[0]) for s in model.skipped] == [
        ("Drawings/Plan.excalidraw.md", "an Excalidraw drawing")]
    body = model.notes[0].body_html
    assert "Switch to EXCALIDRAW" not in body and "Text Elements" not in body
    assert body.count('class="xtd-drawing"') == 3
    assert '<p><img src="xtd:link/0" alt="Plan" class="xtd-drawing"></p>' in body
    assert 'width="300"' in body
    assert {l.asset for l in model.notes[0].links} == {"Drawings/Plan.excalidraw.svg"}
    assert [a.path for a in model.assets] == ["Drawings/Plan.excalidraw.svg"]
    assert report.diagnostics == []
    out = render_body(model, model.notes[0], BOOK)
    assert out.count('src="media/Drawings/Plan.excalidraw.svg"') == 3


def test_a_drawing_without_an_image_is_a_placeholder_with_one_warning(read):
    model, report = read({
        "a.md": "![[Sketch.excalidraw]]\n\n![[Sketch.excalidraw]]\n",
        "b.md": "x ![[Sketch.excalidraw]]\n",
        "Sketch.excalidraw.md": DRAWING,
        "Unused.excalidraw.md": DRAWING,
    })
    assert codes(report) == [("Sketch.excalidraw.md", None, "drawing.no-image")]
    assert "3 embed(s)" in report.diagnostics[0].message
    a = note(model, "a.md")
    assert [l.status for l in a.links] == [LinkStatus.MISSING_ASSET] * 2
    out = render_body(model, a, BOOK)
    assert out.count('<span class="missing-image">[Excalidraw: Sketch]</span>') == 2
    assert {s.path for s in model.skipped} == {"Sketch.excalidraw.md", "Unused.excalidraw.md"}


def test_a_drawing_told_by_its_properties_and_an_old_excalidraw_file(read):
    model, report = read({
        "n.md": "![[Board]] ![[Old.excalidraw]]\n",
        "Board.md": DRAWING,
        "Board.png": PNG,
        "Old.excalidraw": '{"type": "excalidraw", "elements": []}',
        "Old.svg": SVG,
    })
    assert [n.path for n in model.notes] == ["n.md"]
    assert [l.asset for l in model.notes[0].links] == ["Board.png", "Old.svg"]
    assert report.diagnostics == []


# -- ids and anchors ----------------------------------------------------------------------

@pytest.mark.parametrize("text, slug", [
    ("Œuvre", "oeuvre"), ("Cœur de ville", "coeur-de-ville"), ("Weißbuch", "weissbuch"),
    ("Łódź", "lodz"), ("Ærø", "aero"), ("Øresund", "oresund"), ("Þingvellir", "thingvellir"),
    ("Đakovo", "dakovo"), ("Ħamrun", "hamrun"), ("Iğdır ılık", "igdir-ilik"),
    ("Gérer ses collections", "gerer-ses-collections"), ("L’œil", "l-oeil"),
])
def test_latin_letters_are_spelt_out_in_ids_and_anchors(text, slug):
    assert slugify(text) == slug
    assert id_slug(text) == slug


def test_other_scripts_keep_their_ids():
    # unchanged from before: anchors keep the letters, ids are their Punycode
    assert slugify("日本語") == "日本語" and id_slug("日本語") == "wgv71a119e"
    assert slugify("Привет") == "привет"


def test_a_note_named_with_oe_has_a_whole_id_and_anchors(read):
    model, _ = read({"Œuvre.md": "## Cœur\n\n[[#Cœur]]\n"})
    assert model.notes[0].id == "oeuvre"
    assert model.notes[0].headings[0].anchor == "coeur"
    assert model.notes[0].links[0].anchor == "coeur"


# -- at scale ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_vault_of_1200_notes_with_every_construct(tmp_path):
    """bench/synthetic.py's vault, each note given inline tags, fields, a section embed of
    itself and a drawing: all read, no false cycle, one warning per drawing without image."""
    import sys

    from conftest import REPO
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import make_vault  # noqa: E402

    vault = make_vault(tmp_path / "big", 1200)
    (vault / "Drawings").mkdir()
    for d in range(40):
        (vault / "Drawings" / f"D{d}.excalidraw.md").write_text(DRAWING, encoding="utf-8")
        if d % 2 == 0:
            (vault / "Drawings" / f"D{d}.excalidraw.svg").write_text(SVG, encoding="utf-8")
    notes = sorted((vault / "Notes").glob("*.md"))
    # before the last section, "À retenir", after a blank line (some notes end in an iframe block)
    for n, path in enumerate(notes):
        text = path.read_text(encoding="utf-8").replace("\n## À retenir", (
            f"\n\nstatut:: relu\nNote #lot/{n % 10} et #projet [note:: {n % 5}]\n\n"
            f"Rappel : ![[#À retenir]]\n\n![[D{n % 40}.excalidraw]]\n\n## À retenir"))
        path.write_text(text, encoding="utf-8")
    report = Report()
    model = read_vault(vault, load_config(vault), report)
    by_path = {n.path: n for n in model.notes}
    assert len(model.notes) == 1201 and len(model.skipped) == 40
    for n, path in enumerate(notes):
        note_ = by_path[path.relative_to(vault).as_posix()]
        assert {f"lot/{n % 10}", "projet"} <= set(note_.tags)
        assert [(f.key, f.value) for f in note_.fields] == [("statut", "relu"), ("note", str(n % 5))]
    codes_ = Counter(d.code for d in report.diagnostics)
    assert "embed.cycle" not in codes_
    assert codes_["drawing.no-image"] == 20
    images = {l.asset for n in model.notes for l in n.links if l.asset and "Drawings" in l.asset}
    assert len(images) == 20
