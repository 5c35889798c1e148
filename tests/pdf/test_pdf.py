"""The printed guide, read back from the PDF with pypdf: outline, text, links, page numbers,
metadata, tags; and what WeasyPrint may read while it lays the book out."""

from __future__ import annotations

import re
import socket
import unicodedata
from pathlib import Path

import pytest
from lxml import html
from pypdf import PdfReader

from pdfcheck import check_every_number, fragments, internal_links, plain, text_in_rect
from xtdpublish.config import load_config
from xtdpublish.report import Report
from xtdpublish.render.pdf import book as pdf_renderer
from xtdpublish.render.body import anchor_id
from xtdpublish.render.guide import typeset
from xtdpublish.render.pdf.fetcher import ConfinedFetcher, RefusedResource
from xtdpublish.vault.reader import read_vault

FRONT_MATTER = ["À propos de ce guide", "Table des matières"]
SAMPLE_PARTS = [
    "Comprendre la transformation numérique",
    "Gérer son environnement numérique",
    "Gérer ses collections",
    "Concevoir l'expérience visiteur",
]


def build_pdf(vault: Path, out: Path):
    config = load_config(vault)
    report = Report()
    model = read_vault(vault, config, report)
    paths = pdf_renderer.render(model, config, out, report)
    return model, report, PdfReader(paths[0]), paths[0]


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u2010\u00ad-]+", "", unicodedata.normalize("NFC", text))


def outline_tree(reader: PdfReader, items=None):
    items = reader.outline if items is None else items
    tree, last = [], None
    for item in items:
        if isinstance(item, list):
            tree[-1] = (last, outline_tree(reader, item))
        else:
            last = plain(item.title)
            tree.append((last, []))
    return tree


def expected_outline(model):
    """The outline the navigation tree asks for, computed from the model itself."""
    from xtdpublish.render.guide import build_guide

    guide = build_guide(model, pdf_renderer.paper_policy(model, pdf_renderer._environment(
        pdf_renderer.find_theme(model.root, load_config(model.root)), model.site.language)))

    def tree(sections):
        return [(plain(s.title), tree(s.children)) for s in sections]

    return [(title, []) for title in FRONT_MATTER] + tree(guide.sections) + [("Index des étiquettes", [])]


def nav_titles(model, node, depth=0):
    """(depth, note id) of every published note the navigation reaches, in order."""
    out = []
    for child in node.children:
        if child.kind == "unlisted":
            continue
        if child.note and model.get(child.note):
            out.append(child.note)
        out.extend(nav_titles(model, child, depth + 1))
    return out


def uri_links(reader: PdfReader):
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                yield str(action["/URI"])


def check_page_references(reader: PdfReader) -> int:
    """Every « (p. N) » printed inside a link is the page its destination is on."""
    checked = 0
    cache: dict[int, list] = {}
    for index, rect, target in internal_links(reader):
        if index not in cache:
            cache[index] = fragments(reader.pages[index])
        text = plain(text_in_rect(cache[index], rect))
        match = re.search(r"\(p\. ?(\d+)\)", text)
        if match:
            assert int(match.group(1)) == target + 1, f"page {index + 1}: {text!r} points at page {target + 1}"
            checked += 1
    return checked


def check_toc_numbers(reader: PdfReader) -> int:
    """The page numbers at the end of the table of contents' lines are the sections' pages."""
    checked = 0
    toc_pages = {i for i, page in enumerate(reader.pages[:8]) if "Table des matières" in page.extract_text()}
    cache: dict[int, list] = {}
    for index, rect, target in internal_links(reader):
        if index not in toc_pages and index - 1 not in toc_pages:
            continue
        if index not in cache:
            cache[index] = fragments(reader.pages[index])
        text = plain(text_in_rect(cache[index], rect))
        match = re.search(r"(\d+)$", text)
        if match and "(p." not in text:
            assert int(match.group(1)) == target + 1, f"contents, page {index + 1}: {text!r}"
            checked += 1
    return checked



