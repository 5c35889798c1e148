"""The EPUB, opened as the zip it is: EPUBCheck, the nav against the navigation tree, links,
metadata, reproducibility, and nothing from outside the vault."""

from __future__ import annotations

import os

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from conftest import CONTENT, REPO, SAMPLE_CONFIG, SAMPLE_VAULT
from epubcheck import problems, run_epubcheck
from lxml import etree

from xtdpublish.config import Config, load_config
from xtdpublish.model import Model
from xtdpublish.render.epub.book import render
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EXTERNAL = ("http://", "https://", "mailto:")


@dataclass
class Built:
    path: Path
    model: Model
    config: Config
    report: Report

    @property
    def entries(self) -> dict[str, bytes]:
        with zipfile.ZipFile(self.path) as book:
            return {name: book.read(name) for name in book.namelist()}

    def xml(self, name: str):
        return etree.fromstring(self.entries[name])

    @property
    def opf(self):
        return self.xml("EPUB/content.opf")

    def chapters(self) -> dict[str, etree._Element]:
        return {
            name: etree.fromstring(data)
            for name, data in self.entries.items()
            if name.endswith(".xhtml")
        }


def build(vault: Path, out: Path) -> Built:
    config = load_config(vault)
    report = Report()
    model = read_vault(vault, config, report)
    paths = render(model, config, out, report)
    assert paths == [out / "guide.epub"]
    return Built(paths[0], model, config, report)


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory) -> Built:
    """The MuseumXTD sample's EPUB, built once for the tests that only read it."""
    if not SAMPLE_VAULT.is_dir():
        pytest.skip(f"the MuseumXTD sample vault is not here ({SAMPLE_VAULT})")
    root = tmp_path_factory.mktemp("sample")
    vault = root / "museumxtd-sample"
    shutil.copytree(SAMPLE_VAULT, vault, symlinks=True)
    for path in [vault, *vault.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (vault / "xtdpublish.toml").write_text(SAMPLE_CONFIG, encoding="utf-8")
    return build(vault, root / "out")


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory) -> Built:
    return build(CONTENT, tmp_path_factory.mktemp("seed"))


# --- EPUBCheck ---------------------------------------------------------------------------


@pytest.mark.slow
def test_epubcheck_passes_the_seed_vault(seed_book):
    assert problems(run_epubcheck(seed_book.path)) == []


@pytest.mark.slow
def test_epubcheck_passes_the_sample_vault(sample_book):
    assert problems(run_epubcheck(sample_book.path)) == []


# --- structure ---------------------------------------------------------------------------


def nav_tree(book: Built) -> list[tuple[str, list]]:
    """The nav document's table of contents as (fragment, children), in order."""
    nav = book.xml("EPUB/nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']/x:ol", NS)

    def items(ol) -> list[tuple[str, list]]:
        out = []
        for li in ol.findall("x:li", NS):
            href = li.find("x:a", NS).get("href")
            child = li.find("x:ol", NS)
            out.append((href.partition("#")[2], items(child) if child is not None else []))
        return out

    return items(toc)


def expected_tree(model: Model) -> list[tuple[str, list]]:
    """What the nav must be: the navigation tree, every note once, the unlisted in an appendix.

    Folders (a branch with no note) are written "FOLDER": the EPUB names them part-N/folder-N.
    """
    published = {note.id for note in model.notes}
    placed: set[str] = set()

    def tree(node):
        note = node.note if node.note in published and node.note not in placed else None
        if note:
            placed.add(note)
        children = [t for child in node.children if (t := tree(child))]
        if note:
            return (f"n-{note}", children)
        return ("FOLDER", children) if children else None

    out = []
    if model.nav.note in published:
        placed.add(model.nav.note)
        out.append((f"n-{model.nav.note}", []))
    unlisted = []
    for child in model.nav.children:
        if child.kind == "unlisted":
            unlisted.extend(child.children)
        elif (t := tree(child)) is not None:
            out.append(t)
    appendix = [t for node in unlisted if (t := tree(node))]
    appendix += [(f"n-{note.id}", []) for note in model.notes if note.id not in placed]
    if appendix:
        out.append(("appendix", appendix))
    if any(note.tags for note in model.notes):
        out.append(("tag-index", []))
    return out


