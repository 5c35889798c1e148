"""Issue 15 whole: one vault holding the cases of both hostile rounds, built by the command
line under a timeout and a memory ceiling. It finishes, exits 1, writes every output (each
valid by its own validator), publishes every other note and lists every skipped one with why.

Held here: the first round's vault (tests/hostile.py) and the output side of the second
(signals are tests/test_signals.py): HTML nested 300 and 20,000 deep, a note that is a
``<!DOCTYPE`` without ``>``, an image that is not one, tags too long for a file name and a
note of 1,000 tags with per-tag feeds, control characters in the site's settings, a
SOURCE_DATE_EPOCH that is no date, 50,000 wikilinks on one line, a paragraph of 50,000
``*a``, SVG ``<use>`` bombs inline and as a file, a table of 5,000 rows.

The reading side's cases (FIFOs and devices, huge files, folders nested deep, names that are
not UTF-8, UTF-16 notes, backtracking globs, embed fan-out) each have their test in
tests/test_hostile_reading.py and tests/vault/; the last test here builds three of them
through the command line, as the first round does.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import socket
import subprocess
import sys
import unicodedata
from pathlib import Path

import feedparser
import pytest

from hostile import PNG, make_hostile_vault, use_bomb

TESTS = Path(__file__).parent
XTD = [sys.executable, "-m", "xtdpublish"]
OUTPUTS = ("model.json", "guide.pdf", "guide.epub", "feed.json", "rss.xml", "atom.xml")
SECONDS = 1_800  # a ceiling far above what it takes, so that a hang fails rather than waits
MEMORY = 4 * 1024**3  # peak resident memory of the build and its workers


ROUND_TWO = {
    "deux/Profond.md": "# Profond\n\n" + "<div>" * 300 + "mot-profond" + "</div>" * 300 + "\n",
    "deux/Abime.md": "# Abime\n\n" + "<blockquote>" * 20_000 + "mot-abime" + "</blockquote>" * 20_000 + "\n",
    "deux/Doctype.md": "<!DOCTYPE html\n\nmot-doctype\n",
    "deux/Image fausse.md": "# Image fausse\n\n![](faux.png)\n",
    "deux/faux.png": b"GIF89a, not a PNG",
    "deux/Long tag.md": "---\ntags: [" + "t" * 300 + ", " + "t" * 299 + "u]\n---\n# Long tag\n",
    "deux/Mille tags.md": "---\ntags: [" + ", ".join(f"m{i}" for i in range(1000)) + "]\n---\n# Mille tags\n",
    "deux/Liens.md": "# Liens\n\n" + " ".join(f"[[Cible {i}]]" for i in range(50_000)) + "\n",
    "deux/Etoiles.md": "# Etoiles\n\n" + "*a" * 50_000 + "\n",
    "deux/Bombe.md": "# Bombe\n\n<div>\n" + use_bomb(6) + "\n</div>\n\n![](bombe.svg)\n",
    "deux/bombe.svg": use_bomb(6),
    "deux/Tableau.md": "# Tableau\n\n| a | b |\n|---|---|\n" + "| x | y |\n" * 5_000,
    "deux/image.png": PNG,
}
CONFIG = ('[site]\ntitle = "Hostile\\u0000 \\u001b[2J"\nlanguage = "fr"\nbase_url = "https://example.org"\n'
          "[feeds]\nlimit = 200\nper_tag = true\n")


def load_helper(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("round-two")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        vault = make_hostile_vault(root, server.getsockname()[1])
        for name, content in ROUND_TWO.items():
            path = vault / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        (vault / "xtdpublish.toml").write_text(CONFIG, encoding="utf-8")
        out = root / "out"
        done = subprocess.run(
            [*XTD, "build", "--vault", str(vault), "--out", str(out)], capture_output=True,
            text=True, timeout=SECONDS,
            env={**os.environ, "SOURCE_DATE_EPOCH": "99999999999999999"})
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kB on Linux
    finally:
        server.close()
    return vault, out, done, peak


@pytest.mark.slow
def test_it_finishes_within_bounds_with_exit_1_and_no_traceback(built):
    _, out, done, peak = built
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert peak < MEMORY, f"{peak / 1024**3:.1f} GiB"
    for name in OUTPUTS:
        assert (out / name).is_file(), name


@pytest.mark.slow
def test_every_note_is_published_or_listed_with_its_reason(built):
    vault, out, _, _ = built
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    published = {n["path"] for n in model["notes"]}
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    for path in vault.rglob("*.md"):
        name = unicodedata.normalize("NFC", path.relative_to(vault).as_posix())
        assert name in published or skipped.get(name, "").strip(), name
    assert {f"deux/{name}.md" for name in ("Profond", "Abime", "Doctype", "Etoiles", "Bombe",
                                           "Tableau", "Liens", "Mille tags")} <= published


@pytest.mark.slow
def test_each_case_is_told_and_every_output_is_valid(built):
    _, out, _, _ = built
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    codes = {(d["path"], d["code"]) for d in report["diagnostics"]}
    for expected in [("deux/Profond.md", "html.depth"), ("deux/Abime.md", "html.depth"),
                     ("deux/faux.png", "epub.image"), ("deux/Mille tags.md", "note.tags"),
                     ("deux/Etoiles.md", "pdf.budget"), ("deux/Bombe.md", "pdf.budget"),
                     ("deux/Tableau.md", "pdf.budget"),
                     ("SOURCE_DATE_EPOCH", "build.source-date")]:
        assert expected in codes, expected
    assert any(code == "config.control" for _, code in codes)
    epubcheck = load_helper("epubcheck_helper", TESTS / "epub" / "epubcheck.py")
    assert epubcheck.problems(epubcheck.run_epubcheck(out / "guide.epub")) == []
    for name in ("rss.xml", "atom.xml"):
        assert not feedparser.parse((out / name).read_bytes()).bozo, name
    feeds = sorted(p.name for p in (out / "feeds").iterdir())
    assert all(len(name) <= 90 for name in feeds)
    assert len([n for n in feeds if n.startswith("m")]) == 2 * 100  # JSON and RSS, 100 tags
    page = (out / "report.html").read_bytes()
    assert b"\x00" not in page and b"\x1b" not in page


@pytest.mark.parametrize("case", ["non-UTF-8 name", "navigation 3,000 deep", "deep outline"])
def test_the_reading_side_cases_hold_through_the_command_line(case, make_vault, tmp_path):
    files = {"Ok.md": "# Ok\n\nmot-ok\n"}
    if case == "deep outline":
        files["O.md"] = ("# O\n\n" + "".join("  " * d + f"- niveau{d}\n" for d in range(12))
                         + "\n## Apres\n\nmot-apres\n")
    if case == "navigation 3,000 deep":
        for i in range(3000):
            parent = f"  parent: n{i - 1}\n" if i else ""
            files[f"N{i}.md"] = f"---\neleventyNavigation:\n  key: n{i}\n{parent}---\n# N{i}\n"
    vault = make_vault(files)
    if case == "non-UTF-8 name":
        (vault / os.fsdecode(b"Caf\xe9 cr\xe8me.md")).write_text("# Cafe\n", encoding="utf-8")
    done = subprocess.run([*XTD, "build", "--vault", str(vault), "--out", str(tmp_path / "o"),
                           "--format", "model"], capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    model = (tmp_path / "o" / "model.json").read_text(encoding="utf-8")
    assert "mot-ok" in model and (case != "deep outline" or "mot-apres" in model)
