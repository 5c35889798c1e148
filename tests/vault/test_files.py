"""scan_vault: which files are notes, excluded notes, assets; decoding; NFC; symlinks."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from xtdpublish.config import VaultConfig
from xtdpublish.report import Report
from xtdpublish.vault.files import glob_matches, is_included, scan_vault


def scan(root, **vault):
    report = Report()
    files = scan_vault(root, VaultConfig(**{k: tuple(v) if isinstance(v, list) else v
                                             for k, v in vault.items()}), report)
    return files, report


def codes(report):
    return [(d.path, d.severity.value, d.code) for d in report.sorted()]


def test_notes_sorted_assets_listed_dot_folders_left_out(make_vault):
    root = make_vault({
        "b.md": "B", "a.md": "A", "Notes/c.md": "C",
        "images/x.png": b"\x89PNG", "data.csv": "a,b",
        ".obsidian/app.json": "{}", ".trash/old.md": "old", ".git/HEAD": "ref",
        ".hidden.md": "hidden", "Notes/.DS_Store": b"\x00",
    })
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["Notes/c.md", "a.md", "b.md"]
    assert sorted(files.assets) == ["data.csv", "images/x.png"]
    assert files.assets["images/x.png"] == root / "images" / "x.png"
    assert files.excluded == []
    assert report.diagnostics == []
    # Not published, as in Obsidian, but listed: a note never vanishes without its reason.
    assert [(s.path, s.reason.split(":")[0]) for s in report.skipped] == [
        (".hidden.md", "hidden file"), (".trash/", "hidden folder")]


def test_include_and_exclude_globs(make_vault):
    root = make_vault({
        "index.md": "i", "Notes/a.md": "a", "Notes/Sub/b.md": "b", "Brouillon/d.md": "d",
        "Template/t.md": "t", "other.md": "o", "Notes/Comment éditer les contenus.md": "x",
    })
    files, report = scan(root, include=["Notes/**", "index.md"],
                         exclude=["Brouillon/**", "Template", "**/Comment éditer*"])
    assert [n.path for n in files.notes] == ["Notes/Sub/b.md", "Notes/a.md", "index.md"]
    assert files.excluded == ["Brouillon/d.md", "Notes/Comment éditer les contenus.md",
                              "Template/t.md", "other.md"]
    assert report.skipped == []  # excluded notes are not part of the publication, not skipped


@pytest.mark.parametrize("pattern, path, matches", [
    ("Notes/**", "Notes/a.md", True),
    ("Notes/**", "Notes/x/y/z.md", True),
    ("Notes/**", "Notesbis/a.md", False),
    ("**/*.md", "a.md", True),
    ("**/*.md", "a/b/c.md", True),
    ("*.md", "a/b.md", False),
    ("index.md", "index.md", True),
    ("index.md", "Notes/index.md", False),
    ("Brouillon/**", "Brouillon/x.md", True),
    ("Brouillon", "Brouillon/deep/x.md", True),
    ("Brouillon/", "Brouillon/x.md", True),
    ("N?tes/*.md", "Notes/a.md", True),
    ("[AB]*.md", "Alpha.md", True),
    ("[!AB]*.md", "Alpha.md", False),
    ("**/Comment éditer*", "Notes/Comment éditer les contenus.md", True),
    (unicodedata.normalize("NFD", "Été/**"), "Été/a.md", True),
    ("a+b (1).md", "a+b (1).md", True),
])
def test_glob(pattern, path, matches):
    assert glob_matches(pattern, path) is matches


def test_dot_folders_are_excluded_even_when_included():
    assert not is_included(".trash/a.md", ("**",), ())
    assert not is_included("Notes/.obsidian/a.md", ("**/*.md",), ())


def test_bom_crlf_and_lone_cr_are_normalised(make_vault):
    root = make_vault({
        "bom.md": "\ufeff---\r\ntitle: T\r\n---\r\nbody\r\n".encode("utf-8"),
        "cr.md": b"one\rtwo\r",
    })
    files, report = scan(root)
    texts = {n.path: n.text for n in files.notes}
    assert texts["bom.md"] == "---\ntitle: T\n---\nbody\n"
    assert texts["cr.md"] == "one\ntwo\n"
    assert report.diagnostics == []


def test_cp1252_is_read_with_a_warning(make_vault):
    root = make_vault({"latin.md": "line one\nCafé – déjà €\n".encode("cp1252")})
    files, report = scan(root)
    assert files.notes[0].text == "line one\nCafé – déjà €\n"
    assert codes(report) == [("latin.md", "warning", "file.encoding")]
    assert report.diagnostics[0].line == 2


def test_bytes_undefined_in_cp1252_do_not_break_reading(make_vault):
    root = make_vault({"odd.md": b"caf\xe9 \x81\x9d"})
    files, report = scan(root)
    assert files.notes[0].text == "café \x81\x9d"
    assert codes(report) == [("odd.md", "warning", "file.encoding")]


def test_control_characters_are_removed_with_a_warning_naming_the_line(make_vault):
    """Found by tests/test_fuzz_vaults.py: a backspace or a vertical tab in a note reached
    lxml (render/body.py, feedgen), which refuses any string XML cannot hold, and the feeds
    stopped. Tab and newline stay; form feed, escape, U+FFFF and the like go."""
    root = make_vault({"ctl.md": b"# T\x08itre\n\nline\ttab\x0b\x0c\x1b[31m\xef\xbf\xbf end\r\n"})
    files, report = scan(root)
    assert files.notes[0].text == "# Titre\n\nline\ttab[31m end\n"
    assert codes(report) == [("ctl.md", "warning", "file.control")]
    assert report.diagnostics[0].line == 1


def test_nul_bytes_skip_the_file_with_an_error(make_vault):
    root = make_vault({"bin.md": b"PK\x03\x04\x00\x00text", "ok.md": "ok"})
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["ok.md"]
    assert codes(report) == [("bin.md", "error", "file.binary")]
    assert [(s.path, s.reason) for s in report.skipped] == [("bin.md", "not a text file (NUL bytes)")]


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", "\ufeff\r\n".encode("utf-8")])
def test_empty_notes_are_skipped_with_a_warning(make_vault, content):
    root = make_vault({"empty.md": content})
    files, report = scan(root)
    assert files.notes == []
    assert codes(report) == [("empty.md", "warning", "file.empty")]
    assert [(s.path, s.reason) for s in report.skipped] == [("empty.md", "empty note")]


def test_names_and_text_are_nfc(make_vault):
    nfd_name = unicodedata.normalize("NFD", "Notes/Stratégie numérique.md")
    root = make_vault({nfd_name: unicodedata.normalize("NFD", "# Été à Genève\n")})
    files, _ = scan(root)
    (note,) = files.notes
    assert note.path == "Notes/Stratégie numérique.md"
    assert unicodedata.is_normalized("NFC", note.path)
    assert note.text == "# Été à Genève\n" and unicodedata.is_normalized("NFC", note.text)
    assert note.abs_path.exists()


def test_two_names_equal_once_normalised_are_reported(make_vault):
    root = make_vault({
        unicodedata.normalize("NFC", "é.md"): "one",
        unicodedata.normalize("NFD", "é.md"): "two",
    })
    files, report = scan(root)
    assert len(files.notes) == 1
    assert codes(report) == [("é.md", "error", "file.duplicate")]
    # found by tests/test_fuzz_vaults.py: the second file was in no list of the build report
    assert [s.path for s in report.skipped] == ["é.md"]
    assert "Unicode" in report.skipped[0].reason


def test_a_name_clash_is_reported_even_when_the_first_file_is_not_a_note(make_vault):
    """Found by tests/test_fuzz_vaults.py: when the first of two clashing files was empty, the
    second was published under the same name, and nothing told the editor of the clash."""
    root = make_vault({
        unicodedata.normalize("NFD", "é.md"): "",
        unicodedata.normalize("NFC", "é.md"): "two",
    })
    files, report = scan(root)
    assert files.notes == []
    assert sorted(codes(report)) == [("é.md", "error", "file.duplicate"), ("é.md", "warning", "file.empty")]
    assert sorted(s.reason.split(" (")[0] for s in report.skipped) == [
        "another file has this name once Unicode-normalised", "empty note"]


def test_symlinks_outside_the_vault_are_never_followed(make_vault, tmp_path):
    outside = tmp_path / "outside"
    (outside / "secret").mkdir(parents=True)
    (outside / "secret.md").write_text("secret note")
    (outside / "secret" / "x.md").write_text("secret")
    (outside / "passwd.png").write_text("secret")
    root = make_vault({"a.md": "A", "Sub/b.md": "B"})
    os.symlink(outside / "secret.md", root / "leak.md")
    os.symlink(outside / "secret", root / "leakdir")
    os.symlink(outside / "passwd.png", root / "img.png")
    os.symlink(root / "Sub" / "b.md", root / "inside.md")  # inside the vault: fine
    os.symlink(root / "Sub", root / "SubAgain")  # a folder of the vault: read once, not twice
    os.symlink(root / "gone.md", root / "broken.md")
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["Sub/b.md", "a.md", "inside.md"]
    assert files.notes[2].text == "B"
    assert files.assets == {}
    assert codes(report) == [
        ("SubAgain", "info", "file.symlink-folder"),
        ("broken.md", "warning", "file.symlink-broken"),
        ("img.png", "warning", "file.symlink-outside"),
        ("leak.md", "warning", "file.symlink-outside"),
        ("leakdir", "warning", "file.symlink-outside"),
    ]
    assert {s.path for s in report.skipped} == {"leak.md", "broken.md"}


def test_relative_symlink_escaping_with_dotdot(make_vault, tmp_path):
    (tmp_path / "elsewhere.md").write_text("outside")
    root = make_vault({"a.md": "A"})
    os.symlink("../elsewhere.md", root / "up.md")
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["a.md"]
    assert codes(report) == [("up.md", "warning", "file.symlink-outside")]


def test_unreadable_file_is_skipped_with_an_error(make_vault, monkeypatch):
    root = make_vault({"locked.md": "x", "ok.md": "y"})
    real_open = os.open

    def locked_open(path, *args, **kwargs):
        if Path(path).name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked_open)
    files, report = scan(root)
    assert [n.path for n in files.notes] == ["ok.md"]
    assert codes(report) == [("locked.md", "error", "file.unreadable")]
    assert "Permission denied" in report.diagnostics[0].message
    assert [(s.path, s.reason) for s in report.skipped] == [("locked.md", "unreadable file")]


def test_mtime_is_the_files(make_vault):
    root = make_vault({"a.md": "A"})
    os.utime(root / "a.md", (1_600_000_000, 1_600_000_000))
    files, _ = scan(root)
    assert files.notes[0].mtime == 1_600_000_000


def test_only_lowercase_md_files_are_notes_as_in_obsidian(make_vault):
    root = make_vault({"README.MD": "x", "a.md": "A"})
    files, _ = scan(root)
    assert [n.path for n in files.notes] == ["a.md"]
    assert list(files.assets) == ["README.MD"]
