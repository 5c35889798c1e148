"""The output folder: never the vault's own files, refused with exit 2 when it cannot be written,
and a disk that fills up mid-build costs the outputs that did not fit, told in one line each."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xtdpublish.cli import main

NOTE = "---\ntags: [ressource]\ndate: 2024-01-02\n---\n# Hello\n\nSome text.\n"
CONFIG = '[site]\ntitle = "Out"\nbase_url = "https://example.org"\n'


@pytest.fixture
def vault(make_vault):
    return make_vault({"Hello.md": NOTE, "images/logo.png": b"\x89PNG", "xtdpublish.toml": CONFIG})


def build(capsys, vault: Path, out: Path, *extra: str) -> tuple[int, str]:
    code = main(["build", "--vault", str(vault), "--out", str(out), "--format", "model", *extra])
    return code, capsys.readouterr().err


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("where, message", [
    (".", "is the vault itself: the outputs would overwrite the vault's own files"),
    ("images", "is a folder of the vault (it holds 'logo.png')"),
    ("Hello.md", "is a file, not a folder"),
    ("Hello.md/out", "the outputs cannot be written there (Not a directory)"),
])
def test_an_out_folder_that_would_touch_the_vault_or_cannot_be_a_folder_exits_2(
        vault, capsys, where, message):
    before = files_of(vault)
    code, err = build(capsys, vault, vault / where)
    assert code == 2
    [line] = err.strip().splitlines()
    separator = ": " if message.startswith("the") else " "
    assert line.startswith(f"xtdpublish: error: --out {vault / where}{separator}{message}")
    assert files_of(vault) == before  # nothing written, nothing read back as the vault's


def test_an_out_folder_inside_the_vault_that_holds_only_outputs_is_fine(vault, capsys):
    out = vault / "build"
    assert build(capsys, vault, out)[0] == 0
    assert build(capsys, vault, out, "--force")[0] == 0  # its own outputs are no stranger
    assert sorted(p.name for p in out.iterdir()) == [".cache", "model.json", "report.html",
                                                     "report.json"]


def test_the_vault_inside_a_folder_a_build_prunes_exits_2(tmp_path, capsys, make_vault):
    vault = make_vault({"Hello.md": NOTE}, name="site/feeds/vault")
    code, err = build(capsys, vault, tmp_path / "site")
    assert code == 2 and "a build prunes" in err


def read_only(folder: Path) -> None:
    """A folder nobody may write into, root included (the immutable attribute), or skip."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a file system without chattr +i")


def test_a_read_only_out_folder_exits_2(vault, tmp_path, capsys):
    out = tmp_path / "locked"
    read_only(out)
    try:
        code, err = build(capsys, vault, out)
    finally:
        subprocess.run(["chattr", "-i", str(out)], capture_output=True)
        out.chmod(0o755)
    assert code == 2
    assert err.startswith(f"xtdpublish: error: --out {out}: the outputs cannot be written there (")
    assert "Traceback" not in err


def test_a_disk_full_mid_build_costs_what_did_not_fit_in_one_line_each(tmp_path):
    """The file size limit (RLIMIT_FSIZE) makes every write past 30 kB fail as a full disk
    would: the PDF is lost, said in one line without code (no note is blamed); the feeds,
    the EPUB and model.json are written; --verbose adds where in the code it failed."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "xtdpublish.toml").write_text(CONFIG, encoding="utf-8")
    for n in range(6):
        (vault / f"Note {n}.md").write_text(NOTE.replace("Hello", f"Note {n}") + "Du texte. " * 300,
                                            encoding="utf-8")
    limit = 30_000

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "xtdpublish", "build", "--vault", str(vault), "--out",
             str(tmp_path / "out"), "--format", "model,pdf,epub,json", "--force", *extra],
            capture_output=True, text=True, timeout=600,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})

    done = run()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "File \"" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert errors == ["pdf: error: could not write pdf: File too large [render.pdf]"], done.stderr
    written = {p.name: p.stat().st_size for p in (tmp_path / "out").iterdir() if p.is_file()}
    assert {"model.json", "feed.json", "guide.epub", "report.json"} <= set(written)
    assert "guide.pdf" not in written
    assert not [name for name in written if name.endswith(".tmp")]
    verbose = run("--verbose")
    assert "pdf: info: where it failed: OSError at " in verbose.stderr
