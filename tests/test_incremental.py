"""Incremental builds: an output is rebuilt exactly when one of its inputs changed.

Each kind of input (a note, an embedded asset, the config, the theme, the logo,
SOURCE_DATE_EPOCH, the tool's version) is changed alone, and the build must rebuild the
outputs that use it and keep the others; a second, unchanged run rebuilds nothing.

A feed uses only its own notes and where their links point: a note in no feed leaves the
feeds as they were. Random series of edits check that a feed kept is always the very feed a
forced build writes (XTD_EDIT_EXAMPLES sets how many series; 12 by default).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xtdpublish import rendering
from xtdpublish import fingerprint
from xtdpublish.build import build
from xtdpublish.config import load_config

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5b3c2f80000000049454e44ae426082"
)
FIGURE = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect fill="red"/></svg>'
CONFIG = """\
[site]
title = "Incremental"
language = "fr"
base_url = "https://example.org"
logo = "logo.png"
[guide]
root = "index.md"
theme = "theme"
"""
FILES = {
    "xtdpublish.toml": CONFIG,
    "index.md": "---\neleventyNavigation:\n  key: home\n---\n# Accueil\n\n[[A]] [[B]]\n",
    "A.md": "---\ntags: ressource\ndate: 2022-01-02\n---\n# A\n\nVoir [[B]].\n\n![[figure.svg]]\n",
    "B.md": "---\ntags: ressource\ndate: 2022-02-03\n---\n# B\n\nTexte.\n",
    "figure.svg": FIGURE,
    "logo.png": PNG,
    "theme/guide.css": "@page { size: A5; }\nbody { font-family: serif; }\n",
}
CHEAP = ["model", "json", "rss", "atom"]  # the formats that read only the model and config
ALL = CHEAP + ["epub", "pdf"]


def rebuilt(vault, out, formats=ALL, **options) -> set[str]:
    result = build(vault, load_config(vault), out, formats, **options)
    assert not result.config_errors and result.exit_code() == 0, result.report.sorted()
    assert set(result.written) == set(formats)
    for paths in result.written.values():
        assert paths and all(p.is_file() for p in paths)
    return set(formats) - set(result.unchanged)


@pytest.fixture
def built(make_vault, tmp_path):
    """A vault built once in every format, then once more unchanged (which rebuilds nothing)."""
    vault = make_vault(FILES)
    out = tmp_path / "out"
    assert rebuilt(vault, out) == set(ALL)
    assert rebuilt(vault, out) == set()
    return vault, out


def edit(path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_an_unchanged_vault_rebuilds_nothing_and_keeps_its_report(built):
    vault, out = built
    report = (out / "report.json").read_text(encoding="utf-8")
    page = (out / "report.html").stat().st_mtime_ns
    assert rebuilt(vault, out) == set()
    assert json.loads(report)["diagnostics"] == json.loads(
        (out / "report.json").read_text(encoding="utf-8"))["diagnostics"]
    assert (out / "report.html").stat().st_mtime_ns == page  # nothing changed: not rewritten


def test_an_edited_note_rebuilds_every_output(built):
    vault, out = built
    edit(vault / "B.md", "\nUne phrase de plus.\n")
    assert rebuilt(vault, out) == set(ALL)
    assert "Une phrase de plus" in (out / "model.json").read_text(encoding="utf-8")
    assert rebuilt(vault, out) == set()


def test_a_new_note_and_a_deleted_note_rebuild_every_output(built):
    vault, out = built
    (vault / "C.md").write_text("# C\n\nNouvelle.\n", encoding="utf-8")
    assert rebuilt(vault, out) == set(ALL)
    (vault / "C.md").unlink()
    assert rebuilt(vault, out) == set(ALL)


def test_a_changed_image_rebuilds_the_formats_that_embed_it(built):
    vault, out = built
    # same size: the model (which holds an asset's size) is unchanged, the image is not
    (vault / "figure.svg").write_text(FIGURE.replace("red", "tan"), encoding="utf-8")
    assert rebuilt(vault, out) == {"epub", "pdf"}


def test_a_changed_logo_rebuilds_the_formats_that_embed_it(built):
    vault, out = built
    (vault / "logo.png").write_bytes(PNG + b"\0\0")
    assert rebuilt(vault, out) == {"epub", "pdf"}


def test_a_changed_theme_rebuilds_the_laid_out_formats_only(built):
    vault, out = built
    edit(vault / "theme" / "guide.css", "h1 { color: black; }\n")
    assert rebuilt(vault, out) == {"epub", "pdf"}
    (vault / "theme" / "epub.css").write_text("p { margin: 0; }\n", encoding="utf-8")
    assert rebuilt(vault, out) == {"epub", "pdf"}


def test_a_changed_config_rebuilds_every_output(built):
    vault, out = built
    edit(vault / "xtdpublish.toml", '[feeds]\ntags = ["ressource"]\nlimit = 5\n')
    assert rebuilt(vault, out) == set(ALL)


def test_a_changed_source_date_epoch_rebuilds_every_output(built, monkeypatch):
    vault, out = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert rebuilt(vault, out) == set(ALL)
    assert rebuilt(vault, out) == set()


def test_another_tool_version_rebuilds_every_output(built, monkeypatch):
    vault, out = built
    monkeypatch.setattr(fingerprint, "FORMAT", fingerprint.FORMAT + "+next")
    assert rebuilt(vault, out) == set(ALL)


def test_a_deleted_output_is_written_again_and_only_it(built):
    vault, out = built
    (out / "feed.json").unlink()
    assert rebuilt(vault, out) == {"json"}


def test_force_rebuilds_every_output(built):
    vault, out = built
    assert rebuilt(vault, out, force=True) == set(ALL)


@pytest.mark.parametrize("content", ["{not json", "[]", json.dumps({"format": "other"}),
                                     json.dumps({"format": fingerprint.FORMAT, "outputs": []})])
def test_a_corrupt_or_foreign_output_cache_is_ignored(built, content):
    vault, out = built
    (out / fingerprint.CACHE_FILE).write_text(content, encoding="utf-8")
    assert rebuilt(vault, out, CHEAP) == set(CHEAP)


def test_a_tampered_hash_is_not_trusted(built):
    vault, out = built
    path = out / fingerprint.CACHE_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["outputs"]["rss"]["hash"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    assert rebuilt(vault, out, CHEAP) == {"rss"}


def test_an_unchanged_output_keeps_its_diagnostics(make_vault, tmp_path):
    vault = make_vault({**FILES, "A.md": "# A\n\n[[Nowhere]]\n"})
    out = tmp_path / "out"
    first = build(vault, load_config(vault), out, CHEAP)
    second = build(vault, load_config(vault), out, CHEAP)
    assert set(second.unchanged) == set(CHEAP)
    assert first.report.sorted() == second.report.sorted()
    assert "link.dangling" in {d.code for d in second.report.diagnostics}


def test_a_format_that_failed_is_tried_again(make_vault, tmp_path, monkeypatch):
    vault = make_vault(FILES)
    out = tmp_path / "out"
    real = rendering.render_one
    monkeypatch.setattr(rendering, "render_one", lambda name, *a: (
        real(name, *a) if name != "rss" else rendering.Rendered([], rendering.crash("rss", OSError("x")))))
    build(vault, load_config(vault), out, CHEAP)
    monkeypatch.setattr(rendering, "render_one", real)
    assert set(CHEAP) - set(build(vault, load_config(vault), out, CHEAP).unchanged) == {"rss"}


# --- Feeds: each is rebuilt when what it shows changed, not when any note did ---------------

FEED_CONFIG = """\
[site]
title = "Flux"
base_url = "https://example.org"
[feeds]
tags = ["ressource"]
"""
FEED_VAULT = {
    "A.md": "---\ntags: ressource\ndate: 2022-01-02\n---\n# A\n\nVoir [[Lone]] et [[B]].\n",
    "B.md": "---\ntags: ressource\ndate: 2022-02-03\n---\n# B\n\nTexte.\n",
    "Lone.md": "---\ndate: 2022-03-04\n---\n# Lone\n\nDans aucun flux.\n",
    "Musee.md": "---\ntags: musee\ndate: 2022-04-05\n---\n# Musée\n\nDans le flux du tag musee.\n",
}
FEEDS = ["json", "rss", "atom"]


@pytest.fixture
def feeds_built(make_vault, tmp_path):
    """``feeds_built(per_tag=False)``: a vault whose feeds hold A and B, built once."""

    def make(per_tag: bool = False):
        config = FEED_CONFIG + ("per_tag = true\n" if per_tag else "")
        vault = make_vault({**FEED_VAULT, "xtdpublish.toml": config})
        out = tmp_path / "out"
        assert rebuilt(vault, out, CHEAP) == set(CHEAP)
        return vault, out

    return make


def feed_files(out) -> dict[str, tuple[int, int]]:
    """Every feed file written, with its inode and mtime: a file written again (even with the
    same bytes: write_atomic renames a new file into place) has another inode."""
    paths = [out / "feed.json", out / "rss.xml", out / "atom.xml", *sorted((out / "feeds").glob("*"))]
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in paths if p.is_file()}


def feed_items(out) -> dict[str, dict]:
    return {item["title"]: item
            for item in json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]}


def model_note(out, note_id: str) -> dict:
    notes = json.loads((out / "model.json").read_text(encoding="utf-8"))["notes"]
    return next(note for note in notes if note["id"] == note_id)


def test_a_note_no_feed_selects_leaves_the_feeds_untouched(feeds_built):
    vault, out = feeds_built()
    before = feed_files(out)
    # A link to A gives A a backlink: feeds do not show backlinks.
    edit(vault / "Lone.md", "\nUne phrase de plus, et [[A]].\n")
    assert rebuilt(vault, out, CHEAP) == {"model"}
    assert "Une phrase de plus" in (out / "model.json").read_text(encoding="utf-8")
    assert model_note(out, "a")["backlinks"] == ["lone"]
    assert feed_files(out) == before
    assert set(feed_items(out)) == {"A", "B"}


def test_a_note_a_feed_carries_rebuilds_the_feeds(feeds_built):
    vault, out = feeds_built()
    edit(vault / "B.md", "\nUne phrase de plus.\n")
    assert rebuilt(vault, out, CHEAP) == set(CHEAP)
    assert "Une phrase de plus" in feed_items(out)["B"]["content_html"]
    for name in ("rss.xml", "atom.xml"):
        assert "Une phrase de plus" in (out / name).read_text(encoding="utf-8")
    assert rebuilt(vault, out, CHEAP) == set()


def test_a_moved_note_that_an_item_links_to_rebuilds_the_feeds(feeds_built):
    """A's own note is unchanged (its link still resolves by name), but its item links to the
    moved note's new page."""
    vault, out = feeds_built()
    linker = model_note(out, "a")
    (vault / "Archives").mkdir()
    (vault / "Lone.md").rename(vault / "Archives" / "Lone.md")
    assert rebuilt(vault, out, CHEAP) == set(CHEAP)
    assert model_note(out, "a") == linker
    assert 'href="https://example.org/Archives/Lone/"' in feed_items(out)["A"]["content_html"]