def folders_named(tree):
    return [
        ("FOLDER" if re.fullmatch(r"(part|folder)-\d+", anchor) else anchor, folders_named(children))
        for anchor, children in tree
    ]


def flatten(tree):
    for anchor, children in tree:
        yield anchor
        yield from flatten(children)


@pytest.mark.parametrize("book_name", ["seed_book", "sample_book"])
def test_nav_mirrors_the_navigation_tree(book_name, request):
    book = request.getfixturevalue(book_name)
    actual = folders_named(nav_tree(book))
    assert actual == expected_tree(book.model)
    notes = [anchor for anchor in flatten(actual) if anchor.startswith("n-")]
    assert sorted(notes) == sorted(f"n-{note.id}" for note in book.model.notes)  # each note once


def test_sample_nav_has_parts_notes_and_sub_notes(sample_book):
    tree = nav_tree(sample_book)
    depth = lambda t: 1 + max((depth(c) for _, c in t), default=0) if t else 0  # noqa: E731
    assert depth(tree) >= 3  # parts → notes → sub-notes
    assert [anchor for anchor, _ in tree[-2:]] == ["appendix", "tag-index"] and tree[-2][1]


@pytest.mark.parametrize("book_name", ["seed_book", "sample_book"])
def test_every_internal_link_and_image_reaches_an_existing_file_and_id(book_name, request):
    internal = assert_links_resolve(request.getfixturevalue(book_name))
    assert internal > 3  # the notes do link to each other: the check was exercised


def assert_links_resolve(book: Built) -> int:
    """Every link and image of every XHTML file reaches a file of the book and an id in it."""
    chapters = book.chapters()
    ids = {name: {el.get("id") for el in root.iter() if el.get("id")} for name, root in chapters.items()}
    internal = 0
    for name, root in chapters.items():
        folder = PurePosixPath(name).parent
        for anchor in root.iterfind(".//x:a[@href]", NS):
            href = anchor.get("href")
            if href.startswith(EXTERNAL):
                continue
            file, _, fragment = href.partition("#")
            target = _normalize(str(PurePosixPath(folder, file))) if file else name
            assert target in book.entries, f"{name}: link {href} to a missing file"
            if fragment:
                assert fragment in ids[target], f"{name}: link {href} to a missing id"
            internal += name.startswith("EPUB/text/ch")
        for image in root.iterfind(".//x:img", NS):
            target = _normalize(str(PurePosixPath(folder, image.get("src"))))
            assert target in book.entries, f"{name}: image {image.get('src')} is not in the book"
            assert image.get("alt", "").strip(), f"{name}: an image without alt text"
    return internal


