"""Incremental builds: an output is rebuilt exactly when one of its inputs changed.

Each kind of input (a note, an embedded asset, the config, the theme, the logo,
SOURCE_DATE_EPOCH, the tool's version) is changed alone, and the build must rebuild the
outputs that use it and keep the others; a second, unchanged run rebuilds nothing.
"""

from __future__ import annotations

import json

import pytest

from xtdpublish import build as build_module
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
    real = build_module._render_one
    monkeypatch.setattr(build_module, "_render_one", lambda name, *a: (
        real(name, *a) if name != "rss" else ([], [build_module._crash("rss", OSError("x"))], None)))
    build(vault, load_config(vault), out, CHEAP)
    monkeypatch.setattr(build_module, "_render_one", real)
    assert set(CHEAP) - set(build(vault, load_config(vault), out, CHEAP).unchanged) == {"rss"}