def test_an_unpublished_note_that_an_item_links_to_rebuilds_the_feeds(feeds_built):
    vault, out = feeds_built()
    assert "https://example.org/Lone/" in feed_items(out)["A"]["content_html"]
    (vault / "Lone.md").write_text("---\ndraft: true\n---\n# Lone\n", encoding="utf-8")
    assert rebuilt(vault, out, CHEAP) == set(CHEAP)
    content = feed_items(out)["A"]["content_html"]
    assert "Lone" in content and "https://example.org/Lone/" not in content  # the label alone


def test_the_title_of_a_note_an_item_links_to_is_not_in_the_item(feeds_built, tmp_path):
    """The item shows the label its own note wrote ("Lone"), not the linked note's title: a new
    title there changes no feed, and a forced build writes the very same bytes."""
    vault, out = feeds_built()
    before = feed_files(out)
    (vault / "Lone.md").write_text("---\ntitle: Seule\ndate: 2022-03-04\n---\n# Lone\n\nDans aucun flux.\n",
                                   encoding="utf-8")
    assert rebuilt(vault, out, CHEAP) == {"model"}
    assert model_note(out, "lone")["title"] == "Seule"
    assert feed_files(out) == before
    fresh = tmp_path / "fresh"
    build(vault, load_config(vault), fresh, CHEAP, force=True)
    for name in before:
        assert (fresh / name).read_bytes() == (out / name).read_bytes(), name