def _normalize(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def test_no_link_leaves_the_book_for_a_file_or_a_note_url(sample_book):
    for name, root in sample_book.chapters().items():
        for anchor in root.iterfind(".//x:a[@href]", NS):
            href = anchor.get("href")
            assert not href.startswith(("xtd:", "data:", "file:")), (name, href)
            if not href.startswith(EXTERNAL):
                assert not re.search(r"\.md($|#)", href), (name, href)


def test_each_note_is_a_chapter_file(sample_book):
    spine_files = [
        name for name in sample_book.entries if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", name)
    ]
    # Every note, part, folder, the appendix and the colophon: one file each.
    assert len(spine_files) == len(list(flatten(nav_tree(sample_book)))) + 1


# --- metadata ----------------------------------------------------------------------------


def test_package_metadata(sample_book):
    opf = sample_book.opf
    meta = lambda prop: [m.text for m in opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]  # noqa: E731
    assert [e.text for e in opf.iterfind(".//dc:language", NS)] == [sample_book.config.site.language]
    assert [e.text for e in opf.iterfind(".//dc:title", NS)] == [
        sample_book.config.site.title, sample_book.config.site.subtitle,
    ]
    assert [e.text for e in opf.iterfind(".//dc:creator", NS)] == [sample_book.config.site.author]
    newest = max(note.updated for note in sample_book.model.notes)
    assert meta("dcterms:modified") == [newest.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert [e.text for e in opf.iterfind(".//dc:date", NS)] == [newest.strftime("%Y-%m-%d")]
    assert set(meta("schema:accessMode")) == {"textual", "visual"}
    assert meta("schema:accessModeSufficient") == ["textual"]
    # 7 logos have no alternative text in their note: the feature is not claimed (see
    # test_epub_accessibility.py for a book that has it)
    assert "alternativeText" not in meta("schema:accessibilityFeature")
    assert meta("dcterms:conformsTo") == []
    assert meta("schema:accessibilityHazard") == ["none"]
    assert meta("schema:accessibilitySummary")[0].strip()
    identifier = opf.find(".//dc:identifier", NS).text
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier)


def test_cover_is_declared_and_first_in_the_spine(sample_book):
    opf = sample_book.opf
    cover = opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover is not None and f"EPUB/{cover.get('href')}" in sample_book.entries
    first = opf.find(".//opf:spine/opf:itemref", NS).get("idref")
    page = opf.find(f".//opf:item[@id='{first}']", NS).get("href")
    assert b"cover" in sample_book.entries[f"EPUB/{page}"]
    svg = etree.fromstring(sample_book.entries[f"EPUB/{cover.get('href')}"])
    assert "MuseumXTD" in "".join(svg.itertext())


def test_theme_css_is_the_books_stylesheet(sample_book):
    css = (REPO / "themes/default/epub.css").read_bytes()
    assert sample_book.entries["EPUB/styles/stylesheet1.css"] == css


def test_two_builds_are_byte_identical_with_the_same_identifier(seed_vault, tmp_path):
    first = build(seed_vault, tmp_path / "one")
    second = build(seed_vault, tmp_path / "two")
    assert first.path.read_bytes() == second.path.read_bytes()
    ident = lambda b: b.opf.find(".//dc:identifier", NS).text  # noqa: E731
    assert ident(first) == ident(second)
    with zipfile.ZipFile(first.path) as book:
        infos = book.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED


def test_source_date_epoch_sets_the_modification_date(seed_vault, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = build(seed_vault, tmp_path)
    modified = [m.text for m in book.opf.iterfind(".//opf:meta[@property='dcterms:modified']", NS)]
    assert modified == ["2023-11-14T22:13:20Z"]
    with zipfile.ZipFile(book.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_language_comes_from_the_config_whatever_the_locale(make_vault, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setenv("LC_ALL", "C")
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "Leitfaden"\nlanguage = "de-CH"\n',
        "a.md": "# A\n\nText.\n",
    })
    book = build(vault, tmp_path / "out")
    assert [e.text for e in book.opf.iterfind(".//dc:language", NS)] == ["de-CH"]
    assert [label for _, _, label in landmarks(book)] == ["Umschlag", "Titelseite", "Beginn des Leitfadens"]


def test_a_bad_language_tag_is_mended_or_replaced(make_vault, tmp_path, monkeypatch):
    """config.py refuses such a tag; a Config made in code still gives a valid book."""
    from xtdpublish import config as config_module

    monkeypatch.setattr(config_module, "check_language", lambda value, where: None)
    for given, expected in (("fr_CH", "fr-CH"), ("Français", "en")):
        vault = make_vault({"xtdpublish.toml": f'[site]\ntitle = "T"\nlanguage = "{given}"\n',
                            "a.md": "# A\n"}, name=f"v-{expected}")
        book = build(vault, tmp_path / expected)
        assert [e.text for e in book.opf.iterfind(".//dc:language", NS)] == [expected]
        assert book.xml("EPUB/nav.xhtml").get("lang") == expected
        assert [d.code for d in book.report.diagnostics if d.code.startswith("epub")] == (
            [] if expected != "en" else ["epub.language"])


def test_cover_image_from_the_config(make_vault, tmp_path):
    png = (CONTENT).glob("*.png")
    image = next(iter(png), None)
    data = image.read_bytes() if image else _tiny_png()
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\n[guide]\ncover = "art/cover.png"\n',
        "a.md": "# A\n\nText.\n",
        "art/cover.png": data,
    })
    book = build(vault, tmp_path / "out")
    cover = book.opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover.get("media-type") == "image/png"
    assert book.entries[f"EPUB/{cover.get('href')}"] == data


