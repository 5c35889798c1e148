"""What the outputs read of the vault stays bounded and inside it (issue 15): the PDF's fetcher
and the EPUB's cover read regular files only, within limits.asset_bytes; a theme never holds
the vault; site.logo is confined before it is hashed; hashing streams."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from lxml import etree

from hostile_reading import cover_svg
from xtdpublish.config import Config, ConfigError, GuideConfig
from xtdpublish.fingerprint import fingerprint
from xtdpublish.regular_file import CHUNK, NotRegular, TooLarge, read_regular, update_hash
from xtdpublish.render.epub.xhtml import clean_svg
from xtdpublish.render.guide import find_theme, vault_file
from xtdpublish.render.pdf.fetcher import ConfinedFetcher


def within(seconds, function, *args):
    """``function(*args)`` in a thread that must end: opening a FIFO for reading blocks."""
    found = {}

    def run():
        try:
            found["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            found["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "blocked"
    if "error" in found:
        raise found["error"]
    return found["value"]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    with pytest.raises(NotRegular, match="named pipe"):
        within(10, read_regular, tmp_path / "pipe.png")
    with pytest.raises(NotRegular):
        within(10, update_hash, hashlib.sha256(), tmp_path / "pipe.png")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"x" * 5000)
    with pytest.raises(TooLarge):
        read_regular(tmp_path / "big.bin", 4999)
    assert read_regular(tmp_path / "big.bin", 5000) == b"x" * 5000


def test_hashing_streams_and_counts_a_large_file_by_its_size_and_date(tmp_path, monkeypatch):
    """A 3 GiB video cost 3.1 GiB to fingerprint: now 1 MiB at a time, or not read at all."""
    video = tmp_path / "film.mp4"
    with open(video, "wb") as file:
        file.truncate(3 << 30)  # sparse: no disk
    reads = []
    real_fdopen = os.fdopen

    def fdopen(fd, mode):
        stream = real_fdopen(fd, mode)
        read = stream.read
        stream.read = lambda n=-1: reads.append(n) or read(n)  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(os, "fdopen", fdopen)
    first = fingerprint("pdf", b"{}", "", [video], large=200_000_000)
    assert reads == []  # over the limit: its size and mtime stand for it
    os.utime(video, (1, 1))
    assert fingerprint("pdf", b"{}", "", [video], large=200_000_000) != first
    small = tmp_path / "small.bin"
    small.write_bytes(b"y" * (3 * CHUNK))
    fingerprint("pdf", b"{}", "", [small])
    assert reads and all(n == CHUNK for n in reads)


def test_the_pdf_fetcher_reads_no_fifo_and_nothing_over_the_limit(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    os.mkfifo(vault / "pipe.png")
    (vault / "big.png").write_bytes(b"\x89PNG" + b"0" * 2000)
    (vault / "ok.png").write_bytes(b"\x89PNG")
    fetcher = ConfinedFetcher([vault], max_bytes=1000)
    assert fetcher.fetch((vault / "ok.png").as_uri()).read() == b"\x89PNG"
    for name in ("pipe.png", "big.png"):
        with pytest.raises(OSError):
            within(10, fetcher.fetch, (vault / name).as_uri())


@pytest.mark.parametrize("theme", ["..", "/", ".", "../.."])
def test_a_theme_that_holds_the_vault_is_refused_naming_the_key(tmp_path, theme):
    vault = tmp_path / "a" / "vault"
    vault.mkdir(parents=True)
    with pytest.raises(ConfigError, match="guide.theme"):
        find_theme(vault, Config(guide=GuideConfig(theme=theme)))


def test_a_theme_beside_or_inside_the_vault_is_its_own_folder(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    assert find_theme(vault, Config(guide=GuideConfig(theme="../theme"))) == (tmp_path / "theme").resolve()
    assert find_theme(vault, Config(guide=GuideConfig(theme="theme"))) == (vault / "theme").resolve()


def test_the_logo_is_confined_to_the_vault_before_anything_reads_it(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    os.symlink("/dev/zero", vault / "logo.png")
    os.mkfifo(vault / "pipe.png")
    assert vault_file(vault, "/dev/zero") is None
    assert vault_file(vault, "logo.png") is None  # a symlink out of the vault
    assert vault_file(vault, "pipe.png") is None  # not a regular file
    assert vault_file(vault, "../vault/../vault") is None


def test_the_epub_cover_svg_is_cleaned():
    cleaned = clean_svg(cover_svg("http://127.0.0.1:9").encode())
    root = etree.fromstring(cleaned)
    names = {etree.QName(element).localname for element in root.iter() if isinstance(element.tag, str)}
    assert names.isdisjoint({"script", "foreignObject", "iframe"})
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not etree.QName(name).localname.startswith("on") and "127.0.0.1" not in value
    assert b"Couverture" in cleaned and b'fill="#fde"' in cleaned
