"""Formats other packages add through the entry-point group ``xtdpublish.outputs``.

A package is installed for the test the way pip leaves one: its code and a ``.dist-info``
folder with ``entry_points.txt``, on the path of a real ``xtdpublish`` process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import write_vault

FORMATS = '''
from pathlib import Path
from xtdpublish.outputs import Output


def render(model, config, out_dir, report):
    words = sum(len(note.body_html.split()) for note in model.notes)
    report.info("wordcount", None, "wordcount.done", f"{words} words")
    path = Path(out_dir) / "wordcount.txt"
    path.write_text(f"{len(model.notes)} notes, {words} words\\n", encoding="utf-8")
    return [path]


def inputs(model, config):
    return [note.id for note in model.notes]


OUTPUT = Output("wordcount", ("wordcount.txt",), "xtdextra.formats:render", "xtdextra.formats:inputs")
NOT_AN_OUTPUT = 42
'''


def install(site: Path, entry_points: str) -> None:
    write_vault(site, {
        "xtdextra/__init__.py": "",
        "xtdextra/formats.py": FORMATS,
        "xtdextra-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: xtdextra\nVersion: 0.1\n",
        "xtdextra-0.1.dist-info/entry_points.txt": textwrap.dedent(entry_points),
    })


def run(site: Path, vault: Path, out: Path, formats: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault),
                           "--out", str(out), "--format", formats], env=env,
                          capture_output=True, text=True, timeout=300)


def test_an_installed_package_adds_a_format(make_vault, tmp_path):
    site = tmp_path / "site"
    install(site, """
        [xtdpublish.outputs]
        wordcount = xtdextra.formats:OUTPUT
        """)
    vault = make_vault({"a.md": "# A\n\none two three\n", "b.md": "# B\n\nfour\n"})
    out = tmp_path / "out"
    first = run(site, vault, out, "wordcount")
    assert first.returncode == 0, first.stderr
    assert (out / "wordcount.txt").read_text(encoding="utf-8").startswith("2 notes, ")
    assert "wordcount" in (out / "report.json").read_text(encoding="utf-8")
    again = run(site, vault, out, "model,wordcount")  # unchanged inputs: kept as it is
    assert again.returncode == 0, again.stderr
    assert "wordcount.txt" in again.stdout + again.stderr
    assert b'"wordcount"' in (out / ".cache" / "outputs.json").read_bytes()


def test_all_takes_installed_formats_and_a_broken_one_is_told_not_fatal(make_vault, tmp_path):
    site = tmp_path / "site"
    install(site, """
        [xtdpublish.outputs]
        wordcount = xtdextra.formats:OUTPUT
        pdf = xtdextra.formats:OUTPUT
        broken = xtdextra.missing:OUTPUT
        odd = xtdextra.formats:NOT_AN_OUTPUT
        """)
    vault = make_vault({"a.md": "# A\n\none\n"})
    out = tmp_path / "out"
    done = run(site, vault, out, "model,wordcount")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("xtdpublish: warning")]
    assert len(warnings) == 3, done.stderr
    assert any("'pdf' is a built-in format; not taken" in w for w in warnings)
    assert any("'broken'" in w and "could not be loaded" in w for w in warnings)
    assert any("'odd'" in w and "is not an Output" in w for w in warnings)
    assert (out / "wordcount.txt").is_file()
    unknown = run(site, vault, out, "broken")
    assert unknown.returncode == 2 and "unknown format 'broken'" in unknown.stderr


def test_all_includes_an_installed_format(tmp_path, monkeypatch):
    from xtdpublish import outputs

    site = tmp_path / "site"
    install(site, """
        [xtdpublish.outputs]
        wordcount = xtdextra.formats:OUTPUT
        """)
    monkeypatch.syspath_prepend(str(site))
    outputs.installed.cache_clear()
    try:
        assert outputs.parse_formats("all")[-1] == "wordcount"
        assert outputs.parse_formats("pdf,all")[:1] == ["pdf"]
    finally:
        outputs.installed.cache_clear()
