"""The MuseumXTD sample and Obsidian's help vault as .docx and .odt: every note a heading, every link lands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED
from office_files import bookmarks, headings, image_alts, internal_links, languages, media

HELP_VAULT = SHARED / "vaults" / "obsidian-help-en"


def build(vault: Path, out: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault), "--out", str(out),
                           "--format", "docx,odt", "-q"], capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "office." not in done.stdout + done.stderr, (done.stdout + done.stderr)[-2000:]


def check(vault: Path, out: Path, language: str) -> None:
    from xtdpublish.build import check as read
    from xtdpublish.config import load_config

    model = read(vault, load_config(vault)).model
    for kind in ("docx", "odt"):
        path = out / f"guide.{kind}"
        shown = {_bare(text) for _, text in headings(path)}
        missing = [n.title for n in model.notes if _bare(n.title) not in shown and n.id != model.nav.note]
        assert not missing, missing[:10]
        names = bookmarks(path)
        lost = [(target, text) for target, text in internal_links(path) if target not in names]
        assert not lost, lost[:10]
        assert set(media(path).values()) <= {"png", "jpeg"}
        assert all(image_alts(path))
        assert languages(path) == {language}


def _bare(text: str) -> str:
    """A title without its spacing (French typography adds narrow no-break spaces)."""
    return "".join(text.split())


@pytest.mark.slow
def test_the_sample_as_office_documents(sample_vault, tmp_path):
    build(sample_vault, tmp_path / "out")
    check(sample_vault, tmp_path / "out", "fr")


@pytest.mark.slow
def test_the_help_vault_as_office_documents(tmp_path):
    if not HELP_VAULT.is_dir():
        pytest.skip(f"Obsidian's help vault is not here ({HELP_VAULT})")
    build(HELP_VAULT, tmp_path / "out")
    check(HELP_VAULT, tmp_path / "out", "en")
