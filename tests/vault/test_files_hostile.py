"""scan_vault against files that would hang, fill the memory or vanish (issue 15):
FIFOs and devices, unreadable and deep folders, hidden notes, BOMs, sizes, names."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from xtdpublish.config import LimitsConfig, VaultConfig
from xtdpublish.report import Report
from xtdpublish.vault.files import BINARY_PREFIX, scan_vault
from xtdpublish.vault.globs import glob_matches


def scan(root, limits=LimitsConfig(), **vault):
    report = Report()
    files = scan_vault(root, VaultConfig(**vault), report, limits)
    return files, report


def codes(report):
    return sorted((d.path, d.code) for d in report.diagnostics)


def skipped(report):
    return {s.path: s.reason for s in report.skipped}


def scanned_within(root, seconds=20, **options):
    """scan() in a thread that must end: a FIFO opened for reading would block it forever."""
    found = {}
    worker = threading.Thread(target=lambda: found.update(result=scan(root, **options)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the scan is blocked"
    return found["result"]


def test_a_fifo_as_a_note_or_an_asset_is_listed_and_never_opened(make_vault):
    root = make_vault({"a.md": "A"})
    os.mkfifo(root / "pipe.md")
    os.mkfifo(root / "pipe.png")
    files, report = scanned_within(root)
    assert [n.path for n in files.notes] == ["a.md"]
    assert "pipe.png" not in files.assets
    assert codes(report) == [("pipe.md", "file.not-regular"), ("pipe.png", "file.not-regular")]
    assert "named pipe" in skipped(report)["pipe.md"]


def test_a_device_node_in_the_vault_is_never_read(make_vault):
    root = make_vault({"a.md": "A"})
    try:
        os.mknod(root / "zero.md", stat.S_IFCHR | 0o666, os.makedev(1, 5))  # /dev/zero
        os.mknod(root / "zero.mp4", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except (PermissionError, OSError):
        pytest.skip("device nodes cannot be made here")
    files, report = scanned_within(root)
    assert [n.path for n in files.notes] == ["a.md"] and "zero.mp4" not in files.assets
    assert "character device" in skipped(report)["zero.md"]


def test_a_symlink_inside_the_vault_to_a_fifo_is_never_opened(make_vault):
    root = make_vault({"a.md": "A"})
    os.mkfifo(root / ".pipe")
    os.symlink(root / ".pipe", root / "link.md")
    files, report = scanned_within(root)
    assert [n.path for n in files.notes] == ["a.md"]
    assert ("link.md", "file.not-regular") in codes(report)


def test_a_file_swapped_for_a_fifo_after_the_walk_is_not_read(make_vault, monkeypatch):
    """The check is made on the open descriptor, not on the name: no race with the walk."""
    from xtdpublish.vault import files as files_module

    root = make_vault({"a.md": "A", "b.md": "B"})
    real = files_module._read_note_bytes

    def swapped(file, limit):
        if file.name == "b.md":
            file.unlink()
            os.mkfifo(file)
        return real(file, limit)

    monkeypatch.setattr(files_module, "_read_note_bytes", swapped)
    files, report = scanned_within(root)
    assert [n.path for n in files.notes] == ["a.md"]
    assert "named pipe" in skipped(report)["b.md"]


def test_a_folder_that_cannot_be_read_is_reported_and_listed(make_vault, monkeypatch):
    root = make_vault({"a.md": "A", "Privé/b.md": "B", "Privé/c.md": "C"})
    real = os.scandir

    def scandir(path):
        if Path(path).name == "Privé":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["a.md"]
    assert codes(report) == [("Privé", "file.folder-unreadable")]
    assert "Permission denied" in skipped(report)["Privé/"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_a_folder_without_read_permission_is_reported(make_vault):
    root = make_vault({"a.md": "A", "Privé/b.md": "B"})
    (root / "Privé").chmod(0)
    try:
        files, report = scan(root)
    finally:
        (root / "Privé").chmod(0o755)
    assert [n.path for n in files.notes] == ["a.md"]
    assert "Privé/" in skipped(report)


def test_five_thousand_nested_folders_cost_no_recursion():
    """os.walk recursed once per level (RecursionError at ~1,000); past the system's path
    length the folder cannot be opened at all, and that is said.

    Made outside pytest's tmp_path: its clean-up (shutil.rmtree) recurses too, and a chain
    left behind by a killed run would break every later session."""
    tmp_path = Path(tempfile.mkdtemp(prefix="xtd-deep-"))
    root = tmp_path / "vault"
    root.mkdir()
    (root / "top.md").write_text("top")
    fd = os.open(root, os.O_RDONLY)
    try:
        for depth in range(5000):
            os.mkdir("d", dir_fd=fd)
            if depth == 10:
                note = os.open("n.md", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
                os.write(note, b"deep")
                os.close(note)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    try:
        files, report = scan(root)
    finally:
        _remove_chain(root, tmp_path / "level")
        shutil.rmtree(tmp_path)
    assert sorted(n.path for n in files.notes) == ["d/" * 10 + "n.md", "top.md"]
    too_deep = [d for d in report.diagnostics if d.code == "file.folder-unreadable"]
    assert len(too_deep) == 1 and "too long" in too_deep[0].message
    assert any(path.endswith("d/") for path in skipped(report))


def _remove_chain(root: Path, spare: Path) -> None:
    """Remove a chain of nested ``d`` folders one level at a time (rmtree recurses)."""
    while (root / "d").exists():
        (root / "d").rename(spare)
        for name in os.listdir(spare):
            if name != "d":
                os.unlink(spare / name)
        if (spare / "d").exists():
            (spare / "d").rename(root / "d")
        spare.rmdir()


def test_hidden_notes_at_any_depth_are_listed_with_their_reason(make_vault):
    root = make_vault({
        "a.md": "A", "dot/.hidden note.md": "x", "dot/.cachée/n.md": "y",
        "dot/.cachée/deeper/m.md": "z", ".obsidian/app.json": "{}", ".git/x.md": "never counted",
    })
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["a.md"]
    reasons = skipped(report)
    assert reasons["dot/.hidden note.md"].startswith("hidden file")
    assert reasons["dot/.cachée/"].startswith("hidden folder") and "2 notes" in reasons["dot/.cachée/"]
    assert ".obsidian/" not in reasons and ".git/" not in reasons


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_read(make_vault, encoding):
    text = "---\ntitle: Été\n---\n# Café crème\r\n\r\nÀ la une.\n"
    data = text.encode(encoding)
    if not encoding.endswith(("16", "32")):  # the plain codec names write their own BOM
        data = "\ufeff".encode(encoding) + data
    root = make_vault({"note.md": data})
    files, report = scan(root)
    assert [n.text for n in files.notes] == ["---\ntitle: Été\n---\n# Café crème\n\nÀ la une.\n"]
    assert report.diagnostics == []


def test_utf16_without_a_bom_is_still_refused_as_binary(make_vault):
    root = make_vault({"note.md": "# Sans BOM\n".encode("utf-16-le")})
    files, report = scan(root)
    assert files.notes == [] and codes(report) == [("note.md", "file.binary")]


def test_a_nul_found_in_the_first_bytes_stops_the_read(make_vault, monkeypatch):
    """A 2 GiB binary named .md was read whole before the NUL test: now the first bytes decide."""
    from xtdpublish.vault import files as files_module

    root = make_vault({"movie.md": b"\x00\x00\x00\x18ftypmp42" + b"\x01" * (BINARY_PREFIX * 4)})
    reads = []
    real_fdopen = os.fdopen

    class Counting:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def read(self, n=-1):
            data = self.stream.read(n)
            reads.append(len(data))
            return data

    monkeypatch.setattr(files_module.os, "fdopen", lambda fd, mode: Counting(real_fdopen(fd, mode)))
    files, report = scan(root)
    assert files.notes == [] and codes(report) == [("movie.md", "file.binary")]
    assert sum(reads) <= BINARY_PREFIX


def test_a_note_larger_than_the_limit_is_listed_not_read(make_vault):
    root = make_vault({"big.md": "x" * 5000, "small.md": "ok"})
    files, report = scan(root, limits=LimitsConfig(note_bytes=4096))
    assert [n.path for n in files.notes] == ["small.md"]
    assert codes(report) == [("big.md", "file.too-large")]
    assert "limits.note_bytes" in report.diagnostics[0].message
    assert "too large" in skipped(report)["big.md"]


def test_an_asset_larger_than_the_limit_is_kept_for_links_with_a_warning(make_vault):
    root = make_vault({"a.md": "![[film.mp4]]", "film.mp4": b"\x00" * 3000})
    files, report = scan(root, limits=LimitsConfig(asset_bytes=1000))
    assert "film.mp4" in files.assets
    assert codes(report) == [("film.mp4", "file.too-large")]
    assert "limits.asset_bytes" in report.diagnostics[0].message


def test_a_name_that_is_not_utf8_is_read_as_windows_1252(tmp_path):
    root = tmp_path / "vault"
    root.mkdir()
    (root / "ok.md").write_text("ok")
    with open(os.path.join(os.fsencode(root), b"Caf\xe9 cr\xe8me.md"), "wb") as file:
        file.write("# Café crème\n".encode())
    files, report = scan(root)
    assert sorted(n.path for n in files.notes) == ["Café crème.md", "ok.md"]
    note = next(n for n in files.notes if n.path == "Café crème.md")
    assert note.text == "# Café crème\n"
    assert codes(report) == [("Café crème.md", "file.name-encoding")]
    assert all(d.path.encode("utf-8") for d in report.diagnostics)  # printable, writable


def test_every_md_file_of_a_hostile_tree_is_read_or_listed(tmp_path, monkeypatch):
    """The class test: whatever a .md file is, scan_vault reads it or lists it with a reason."""
    root = tmp_path / "vault"
    layout = {
        "ok.md": b"ok", "empty.md": b"", "bin.md": b"\x00bin", "bom16.md": "\ufeffx".encode("utf-16-le"),
        "big.md": b"x" * 3000, "a/.h.md": b"h", "a/.f/x.md": b"x", "a/b/c.md": b"c",
        "locked/x.md": b"x", "d/" * 30 + "deep.md": b"deep",
    }
    for name, data in layout.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    os.mkfifo(root / "fifo.md")
    os.symlink(tmp_path, root / "out.md")
    os.symlink(root / "nothing", root / "broken.md")
    real = os.scandir
    monkeypatch.setattr(os, "scandir",
                        lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if Path(p).name == "locked" else real(p))
    files, report = scanned_within(root, limits=LimitsConfig(note_bytes=2000))
    read = {n.path for n in files.notes}
    listed = skipped(report)
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith(".md"):
                continue
            path = unicodedata.normalize("NFC", os.path.relpath(os.path.join(dirpath, name), root))
            folders = [path[: i + 1] for i, c in enumerate(path) if c == "/"]
            assert path in read or path in listed or any(f in listed for f in folders), path
    assert read == {"ok.md", "bom16.md", "a/b/c.md", "d/" * 30 + "deep.md"}
    assert all(reason.strip() for reason in listed.values())


@pytest.mark.parametrize("stars", [16, 20, 64])
def test_runs_of_stars_match_in_linear_time(stars):
    started = time.perf_counter()
    assert not glob_matches("*" * stars + "x", "a" * 300 + "/" + "b" * 300)
    assert glob_matches("*" * stars + "x", "a" * 300 + "x")
    assert time.perf_counter() - started < 1  # was 15 s at 16 stars, over 60 s at 20


def test_glob_cost_grows_linearly_with_the_path():
    """Doubling the path doubles the work (counted in steps, not timed): no backtracking."""
    from xtdpublish.vault import globs

    def steps(path):
        count = 0
        real = globs._match_segment

        def counting(items, text):
            nonlocal count
            count += len(text) + 1
            return real(items, text)

        globs._match_segment = counting
        try:
            globs.glob_matches("**/*a*a*a*b/**", path)
        finally:
            globs._match_segment = real
        return count

    small, large = steps("/".join(["aaaa"] * 500)), steps("/".join(["aaaa"] * 1000))
    assert large <= 2.2 * small


def test_a_frontmatter_larger_than_the_limit_is_not_parsed_and_the_body_kept():
    from xtdpublish.vault.frontmatter import split_frontmatter

    report = Report()
    yaml = "".join(f"key{n}: [{', '.join(['value'] * 20)}]\n" for n in range(200))
    front = split_frontmatter(f"---\n{yaml}---\n# Titre\n\ncorps\n", "n.md", report, limit=10_000)
    assert front.meta == {} and front.body == "# Titre\n\ncorps\n" and front.body_line == 203
    assert [(d.code, d.line) for d in report.diagnostics] == [("frontmatter.too-large", 1)]
    small = split_frontmatter(f"---\n{yaml}---\nx\n", "n.md", Report(), limit=1_000_000)
    assert len(small.meta) == 200
