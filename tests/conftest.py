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

# The configuration the MuseumXTD editors would use for their vault.
SAMPLE_CONFIG = (Path(__file__).parent / "sample.toml").read_text(encoding="utf-8")


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


@pytest.fixture
def sample_vault(tmp_path) -> Path:
    """A writable copy of the real MuseumXTD sample, with the editors' config."""
    if not SAMPLE_VAULT.is_dir():
        pytest.skip(f"the MuseumXTD sample vault is not here ({SAMPLE_VAULT})")
    copy = tmp_path / "museumxtd-sample"
    shutil.copytree(SAMPLE_VAULT, copy, symlinks=True)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (copy / "xtdpublish.toml").write_text(SAMPLE_CONFIG, encoding="utf-8")
    return copy


@pytest.fixture
def seed_vault() -> Path:
    return CONTENT