def check_tag_index(reader: PdfReader) -> dict[str, int]:
    """Every entry of the tag index ends with the page its note starts on; returns how many."""
    pages = [i for i, page in enumerate(reader.pages) if "Index des étiquettes" in page.extract_text()[:40]]
    assert pages, "no tag index"
    first = pages[0]
    cache: dict[int, list] = {}
    entries = set()  # WeasyPrint nests an annotation per box of a link (line, leader, number)
    for index, rect, target in internal_links(reader):
        if index < first or (index, round(min(rect[1], rect[3])), target) in entries:
            continue
        entries.add((index, round(min(rect[1], rect[3])), target))
        if index not in cache:
            cache[index] = fragments(reader.pages[index])
        text = plain(text_in_rect(cache[index], rect))
        match = re.search(r"(\d+)$", text)
        assert match, f"index, page {index + 1}: {text!r} has no page number"
        assert int(match.group(1)) == target + 1, f"index, page {index + 1}: {text!r} points at page {target + 1}"
        title = text[:match.start()].rstrip(" .").replace(" ", "")  # lines wrap differently
        assert title and title in plain(reader.pages[target].extract_text()).replace(" ", ""), \
            f"index entry {text!r} is not the title of the note on page {target + 1}"
    return len(entries)


# ---------------------------------------------------------------- the seed vault

@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    from conftest import CONTENT

    return build_pdf(CONTENT, tmp_path_factory.mktemp("seed-pdf"))


def test_seed_outline_equals_the_navigation(seed_pdf):
    model, _, reader, _ = seed_pdf
    assert outline_tree(reader) == expected_outline(model)
    titles = [t for t, _ in outline_tree(reader)]
    language = model.site.language
    assert [plain(typeset(model.note(i).title, language)) for i in nav_titles(model, model.nav)] == titles[2:-1]


def test_seed_every_note_title_is_printed(seed_pdf):
    model, _, reader, _ = seed_pdf
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    for note in model.notes:
        assert squeeze(note.title) in text, note.title


def test_seed_page_references_are_the_pages_of_their_targets(seed_pdf):
    _, _, reader, _ = seed_pdf
    assert check_page_references(reader) >= 5  # the seeds link to each other, and « Apparaît dans »
    assert check_toc_numbers(reader) >= 5


def test_seed_no_file_link_and_metadata_and_tags(seed_pdf):
    model, _, reader, path = seed_pdf
    uris = list(uri_links(reader))
    assert uris and all(u.startswith(("http://", "https://", "mailto:")) for u in uris), uris
    assert b"file:" not in path.read_bytes()
    assert reader.metadata.title.startswith("MuseumXTD")
    assert reader.metadata.author == "MuseumXTD"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])


def test_seed_external_urls_are_printed_for_paper_readers(seed_pdf):
    model, _, reader, _ = seed_pdf
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    assert squeeze("pro.europeana.eu/post/sign-up-for-a-new-mooc") in text  # a link whose label hides its URL


def test_seed_builds_are_reproducible(tmp_path):
    """Two processes (different hash seeds) with SOURCE_DATE_EPOCH set write the same bytes."""
    import os
    import subprocess
    import sys

    from conftest import CONTENT

    code = ("import sys; from pathlib import Path; from xtdpublish.config import load_config;"
            "from xtdpublish.report import Report; from xtdpublish.vault.reader import read_vault;"
            "from xtdpublish.render.pdf.book import render; v = Path(sys.argv[1]); c = load_config(v);"
            "r = Report(); render(read_vault(v, c, r), c, Path(sys.argv[2]), r)")
    for seed in ("1", "2"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(CONTENT), str(tmp_path / seed)],
                       env=env, check=True, capture_output=True)
    first = (tmp_path / "1" / "guide.pdf").read_bytes()
    assert first == (tmp_path / "2" / "guide.pdf").read_bytes()
    meta = PdfReader(tmp_path / "1" / "guide.pdf").metadata
    assert meta.creation_date.isoformat().startswith("2023-11-14T22:13:20")


# ---------------------------------------------------------------- the MuseumXTD sample

@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    from conftest import SAMPLE_CONFIG, SAMPLE_VAULT

    if not SAMPLE_VAULT.is_dir():
        pytest.skip(f"the MuseumXTD sample vault is not here ({SAMPLE_VAULT})")
    import shutil

    vault = tmp_path_factory.mktemp("sample") / "museumxtd-sample"
    shutil.copytree(SAMPLE_VAULT, vault, symlinks=True)
    (vault / "xtdpublish.toml").write_text(SAMPLE_CONFIG, encoding="utf-8")
    return build_pdf(vault, tmp_path_factory.mktemp("sample-pdf"))