def test_changed_feed_settings_rebuild_the_feeds(feeds_built):
    vault, out = feeds_built()
    edit(vault / "xtdpublish.toml", "limit = 1\n")
    assert rebuilt(vault, out, CHEAP) == set(CHEAP)
    assert set(feed_items(out)) == {"B"}


def test_per_tag_feeds_follow_their_own_notes(feeds_built):
    vault, out = feeds_built(per_tag=True)
    assert set(feed_files(out)) == {"feed.json", "rss.xml", "atom.xml", "feeds/musee.json",
                                    "feeds/musee.xml", "feeds/ressource.json", "feeds/ressource.xml"}
    atom = feed_files(out)["atom.xml"]
    edit(vault / "Musee.md", "\nUne phrase de plus.\n")  # in feeds/musee.*, not in the main feeds
    assert rebuilt(vault, out, CHEAP) == {"model", "json", "rss"}  # Atom has no per-tag feeds
    assert feed_files(out)["atom.xml"] == atom
    musee = json.loads((out / "feeds" / "musee.json").read_text(encoding="utf-8"))
    assert "Une phrase de plus" in musee["items"][0]["content_html"]
    assert set(feed_items(out)) == {"A", "B"}
    before = feed_files(out)
    edit(vault / "Lone.md", "\nUne phrase de plus.\n")  # no tag: in no feed at all
    assert rebuilt(vault, out, CHEAP) == {"model"}
    assert feed_files(out) == before


