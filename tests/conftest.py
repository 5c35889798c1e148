"""Shared fixtures: small synthetic vaults, the seed vault, and the real MuseumXTD sample."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"
SHARED = REPO.parent / "shared"
SAMPLE_VAULT = SHARED / "vaults" / "museumxtd-sample"
HELP_VAULT = SHARED / "vaults" / "obsidian-help-en"

# The configuration the MuseumXTD editors would use for their vault.
SAMPLE_CONFIG = (Path(__file__).parent / "sample.toml").read_text(encoding="utf-8")
# Obsidian's help vault has no config of its own: what its editors would write.
HELP_CONFIG = """\
[site]
title = "Obsidian Help"
author = "Obsidian"
language = "en"
base_url = "https://help.obsidian.md"

[guide]
root = "Home.md"
"""
# A 1×1 PNG, for vaults that need an image file.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5b6f1a20000000049454e44ae426082")


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (vault path → text or bytes) under ``root``; text is dedented."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_vault(tmp_path):
    """``make_vault({"a.md": "...", "xtdpublish.toml": "..."})`` → the vault folder."""

    def make(files: dict[str, str | bytes], name: str = "vault") -> Path:
        return write_vault(tmp_path / name, files)

    return make


def copy_shared_vault(source: Path, config: str, into: Path) -> Path:
    """A writable copy of a vault of ../shared with ``config``; skips where it is absent."""
    if not source.is_dir():
        pytest.skip(f"this vault is not here ({source})")
    copy = into / source.name
    shutil.copytree(source, copy, symlinks=True)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (copy / "xtdpublish.toml").write_text(config, encoding="utf-8")
    return copy


@pytest.fixture
def sample_vault(tmp_path) -> Path:
    """A writable copy of the real MuseumXTD sample, with the editors' config."""
    return copy_shared_vault(SAMPLE_VAULT, SAMPLE_CONFIG, tmp_path)


@pytest.fixture
def help_vault(tmp_path) -> Path:
    """A writable copy of Obsidian's help vault, with a config its editors would write."""
    return copy_shared_vault(HELP_VAULT, HELP_CONFIG, tmp_path)


@pytest.fixture
def seed_vault() -> Path:
    return CONTENT