def _tiny_png() -> bytes:
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )


# --- a hostile vault: raw HTML, files outside the vault, links to nowhere ------------------

CANARY_PNG = b"CANARY-PNG-outside-the-vault-5d1c"
CANARY_TXT = b"CANARY-TXT-outside-the-vault-9e42"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20">'
    "<title>LEGIT-LOGO-7b1</title><circle cx='10' cy='10' r='8' fill='#1f3a4d'/></svg>"
)


EVIL_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
  <!ENTITY ns_svg "http://www.w3.org/2000/svg">
]>
<svg xmlns="&ns_svg;" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">
  <title>EVIL-SVG-c3</title>
  <script>alert(2)</script>
  <image xlink:href="https://evil.example/track.png" width="5" height="5"/>
  <foreignObject width="5" height="5"><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>
  <rect width="10" height="10" fill="#c00"/>
</svg>
"""


@pytest.fixture
def hostile_book(tmp_path, make_vault) -> Built:
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / "canary.png").write_bytes(CANARY_PNG)
    (tmp_path / "canary.txt").write_bytes(CANARY_TXT)
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "Hostile"\nlanguage = "fr"\nlogo = "logo.svg"\n',
        "a.md": """\
            # Alpha

            Raw <img src="../canary.png"> and ![x](../../canary.txt) and <img src="/etc/hostname">.

            An unclosed <img src="logo.svg" alt="Logo"> and a <br> break, <font color="red">rouge</font>.

            ![[logo.svg]]

            <iframe width="560" height="315" src="https://www.youtube.com/embed/abc123" title="Ma conférence"></iframe>

            <video src="https://example.com/v.mp4" controls></video>

            <form action="https://example.com"><input name="q"></form>

            See [[b#Deux]], [[Nowhere at all]] and [the site](https://example.org/).

            ![remote pic](https://example.com/pic.png)
            """,
        "b.md": """\
            # Beta

            ## Un

            Text.

            ## Deux

            Back to [[Alpha]].
            """,
        "logo.svg": LOGO,
        "d.md": "# Delta\n\n![[evil.svg]] ![[broken.svg]]\n",
        "evil.svg": EVIL_SVG,
        "broken.svg": "<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
    }, name="outer/vault")
    (vault / "leak.png").symlink_to(tmp_path / "outer" / "canary.png")
    (vault / "c.md").write_text("# Gamma\n\n![[leak.png]]\n", encoding="utf-8")
    return build(vault, tmp_path / "out")


def test_nothing_from_outside_the_vault_is_in_the_book(hostile_book):
    entries = hostile_book.entries
    for name, data in entries.items():
        assert CANARY_PNG not in data and CANARY_TXT not in data, f"{name} holds a file from outside the vault"
        assert b"canary" not in data.lower() or name.endswith(".xhtml"), name
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_bytes().strip()) > 6:
        assert not any(hostname.read_bytes().strip() in data for data in entries.values())
    media = [data for name, data in entries.items() if name.startswith("EPUB/media/")]
    assert any(b"LEGIT-LOGO-7b1" in data for data in media)  # the vault's own image made it in


@pytest.mark.slow
def test_hostile_vault_passes_epubcheck(hostile_book):
    assert problems(run_epubcheck(hostile_book.path)) == []


def test_raw_html_is_cleaned_and_reported(hostile_book):
    alpha = next(root for root in hostile_book.chapters().values()
                 if root.find(".//x:section[@id='n-a']", NS) is not None)
    text = "".join(alpha.itertext())
    assert "rouge" in text and "Nowhere at all" in text
    assert alpha.find(".//x:video", NS) is None and alpha.find(".//x:form", NS) is None
    assert alpha.find(".//x:iframe", NS) is None
    video = alpha.find(".//x:div[@class='video']//x:a", NS)
    assert video.get("href") == "https://www.youtube.com/watch?v=abc123"
    assert video.text == "Ma conférence"
    hrefs = [a.get("href") for a in alpha.iterfind(".//x:a", NS)]
    assert "https://example.org/" in hrefs
    remote = [a for a in alpha.iterfind(".//x:a", NS) if a.get("href") == "https://example.com/pic.png"]
    assert [a.text for a in remote] == ["remote pic"]  # a web image becomes a link, never fetched
    beta = [h for h in hrefs if h.endswith("#n-b--deux")]
    assert beta and not any("Nowhere" in (a.text or "") for a in alpha.iterfind(".//x:a", NS))
    codes = {(d.path, d.code) for d in hostile_book.report.diagnostics}
    assert ("a.md", "epub.html") in codes
    messages = " ".join(d.message for d in hostile_book.report.diagnostics if d.code == "epub.html")
    assert "<video>" in messages
    # a form never enters the model (vault/sanitize.py): the reader says so, the EPUB need not
    unsafe = " ".join(d.message for d in hostile_book.report.diagnostics if d.code == "html.unsafe")
    assert "<form>" in unsafe


def test_vault_images_never_read_outside_the_vault(tmp_path):
    """The EPUB's own guard, below the reader's: a path or symlink that leaves the vault gives nothing."""
    from xtdpublish.model import Asset, NavNode, Site
    from xtdpublish.render.epub.book import VaultImages

    vault = tmp_path / "vault"
    vault.mkdir()
    (tmp_path / "canary.png").write_bytes(CANARY_PNG)
    (vault / "logo.svg").write_text(LOGO, encoding="utf-8")
    (vault / "leak.png").symlink_to(tmp_path / "canary.png")
    (vault / "notes.pdf").write_bytes(b"%PDF-1.4")
    assets = tuple(Asset(p, t, 1) for p, t in (
        ("logo.svg", "image/svg+xml"), ("leak.png", "image/png"), ("../canary.png", "image/png"),
        ("notes.pdf", "application/pdf"),
    ))
    site = Site("T", "", "", "en", None, "{base_url}/{path}/")
    (vault / "unlisted.png").write_bytes(_tiny_png())  # in the vault, but no note uses it
    images = VaultImages(Model(site, (), NavNode("T", kind="root"), (), assets, (), vault))
    assert images.src("logo.svg") == "../media/img001.svg"
    assert images.src("leak.png") is None
    assert images.src("../canary.png") is None
    assert images.src("notes.pdf") is None  # not an image: a reader could not open it
    assert images.src("unlisted.png") is None  # only what the model lists as used
    assert [(f.href, f.media_type) for f in images.files] == [("media/img001.svg", "image/svg+xml")]
    assert b"LEGIT-LOGO-7b1" in images.files[0].data()
    assert images.data_uri("logo.svg").startswith("data:image/svg+xml;base64,")  # the cover's logo
    assert images.data_uri("leak.png") is None and images.data_uri("../canary.png") is None


@pytest.mark.slow
def test_a_vault_without_notes_still_makes_a_valid_book(make_vault, tmp_path):
    vault = make_vault({"xtdpublish.toml": '[site]\ntitle = "Vide & <rien>"\nlanguage = "de-CH"\n'})
    book = build(vault, tmp_path / "out")
    assert [anchor for anchor, _ in nav_tree(book)] == ["colophon"]  # a nav needs one entry
    assert book.opf.find(".//dc:title", NS).text == "Vide & <rien>"
    assert problems(run_epubcheck(book.path)) == []


def test_vault_svgs_are_cleaned_or_left_out(hostile_book):
    media = {name: data for name, data in hostile_book.entries.items() if name.startswith("EPUB/media/")}
    evil = [data for data in media.values() if b"EVIL-SVG-c3" in data]
    assert len(evil) == 1
    for needle in (b"<script", b"onload", b"evil.example", b"foreignObject", b"<!DOCTYPE", b"&ns_svg;"):
        assert needle not in evil[0]
    assert b"<rect" in evil[0]
    warnings = [d for d in hostile_book.report.diagnostics if d.code == "epub.svg"]
    assert [d.path for d in warnings] == ["broken.svg"]


@pytest.mark.slow
def test_a_vault_without_config_footnotes_tables_callouts(make_vault, tmp_path):
    vault = make_vault({
        "f.md": """\
            # Foot

            Text with a note[^1] and another[^n].

            | a | b |
            |---|---|
            | 1 | 2 |

            > [!note] Callout
            > inside ==marked==

            [^1]: First.
            [^n]: Second, see [[g]].
            """,
        "g.md": "# Other\n\nSee [[f]] and `code`.\n\n```python\nprint(1)\n```\n",
    }, name="plain-vault")
    book = build(vault, tmp_path / "out")
    assert book.opf.find(".//dc:title", NS).text == "plain-vault"  # no config: the folder's name
    assert [e.text for e in book.opf.iterfind(".//dc:language", NS)] == ["en"]
    assert assert_links_resolve(book) >= 5  # two footnotes there and back, and the wikilinks
    assert problems(run_epubcheck(book.path)) == []


def test_the_generated_cover_shows_the_sites_logo(hostile_book):
    cover = hostile_book.opf.find(".//opf:item[@properties='cover-image']", NS)
    svg = etree.fromstring(hostile_book.entries[f"EPUB/{cover.get('href')}"])
    images = svg.findall(".//{http://www.w3.org/2000/svg}image")
    assert len(images) == 1
    assert images[0].get("{http://www.w3.org/1999/xlink}href").startswith("data:image/svg+xml;base64,")


# --- our own writer: landmarks, links across chapter files, media files, well-formedness -----


def landmarks(book: Built) -> list[tuple[str, str, str]]:
    nav = book.xml("EPUB/nav.xhtml")
    marks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    return [(a.get(f"{{{NS['epub']}}}type"), a.get("href"), a.text) for a in marks.iterfind(".//x:a", NS)]


def test_landmarks_and_nav_speak_the_books_language(hostile_book, seed_vault, tmp_path):
    french = landmarks(hostile_book)
    assert [(kind, label) for kind, _, label in french] == [
        ("cover", "Couverture"), ("titlepage", "Page de titre"), ("bodymatter", "Début du guide"),
    ]
    for _, href, _ in french:  # each lands on a page of the spine
        assert f"EPUB/{href.partition('#')[0]}" in hostile_book.entries
    nav = hostile_book.xml("EPUB/nav.xhtml")
    assert nav.get("lang") == "fr"
    assert nav.find(".//x:nav[@epub:type='toc']/x:h1", NS).text == "Table des matières"
    everything = b"".join(data for name, data in hostile_book.entries.items() if name.endswith(".xhtml"))
    assert b"Title Page" not in everything and b"pandoc" not in everything
    english_vault = tmp_path / "english"
    shutil.copytree(seed_vault, english_vault)
    config = english_vault / "xtdpublish.toml"
    config.write_text(re.sub(r'language = "[^"]*"', 'language = "en"', config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    english = build(english_vault, tmp_path / "en")
    assert [label for _, _, label in landmarks(english)] == ["Cover", "Title page", "Start of the guide"]


def test_links_across_chapters_name_the_file_that_holds_the_id(hostile_book, sample_book):
    chapters = hostile_book.chapters()
    alpha = next(name for name, root in chapters.items() if root.find(".//x:section[@id='n-a']", NS) is not None)
    beta = next(name for name, root in chapters.items() if root.find(".//x:section[@id='n-b']", NS) is not None)
    assert alpha != beta
    hrefs = [a.get("href") for a in chapters[alpha].iterfind(".//x:a", NS)]
    assert PurePosixPath(beta).name + "#n-b--deux" in hrefs
    assert chapters[beta].find(".//*[@id='n-b--deux']", NS) is not None
    # In the sample, most links between notes cross files, and every one of them resolves.
    crossing = [
        a.get("href") for root in sample_book.chapters().values() for a in root.iterfind(".//x:a[@href]", NS)
        if re.match(r"ch\d+\.xhtml#", a.get("href"))
    ]
    assert len(crossing) > 20
    assert assert_links_resolve(sample_book) >= len(crossing)


def manifest(book: Built) -> dict[str, tuple[str, str]]:
    """href → (id, media-type) of every item of the package document."""
    return {item.get("href"): (item.get("id"), item.get("media-type"))
            for item in book.opf.iterfind(".//opf:manifest/opf:item", NS)}


MAGIC = {"image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8", "image/gif": b"GIF8"}


@pytest.mark.parametrize("book_name", ["hostile_book", "sample_book"])
def test_images_are_files_of_the_book_with_their_media_type(book_name, request):
    book = request.getfixturevalue(book_name)
    items = manifest(book)
    shown = set()
    for name, root in book.chapters().items():
        for image in root.iterfind(".//x:img", NS):
            src = image.get("src")
            assert not src.startswith("data:"), f"{name}: an image inlined as a data: URI"
            assert not re.search(r"\.(png|jpe?g|gif|svg|webp)$", image.get("alt"), re.I), image.get("alt")
            if name != "EPUB/text/cover.xhtml":
                shown.add(_normalize(str(PurePosixPath(name).parent / src)).removeprefix("EPUB/"))
    assert shown and all(href in items for href in shown)
    for href in shown:
        media_type = items[href][1]
        data = book.entries["EPUB/" + href]
        if media_type == "image/svg+xml":
            assert etree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"
        else:
            assert data.startswith(MAGIC[media_type]), (href, media_type)
    # Every file is in the manifest, every item is in the zip, no image is there unused.
    files = {name.removeprefix("EPUB/") for name in book.entries if name.startswith("EPUB/")} - {"content.opf"}
    assert files == set(items)
    media = {href for href in items if href.startswith("media/") and not href.startswith("media/cover.")}
    assert media == shown


def test_html_only_constructs_become_well_formed_xhtml(make_vault, tmp_path):
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
        "a.md": (
            "# A\n\nUn&nbsp;espace, &eacute;t&eacute; &copy; &#x1F600; and a tab\u000bchar.<br>Line two<hr>\n\n"
            '<p align="center" style="color:red" onclick="x()">centre <custom-tag data-x="1">inconnu</custom-tag>'
            ' <center>vieux</center> <img src="nothing.png" width="50%"></p>\n\n'
            "<table><tr><td colspan=\"0\" rowspan=\"2\" width=\"abc\">cell</td></tr></table>\n\n"
            '<a href="https://example.org/a b">espace</a> <a href="#nowhere">nulle part</a>\n'
        ),
    })
    book = build(vault, tmp_path / "out")
    page = next(root for root in book.chapters().values() if root.find(".//x:section[@id='n-a']", NS) is not None)
    text = "".join(page.itertext())
    assert "Un\u00a0espace" in text and "été ©" in text and "\U0001F600" in text and "\u000b" not in text
    assert "inconnu" in text and "vieux" in text and "nulle part" in text
    assert page.find(".//x:br", NS) is not None and page.find(".//x:hr", NS) is not None
    tags = {etree.QName(el).localname for el in page.iter() if isinstance(el.tag, str)}
    assert not tags & {"custom-tag", "center"}
    attributes = {name for el in page.iter() if isinstance(el.tag, str) for name in el.attrib}
    assert not attributes & {"onclick", "align", "style", "width", "colspan", "data-x"}
    assert page.find(".//x:td", NS).get("rowspan") == "2"
    hrefs = [a.get("href") for a in page.iterfind(".//x:a", NS)]
    assert "https://example.org/a%20b" in hrefs and "#nowhere" not in hrefs


@pytest.mark.slow
def test_html_only_constructs_pass_epubcheck(make_vault, tmp_path):
    vault = make_vault({
        "a.md": "# A\n\n&nbsp;<br><custom-tag>x</custom-tag><img src='x.png' width='50%'>"
                '<td align="left">stray cell</td> <li>stray item</li> <a href="#gone">gone</a>\n\n'
                "<p>para <span>in <div>block in span</div></span></p>\n\n"
                "<ul>text first<p>para in list</p><li>ok</li> tail</ul><dl><p>x</p><dt>t</dt></dl>\n\n"
                '<h3>Head <div>div <ul><li>x</li></ul></div></h3> <p><a href="https://example.org"><div>b</div></a></p>'
                "\n\n<table><p>p in table</p><tr><li>li in tr</li><td>cell</td></tr></table>\n",
    })
    assert problems(run_epubcheck(build(vault, tmp_path / "out").path)) == []


def test_a_book_with_images_is_byte_identical_when_built_again(tmp_path, make_vault):
    files = {
        "xtdpublish.toml": '[site]\ntitle = "Images"\nlanguage = "fr"\n',
        "a.md": "# A\n\n![[pic.png]] ![[logo.svg]] [[b#Deux]]\n",
        "b.md": "# B\n\n## Deux\n\n![[pic.png]]\n",
        "pic.png": _tiny_png(),
        "logo.svg": LOGO,
    }
    vaults = [make_vault(files, name="one"), make_vault(files, name="two")]
    for file in (f for vault in vaults for f in vault.rglob("*") if f.is_file()):
        os.utime(file, (1_700_000_000, 1_700_000_000))  # the notes' dates: their files' times
    first, second = build(vaults[0], tmp_path / "one"), build(vaults[1], tmp_path / "two")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert {name for name in first.entries if name.startswith("EPUB/media/")} == {
        "EPUB/media/cover.svg", "EPUB/media/img001.png", "EPUB/media/img002.svg",
    }


def test_every_language_has_every_label():
    from xtdpublish.render.epub.book import WORDS

    assert all(set(words) == set(WORDS["en"]) for words in WORDS.values())


def test_a_themes_colophon_is_the_last_page_cleaned_like_a_note(make_vault, tmp_path):
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n[guide]\ntheme = "theme"\n',
        "a.md": "# A\n",
        "theme/epub.html.j2": "<p>Merci à {{ guide.author or 'nous' }}<br>et <custom>à tous</custom>"
                              "<script>x()</script> &eacute;t&eacute;</p>",
    })
    book = build(vault, tmp_path / "out")
    spine = [item.get("idref") for item in book.opf.iterfind(".//opf:spine/opf:itemref", NS)]
    hrefs = {item.get("id"): item.get("href") for item in book.opf.iterfind(".//opf:manifest/opf:item", NS)}
    last = book.xml("EPUB/" + hrefs[spine[-1]])
    colophon = last.find(".//x:section[@id='colophon']/x:div[@class='colophon']", NS)
    assert "".join(colophon.itertext()) == "Merci à nouset à tous été"
    assert colophon.find(".//x:br", NS) is not None and last.find(".//x:script", NS) is None


def test_the_tag_index_has_the_same_name_in_the_epub_as_on_paper_and_in_word():
    """The same book in each output: the EPUB said "Index des thèmes" where the PDF and the
    Word document say "Index des étiquettes" (and "Index of topics" for "Index of tags")."""
    import jinja2

    from xtdpublish.render.epub.book import WORDS as EPUB_WORDS
    from xtdpublish.render.office.document import words_for
    from xtdpublish.render.pdf.book import DEFAULT_THEME

    labels = jinja2.Environment(loader=jinja2.FileSystemLoader(str(DEFAULT_THEME))).get_template(
        "partials/labels.html.j2")
    for language in EPUB_WORDS:
        names = {EPUB_WORDS[language]["tag_index"], words_for(language)["tag_index"]}
        paper = labels.make_module({"language": language})
        if language in paper.all_labels:
            names.add(paper.labels["tag_index"])
        assert len(names) == 1, (language, names)


def test_a_web_image_whose_alt_text_is_a_guess_is_linked_by_its_address():
    """The help vault's ``![](https://twitter.com/obsdmd/status/1580548874246443010)``: the EPUB
    linked "1580548874246443010", the guess from its address, where the address says more."""
    from lxml import html as lxml_html

    from xtdpublish.render.epub.xhtml import _clean_image

    paragraph = lxml_html.fragment_fromstring(
        '<p>A <img src="https://twitter.com/obsdmd/status/158" alt="158" data-alt="guessed"> and '
        '<img src="https://example.com/pic.png" alt="remote pic"></p>')
    for image in list(paragraph.iter("img")):
        _clean_image(image, "a.md", Report())
    assert [(a.get("href"), a.text) for a in paragraph.iter("a")] == [
        ("https://twitter.com/obsdmd/status/158", "https://twitter.com/obsdmd/status/158"),
        ("https://example.com/pic.png", "remote pic")]
    assert "".join(paragraph.itertext()).startswith("A https://twitter.com/obsdmd/status/158 and ")