@pytest.mark.slow
def test_sample_outline_has_the_four_parts_and_follows_the_navigation(sample_pdf):
    model, _, reader, _ = sample_pdf
    tree = outline_tree(reader)
    assert tree == expected_outline(model)
    top = [title for title, _ in tree]
    assert [t for t in top if t in SAMPLE_PARTS] == SAMPLE_PARTS
    assert "Annexe" in top
    questions = dict(tree)["Gérer son environnement numérique"]
    assert "Comment élaborer une stratégie numérique ?" in [t for t, _ in questions]


@pytest.mark.slow
def test_sample_every_published_note_is_in_the_text(sample_pdf):
    model, _, reader, _ = sample_pdf
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    missing = [note.title for note in model.notes if squeeze(note.title) not in text]
    assert not missing


@pytest.mark.slow
def test_sample_links_and_page_numbers(sample_pdf):
    _, _, reader, path = sample_pdf
    assert check_page_references(reader) >= 100
    assert check_toc_numbers(reader) >= 40
    tagged = sum(len(note.tags) for note in sample_pdf[0].notes)
    assert check_tag_index(reader) == tagged  # each (tag, note) pair once, numbered right
    numbers = check_every_number(reader)
    assert not numbers.wrong and numbers.index == tagged, numbers.wrong
    assert all(u.startswith(("http://", "https://", "mailto:", "tel:")) for u in uri_links(reader))
    assert b"file:" not in path.read_bytes()


@pytest.mark.slow
def test_sample_videos_become_qr_blocks_and_images_are_embedded(sample_pdf):
    model, report, reader, _ = sample_pdf
    text = "".join(page.extract_text() for page in reader.pages)
    iframes = sum(note.body_html.count("<iframe") for note in model.notes)
    assert iframes > 0
    assert text.count("Scannez pour regarder") == iframes
    assert "youtube.com/watch?v=" in text
    images = {image.name for page in reader.pages for image in page.images}  # resources are shared
    assert len(images) >= iframes + 3  # a QR code a video, and the partners' PNG logos
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and "/StructTreeRoot" in root
    assert not [d for d in report.diagnostics if d.code == "pdf.note"]


# ---------------------------------------------------------------- safety

def test_hostile_note_reaches_no_network_and_nothing_outside(tmp_path, make_vault):
    outside = tmp_path / "outside.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                       '<text x="0" y="30">SECRET-OUTSIDE</text></svg>', encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    vault = make_vault({
        "hostile.md": f"""\
            # Hostile

            <img src="http://127.0.0.1:{port}/x.png" alt="distant">

            <img src="/etc/passwd" alt="passwd">

            ![dehors](../outside.svg)

            <p style="background: url(http://127.0.0.1:{port}/bg.png)">fond</p>

            <style>@import url(http://127.0.0.1:{port}/x.css);</style>

            <img src="file://{outside}" alt="absolu">

            <a href="../outside.svg">relatif</a> et [[Autre]]

            ![cassée](broken.png)
            """,
        "broken.png": b"not a PNG at all",
        "Autre.md": "# Autre\n\nBonjour.\n",
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    (vault / "lien.svg").symlink_to(outside)
    (vault / "Autre.md").write_text("# Autre\n\n![symlink](lien.svg)\n", encoding="utf-8")
    try:
        model, report, reader, path = build_pdf(vault, tmp_path / "out")
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    text = "".join(page.extract_text() for page in reader.pages)
    assert "hostile" in text and "SECRET-OUTSIDE" not in text
    assert sum(len(page.images) for page in reader.pages) == 0
    assert all(u.startswith(("http", "mailto")) for u in uri_links(reader))
    assert b"file:" not in path.read_bytes()
    codes = {(d.path, d.code) for d in report.diagnostics}
    assert ("hostile.md", "pdf.remote-image") in codes
    # WeasyPrint logs the unreadable vault image instead of raising: a diagnostic with note and line.
    broken = [d for d in report.diagnostics if d.code == "pdf.resource"]
    assert [(d.path, d.line) for d in broken] == [("hostile.md", 17)], broken
    assert "broken.png" in broken[0].message