# --- Random edits: an unchanged feed fingerprint means the very bytes a forced build writes ---

EDIT_EXAMPLES = int(os.environ.get("XTD_EDIT_EXAMPLES", "12"))
EDIT_CONFIG = FEED_CONFIG + "limit = 3\nper_tag = true\n"
TITLES = [None, "Titre", "Autre titre", "Flux"]  # "Flux" is the site's title: not a title then
HEADINGS = ["Une note", "Deux", "Note <b>grasse</b>"]
SECTIONS = ["Partie", "Suite"]
DATES = [None, "2022-01-02", "2022-05-13", "12 mai 2021", "2023-11-30T10:00:00+01:00"]
TAGS = ["ressource", "musee", "Musée", "autre"]
TEXTS = ["Texte.", "Un texte plus long, avec [un lien](https://example.net/page).",
         '<iframe src="https://www.youtube.com/embed/abc" title="Vidéo"></iframe>', "![](image.png)"]
UIDS = [None, "r-1", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"]  # two notes may share one
STEMS = ["A", "B", "C", "D", "E", "F", "Manquante"]
LINKS = ["[[{}]]", "[[{}#Partie]]", "[[{}|une étiquette]]", "![[{}]]", "[lien]({}.md)"]
FOLDERS = ["", "Notes/", "Archives/"]
MTIMES = [1_650_000_000, 1_660_000_000, 1_670_000_000]  # a note without a date is dated by its file
EDIT = st.tuples(
    st.sampled_from(["title", "heading", "section", "date", "tag", "text", "link", "unlink",
                     "rename", "move", "draft", "uid", "touch", "new", "delete"]),
    st.integers(0, 50), st.integers(0, 50))


def first_notes() -> dict[str, dict]:
    """Five notes, two of them resources, linking to one another."""
    notes = {}
    for n, stem in enumerate("ABCDE"):
        notes[f"{FOLDERS[n % 3]}{stem}.md"] = {
            "title": None, "heading": f"Note {stem}", "section": "Partie",
            "date": DATES[1 + n % 4], "tags": ["ressource"] if n < 2 else ["musee"] if n < 4 else [],
            "text": TEXTS[n % 2], "links": [LINKS[0].format("ABCDE"[(n + 1) % 5])],
            "draft": False, "uid": None, "mtime": MTIMES[0],
        }
    return notes


def note_text(note: dict) -> str:
    meta = [f"{key}: {note[key]}" for key in ("title", "date", "uid") if note[key]]
    meta += [f"tags: {' '.join(note['tags'])}"] if note["tags"] else []
    meta += ["draft: true"] if note["draft"] else []
    head = "---\n" + "\n".join(meta) + "\n---\n" if meta else ""
    links = "".join(f"{link}\n\n" for link in note["links"])
    return f"{head}# {note['heading']}\n\n{note['text']}\n\n{links}## {note['section']}\n\nFin.\n"


def apply_edit(notes: dict[str, dict], kind: str, a: int, b: int) -> None:
    """One edit of an editor: ``a`` picks the note, ``b`` the new value."""
    paths = sorted(notes)
    if kind == "new" or not paths:
        notes[f"{FOLDERS[b % 3]}{STEMS[a % 6]}{a}.md"] = {**first_notes()["A.md"], "tags": [TAGS[b % 4]]}
        return
    path = paths[a % len(paths)]
    note = notes[path]
    if kind in ("title", "heading", "section", "date", "text", "uid"):
        choices = {"title": TITLES, "heading": HEADINGS, "section": SECTIONS, "date": DATES,
                   "text": TEXTS, "uid": UIDS}[kind]
        note[kind] = choices[b % len(choices)]
    elif kind == "tag":
        tag = TAGS[b % len(TAGS)]
        note["tags"] = [t for t in note["tags"] if t != tag] if tag in note["tags"] else note["tags"] + [tag]
    elif kind == "link":
        note["links"].append(LINKS[b % len(LINKS)].format(STEMS[(a + b) % len(STEMS)]))
    elif kind == "unlink":
        note["links"] = note["links"][:-1]
    elif kind == "touch":
        note["mtime"] = MTIMES[b % len(MTIMES)]
    elif kind == "draft":
        note["draft"] = not note["draft"]
    elif kind == "delete":
        del notes[path]
    else:  # rename (another name: links to it may dangle) or move (another folder, same name)
        stem = path.rsplit("/", 1)[-1]
        new = (f"{FOLDERS[b % 3]}{stem}" if kind == "move"
               else path.removesuffix(stem) + f"{STEMS[b % len(STEMS)]}.md")
        if new not in notes:
            notes[new] = notes.pop(path)


def write_notes(vault, notes: dict[str, dict]) -> None:
    """Write the notes that changed and delete those gone. A file's time is the note's own, changed
    by "touch" alone: were it the clock's, every edit would change the note's ``updated`` date, and
    a feed that forgot any other field of its notes would still be rebuilt and never caught."""
    for path in {str(p.relative_to(vault)) for p in vault.rglob("*.md")} - set(notes):
        (vault / path).unlink()
    for path, note in notes.items():
        file = vault / path
        text = note_text(note)
        if not file.is_file() or file.read_text(encoding="utf-8") != text:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
        if file.stat().st_mtime != note["mtime"]:
            os.utime(file, (note["mtime"], note["mtime"]))


@settings(max_examples=EDIT_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(EDIT, min_size=1, max_size=8))
# Two notes in no feed come to share a uid: the feeds report the clash of their ids.
@example(edits=[("tag", 2, 1), ("uid", 2, 1), ("uid", 4, 1)])
# The main feed loses its notes, then the newest note (in no main item) gets older: the empty
# main feed's date is the newest note's.
@example(edits=[("tag", 0, 0), ("tag", 3, 0), ("date", 2, 1)])
# A resource links to a heading of a note in no feed, which is renamed: the link's anchor goes.
@example(edits=[("link", 0, 11), ("section", 4, 1)])
def test_a_feed_kept_as_it_was_is_what_a_forced_build_writes(edits):
    """For any series of edits: after each, every feed the build kept (its fingerprint had not
    changed) has the bytes, files and diagnostics of a feed built from scratch."""
    with tempfile.TemporaryDirectory() as folder, mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):
        vault, out, fresh = (Path(folder) / name for name in ("vault", "out", "fresh"))
        vault.mkdir()
        (vault / "xtdpublish.toml").write_text(EDIT_CONFIG, encoding="utf-8")
        (vault / "image.png").write_bytes(PNG)
        notes = first_notes()
        write_notes(vault, notes)
        build(vault, load_config(vault), out, CHEAP)
        for kind, a, b in edits:
            apply_edit(notes, kind, a, b)
            write_notes(vault, notes)
            result = build(vault, load_config(vault), out, CHEAP)
            forced = build(vault, load_config(vault), fresh, CHEAP, force=True)
            assert not result.config_errors and not forced.config_errors
            for name in set(FEEDS) & set(result.unchanged):
                kept = sorted(str(p.relative_to(out)) for p in result.written[name])
                assert kept == sorted(str(p.relative_to(fresh)) for p in forced.written[name]), (kind, name)
                for file in kept:
                    assert (out / file).read_bytes() == (fresh / file).read_bytes(), (kind, name, file)
            assert result.report.sorted() == forced.report.sorted(), kind


def test_a_feed_format_built_alone_keeps_the_warnings_it_shares_with_another(make_vault, tmp_path):
    """A warning every feed format meets (a note dated by its file time) is in each format's
    kept diagnostics: a later build of one format alone, unchanged, still reports it."""
    vault = make_vault({
        "xtdpublish.toml": CONFIG.replace('logo = "logo.png"\n', "") + "[feeds]\ntags = [\"ressource\"]\n",
        "index.md": "# Accueil\n",
        "Undated.md": "---\ntags: ressource\n---\n# Sans date\n\nTexte.\n",
    })
    out = tmp_path / "out"
    first = build(vault, load_config(vault), out, ["atom", "json"])
    assert [d.code for d in first.report.sorted() if d.path == "Undated.md"] == ["feed.date"]
    alone = build(vault, load_config(vault), out, ["json"])
    assert alone.unchanged == ["json"]
    assert [d.code for d in alone.report.sorted() if d.path == "Undated.md"] == ["feed.date"]
