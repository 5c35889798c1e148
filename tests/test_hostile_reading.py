"""The second hostile round, reading side (issue 15), against the real command line under a
timeout and a memory bound: FIFOs, /dev/zero, a 3 GiB video and a 2 GiB "note", a folder
300 deep, a backtracking glob, embeds that fan out, nesting 20,000 deep, constructs never
closed, hidden and mis-encoded notes, HTML that runs, restyles or reads outside the vault.

The build finishes, exit 1 (some notes are errors), every .md file is published or listed
with its reason, the words after each construct never closed are in the model, nothing
from outside the vault is in any output, and nothing that runs or restyles is in model.json.
"""

from __future__ import annotations

import json
import os
import re
import resource
import socket
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from hostile_reading import CANARY, LATER, make_reading_vault
from test_hostile import all_output_bytes

XTD = [sys.executable, "-m", "xtdpublish"]
MEMORY = 3 << 30  # a read of /dev/zero or of the 3 GiB video would pass it


def build(vault: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    def bounded():  # the watchdog: past MEMORY of address space the build fails, loudly
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY * 2, MEMORY * 2))

    return subprocess.run(
        [*XTD, "build", "--vault", str(vault), "--out", str(out), *extra],
        capture_output=True, text=True, timeout=900, preexec_fn=bounded,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    root = tmp_path_factory.mktemp("hostile-reading")
    vault = make_reading_vault(root, server.getsockname()[1])
    out = root / "out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = build(vault, out)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    connections = 0
    while True:
        try:
            server.accept()[0].close()
            connections += 1
        except BlockingIOError:
            break
    server.close()
    return vault, out, result, connections, max(peak, before) << 10


def report_of(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def model_of(out: Path) -> dict:
    return json.loads((out / "model.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_build_finishes_in_bounded_memory_with_every_output(built):
    _, out, result, connections, peak = built
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for name in ("model.json", "guide.pdf", "guide.epub", "feed.json", "rss.xml", "atom.xml"):
        assert (out / name).is_file(), f"{name} not written: {result.stderr[-2000:]}"
    assert connections == 0
    assert peak < 2 << 30, f"a process of the build reached {peak >> 20} MiB"


@pytest.mark.slow
def test_every_md_file_is_published_or_listed_with_its_reason(built):
    vault, out, _, _, _ = built
    published = {note["path"] for note in model_of(out)["notes"]}
    listed = {entry["path"]: entry["reason"] for entry in report_of(out)["skipped"]}
    folders = [path for path in listed if path.endswith("/")]
    found = 0
    for folder, _, names in os.walk(vault):
        for name in names:
            if not name.endswith(".md"):
                continue
            found += 1
            raw = os.path.relpath(os.path.join(folder, name), vault)
            try:
                path = unicodedata.normalize("NFC", raw.encode("utf-8").decode("utf-8"))
            except UnicodeEncodeError:  # the Latin-1 name: listed as its Windows-1252 reading
                path = os.fsencode(raw).decode("cp1252")
            assert (path in published or path in listed
                    or any(path.startswith(f) for f in folders)), f"{path!r} is neither published nor listed"
    assert found > 150
    for path, why in {"Tube.md": "named pipe", "Binaire.md": "too large", "Énorme.md": "too large",
                      "dossier/.cachée.md": "hidden", "dossier/.caché/": "hidden",
                      "Brouillon/b.md": "excluded"}.items():
        assert why in listed[path], (path, listed.get(path))
    assert "Zéro.md" in listed
    assert {"Café crème.md", "Encodages/UTF-16.md", "Encodages/UTF-32.md", "d/" * 300 + "Profonde.md",
            "Frontmatter.md"} <= published


@pytest.mark.slow
def test_the_words_after_every_construct_never_closed_reach_the_model(built):
    _, out, _, _, _ = built
    notes = {note["path"]: note for note in model_of(out)["notes"]}
    for path, note in notes.items():
        if path.startswith("Ouvert/") or path in ("Plan.md", "Profond.md", "Injection.md"):
            text = html.fragment_fromstring(note["body_html"], create_parent="div").text_content()
            assert LATER in text, path
    codes = [(d["path"], d["code"]) for d in report_of(out)["diagnostics"]]
    assert sum(1 for path, code in codes if path.startswith("Ouvert/") and code == "html.unclosed") >= 10
    assert ("Profond.md", "markdown.too-deep") in codes
    assert ("Frontmatter.md", "frontmatter.too-large") in codes
    assert "corps gardé" in notes["Frontmatter.md"]["body_html"]
    assert ("Bombe.md", "embed.too-large") in codes
    assert any(code == "nav.too-deep" for _, code in codes)
    assert ("film.mp4", "file.too-large") in codes


@pytest.mark.slow
def test_nothing_from_outside_the_vault_is_in_any_output(built):
    _, out, _, _, _ = built
    for name, data in all_output_bytes(out).items():
        assert CANARY.encode() not in data, f"the canary from outside the vault is in {name}"


@pytest.mark.slow
def test_nothing_that_runs_restyles_or_fetches_is_in_the_model(built):
    _, out, _, _, _ = built
    injection = next(n for n in model_of(out)["notes"] if n["path"] == "Injection.md")
    tree = html.fragment_fromstring(injection["body_html"], create_parent="div")
    assert "échappé" in tree.text_content() and "en haut de chaque page" in tree.text_content()
    for element in tree.iter():
        assert element.tag not in ("script", "noscript", "style")
        assert element.get("class") != "cover"
        for name, value in element.attrib.items():
            assert not name.startswith("on") and name != "srcdoc", (name, value)
            compact = re.sub(r"\s+", "", value).lower()
            assert "url(" not in compact and "position" not in compact and "127.0.0.1" not in compact
            assert "\\" not in compact, value  # no CSS escape survives: styles are re-serialised
    assert "onerror" not in injection["body_html"] or "&lt;" in injection["body_html"]


@pytest.mark.slow
def test_the_epub_cover_svg_is_cleaned(built):
    _, out, _, _, _ = built
    with zipfile.ZipFile(out / "guide.epub") as book:
        name = next(n for n in book.namelist() if n.startswith("EPUB/media/cover."))
        svg = book.read(name)
    root = etree.fromstring(svg)
    assert b"Couverture" in svg
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert etree.QName(element).localname not in ("script", "foreignObject", "iframe")
        for name, value in element.attrib.items():
            assert not etree.QName(name).localname.startswith("on")
            assert "127.0.0.1" not in value


@pytest.mark.slow
def test_a_theme_that_holds_the_vault_is_refused_naming_the_key(built, tmp_path):
    vault, _, _, _, _ = built
    config = tmp_path / "parent-theme.toml"
    config.write_text('[site]\ntitle = "T"\nlanguage = "fr"\n[guide]\ntheme = ".."\n', encoding="utf-8")
    out = tmp_path / "out"
    result = build(vault, out, "--config", str(config), "--format", "pdf,model")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "guide.theme" in result.stderr and "Traceback" not in result.stderr
    # refused when the configuration is read, as every bad key is (config.py): nothing is built
    assert not (out / "model.json").exists() and not (out / "guide.pdf").exists()


@pytest.mark.slow
def test_a_crafted_parse_cache_cannot_inject_into_the_model(built, tmp_path):
    vault, _, _, _, _ = built
    out = tmp_path / "cached"
    assert build(vault, out, "--format", "model").returncode == 1
    cache = out / ".cache" / "notes.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry["html"] = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:x">j</a>' + entry["html"]
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert build(vault, out, "--format", "model").returncode == 1
    text = (out / "model.json").read_text(encoding="utf-8")
    assert "<script" not in text and "onerror" not in text and "javascript:" not in text