def test_confined_fetcher_refuses_network_dotdot_and_symlinks(tmp_path):
    inside = tmp_path / "vault"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (inside / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = ConfinedFetcher([inside])
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in ("http://127.0.0.1:9/x", "https://example.org/", "ftp://x/y",
                (inside / "link.txt").as_uri(), inside.as_uri() + "/../secret.txt",
                "file://otherhost" + str(inside / "ok.css")):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


def test_a_note_that_breaks_the_layout_is_replaced_and_the_rest_is_printed(tmp_path, make_vault, monkeypatch):
    vault = make_vault({
        "bad.md": "# Bad\n\nBOOM-MARKER\n",
        "good.md": "# Good\n\nFine text.\n",
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    real = pdf_renderer.HTML

    def fragile(*args, string="", **kwargs):
        if "BOOM-MARKER" in string:
            raise RuntimeError("layout exploded")
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(pdf_renderer, "HTML", fragile)
    model, report, reader, _ = build_pdf(vault, tmp_path / "out")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Fine text." in text and "BOOM-MARKER" not in text
    assert "n’a pas pu être mise en page" in text
    assert [(d.path, d.code) for d in report.diagnostics if d.code == "pdf.note"] == [("bad.md", "pdf.note")]


def test_the_previous_guide_survives_a_failed_build(tmp_path, make_vault, monkeypatch):
    vault = make_vault({"a.md": "# A\n", "xtdpublish.toml": '[site]\ntitle = "T"\n'})
    out = tmp_path / "out"
    build_pdf(vault, out)
    before = (out / "guide.pdf").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pdf_renderer, "_weasyprint", broken)
    with pytest.raises(RuntimeError):
        build_pdf(vault, out)
    assert (out / "guide.pdf").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["guide.pdf"]


def test_anchor_ids_match_the_outline_destinations(seed_pdf):
    model, _, reader, _ = seed_pdf
    names = set(reader.named_destinations)
    for note in model.notes:
        assert anchor_id(note.id) in names


# ---------------------------------------------------------------- the HTML made fit for paper

def test_prepare_links_pictures_and_images_for_paper():
    from xtdpublish.model import Model, NavNode, Site
    from xtdpublish.render.pdf.paper import prepare

    model = Model(Site("T", "", "", "fr", None, "{base_url}/{path}/"), (), NavNode("T", kind="root"),
                  (), (), (), Path("/vault"))
    document = """<html><body><main><section data-source="a.md" id="n-a"><div class="note-body">
      <p><a href="#n-a--gone">gone heading</a> <a href="#n-zz">nowhere</a> <a href="note.md">rel</a>
         <a href="file:///etc/passwd">file</a> <a href="https://e.org/x">label</a>
         <a href="https://e.org/y">https://e.org/y</a> <a href="mailto:a@b.ch?subject=Hi">écrire</a></p>
      <picture><source type="image/avif" srcset="file:///vault/a.avif"><source srcset="file:///vault/s.png 1x, file:///vault/l.png 2x">
        <img src="file:///vault/fallback.png" alt="Logo"></picture>
      <img src="https://cdn.example/x.png" alt="remote"><img src="file:///vault/noalt.png">
      <p>Un tweet : <img src="https://twitter.com/obsdmd/status/158" alt="158" data-alt="guessed"></p>
    </div></section></main></body></html>"""
    prepared = prepare(document, model)
    tree = html.document_fromstring(prepared.html)
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert hrefs == ["#n-a", "https://e.org/x", "https://e.org/y", "mailto:a@b.ch?subject=Hi",
                     "https://cdn.example/x.png", "https://twitter.com/obsdmd/status/158"]
    assert "nowhere" in prepared.html and "rel" in prepared.html  # labels stay, links go
    notes = [li.text for li in tree.find_class("link-notes")[0]]
    # the printed URL gets no second copy; a web image is its alt text linked to its URL, or,
    # its alt text a guess ("158" for a tweet, help vault), the URL itself
    assert notes == ["https://e.org/x", "a@b.ch", "https://cdn.example/x.png"]
    assert [a.text for a in tree.find_class("missing-image")] == [
        "remote", "https://twitter.com/obsdmd/status/158"]
    images = [(img.get("src"), img.get("alt")) for img in tree.iter("img")]
    assert images == [("file:///vault/l.png", "Logo"), ("file:///vault/noalt.png", None)]
    assert not list(tree.iter("picture", "source"))
    codes = sorted(code for _, _, code, _ in prepared.diagnostics)
    assert codes == ["pdf.remote-image", "pdf.remote-image"]  # an image's alt text: the reader's (a11y.image-alt)


def test_links_to_headings_point_at_the_heading(tmp_path, make_vault):
    vault = make_vault({
        "A.md": "# A\n\nVoir [[B#Deuxième partie]] et [[Absente]].\n",
        "B.md": "# B\n\n## Première partie\n\n" + "Texte.\n\n" * 60 + "## Deuxième partie\n\nFin.\n",
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    model, report, reader, _ = build_pdf(vault, tmp_path / "out")
    b = next(note for note in model.notes if note.title == "B")
    heading = next(h for h in b.headings if h.text == "Deuxième partie")
    links = internal_links(reader)
    target = reader.get_destination_page_number(reader.named_destinations[anchor_id(b.id, heading.anchor)])
    assert any(dest == target for _, _, dest in links)
    assert target > reader.get_destination_page_number(reader.named_destinations[anchor_id(b.id)])
    assert check_page_references(reader) >= 1
    text = plain("".join(page.extract_text() for page in reader.pages))
    assert "et Absente." in text  # a target not in the guide prints its label alone


def test_site_logo_is_on_the_cover_and_only_from_inside_the_vault(tmp_path, make_vault):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(png, format="PNG")
    (tmp_path / "outside.png").write_bytes(png.getvalue())
    config = '[site]\ntitle = "T"\nlanguage = "fr"\nlogo = "{}"\n'
    vault = make_vault({"a.md": "# A\n", "images/logo.png": png.getvalue(),
                        "xtdpublish.toml": config.format("images/logo.png")})
    _, _, reader, _ = build_pdf(vault, tmp_path / "in")
    cover = reader.pages[0]
    assert [image.image.size for image in cover.images] == [(40, 20)]
    assert b" Do" in cover.get_contents().get_data()  # drawn on the cover, not only listed
    (vault / "xtdpublish.toml").write_text(config.format("../outside.png"), encoding="utf-8")
    _, _, reader, _ = build_pdf(vault, tmp_path / "out")
    assert sum(len(page.images) for page in reader.pages) == 0


def test_a_vault_theme_overrides_what_it_has_and_a_missing_one_is_a_config_error(tmp_path, make_vault):
    from xtdpublish.config import ConfigError

    vault = make_vault({
        "a.md": "# A\n\nTexte.\n",
        "theme/guide.css": "@import url(http://127.0.0.1:9/x.css);\n@page { size: A4 }\n",
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n[guide]\ntheme = "theme"\n',
    })
    _, report, reader, _ = build_pdf(vault, tmp_path / "out")
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 from the vault's CSS
    assert "Table des matières" in reader.pages[0].extract_text()  # templates from the default
    assert any(d.code == "pdf.resource" for d in report.diagnostics)  # the @import was refused
    (vault / "xtdpublish.toml").write_text('[guide]\ntheme = "nowhere"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="guide.theme"):
        build_pdf(vault, tmp_path / "out2")


def test_a_youtube_embed_becomes_a_block_whose_qr_code_encodes_the_watch_url(tmp_path, make_vault):
    import segno

    vault = make_vault({
        "v.md": '# Vidéo\n\n<iframe width="560" height="315" src="https://www.youtube.com/embed/QEPvU93NYn0" '
                'title="Le forum" frameborder="0" allowfullscreen></iframe>\n',
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "fr"\n',
    })
    _, _, reader, _ = build_pdf(vault, tmp_path / "out")
    text = plain("".join(page.extract_text() for page in reader.pages))
    url = "https://www.youtube.com/watch?v=QEPvU93NYn0"
    assert "Le forum" in text and url in text and "Scannez pour regarder" in text
    images = {image.name: image.image for page in reader.pages for image in page.images}
    assert len(images) == 1
    pixels = next(iter(images.values())).convert("L")
    expected = segno.make(url, error="m").matrix
    border = (pixels.width - len(expected)) // 2
    assert border == 2
    decoded = [[pixels.getpixel((x + border, y + border)) < 128 for x in range(len(row))]
               for y, row in enumerate(expected)]
    assert decoded == [[bool(v) for v in row] for row in expected]
