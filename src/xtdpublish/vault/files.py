"""Which files of a vault are notes and which are assets, and each note's text.

A note's text is decoded once here (UTF-8 with or without BOM, else cp1252 with a
warning), its line endings made LF, its characters NFC and without the control
characters no XML or HTML output can hold, so that nothing later has to care how
the file was written. Vault paths are relative, "/"-separated
and NFC (macOS writes NFD file names).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..config import VaultConfig
from ..report import Report

NOTE_SUFFIX = ".md"
# Word and LibreOffice documents: notes when vault.include takes them (vault/office_notes.py)
OFFICE_SUFFIXES = (".docx", ".odt")
# C0 controls but tab and newline, and U+FFFE/U+FFFF: no XML (EPUB, RSS, Atom) can hold them
# and lxml refuses them outright, so one in a note would stop every renderer that uses it.
# Lone surrogates cannot come from a file, but they can from a YAML escape (PURE_LOADER).
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class SourceFile:
    path: str  # vault-relative, "/" separators, NFC
    abs_path: Path
    text: str  # decoded, LF line endings, NFC
    mtime: float


@dataclass(frozen=True)
class VaultFiles:
    notes: list[SourceFile]  # included, readable notes, sorted by path
    excluded: list[str]  # .md paths left out by vault.include / vault.exclude
    assets: dict[str, Path]  # every other file in the vault (not in dot-folders)
    documents: list[tuple[str, Path]] = field(default_factory=list)  # included .docx/.odt: notes


def scan_vault(root: Path, config: VaultConfig, report: Report) -> VaultFiles:
    """Walk ``root`` once: read the included notes, list the excluded ones and the assets."""
    root = root.absolute()
    real_root = root.resolve()
    notes: dict[str, SourceFile] = {}
    excluded: list[str] = []
    assets: dict[str, Path] = {}
    first_file: dict[str, Path] = {}  # note path → the first file met under that name
    documents: list[tuple[str, Path]] = []
    for path, file, link in _walk(root, real_root, report):
        is_document = path.lower().endswith(OFFICE_SUFFIXES) and is_included(path, config.include,
                                                                             config.exclude)
        if is_document and not link:
            documents.append((path, file))
            continue
        is_note = path.endswith(NOTE_SUFFIX) or is_document
        if is_note and not is_included(path, config.include, config.exclude):
            excluded.append(path)
            continue
        if is_note:
            # Whatever becomes of the first file (read, empty, binary, a symlink), the second
            # is the clash: it is never read, and both names are in the report.
            if path in first_file:
                report.error(path, None, "file.duplicate",
                             f"two files have the name {path!r} once Unicode-normalised "
                             f"({first_file[path].name!r} and {file.name!r}); only the first is read")
                report.skip(path, f"another file has this name once Unicode-normalised "
                                  f"({file.name!r} is not read); rename one of them")
                continue
            first_file[path] = file
        if link == "outside":
            report.warning(path, None, "file.symlink-outside",
                           "a symbolic link to a file outside the vault is never followed")
        elif link == "broken":
            report.warning(path, None, "file.symlink-broken",
                           "a symbolic link to a file that does not exist")
        if link:
            if is_note:
                report.skip(path, f"symbolic link {'outside the vault' if link == 'outside' else 'to nothing'}")
            continue
        if not is_note:
            assets.setdefault(path, file)
            continue
        source = read_source(path, file, report)
        if source is not None:
            notes[path] = source
    return VaultFiles(
        notes=[notes[p] for p in sorted(notes)],
        excluded=sorted(set(excluded)),
        assets=dict(sorted(assets.items())),
        documents=sorted(documents),
    )


def _walk(root: Path, real_root: Path, report: Report):
    """Yield (vault path, file, problem) for every file not in a dot-folder; problem is
    "outside" or "broken" for a symbolic link that must not be read, else None.

    Folders that are symbolic links are never entered: outside the vault they would
    leak other files into the publication, inside it they would read files twice."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            if name.startswith("."):
                continue
            folder_link = here / name
            if not folder_link.is_symlink():
                kept.append(name)
            elif not _inside(folder_link, real_root):
                report.warning(vault_path(folder_link, root), None, "file.symlink-outside",
                               "a symbolic link to a folder outside the vault is never followed")
            else:
                report.info(vault_path(folder_link, root), None, "file.symlink-folder",
                            "a symbolic link to a folder of the vault is not followed "
                            "(its files are read where they are)")
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            file = here / name
            problem = None
            if file.is_symlink():
                if not _inside(file, real_root):
                    problem = "outside"
                elif not file.exists():
                    problem = "broken"
            yield vault_path(file, root), file, problem


def _inside(link: Path, real_root: Path) -> bool:
    try:
        target = link.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return target == real_root or real_root in target.parents


def vault_path(file: Path, root: Path) -> str:
    return unicodedata.normalize("NFC", file.relative_to(root).as_posix())


def read_source(path: str, file: Path, report: Report) -> SourceFile | None:
    """Read and decode one note; None (reported, listed as skipped) when it cannot be a note."""
    try:
        data = file.read_bytes()
        mtime = file.stat().st_mtime
    except OSError as error:
        report.error(path, None, "file.unreadable", f"cannot read the file: {error.strerror or error}")
        report.skip(path, "unreadable file")
        return None
    if b"\x00" in data:
        report.error(path, None, "file.binary",
                     "the file contains NUL bytes: it is not a text note (saved by the wrong program?)")
        report.skip(path, "not a text file (NUL bytes)")
        return None
    text = decode(data, path, report)
    if not text.strip():
        report.warning(path, None, "file.empty", "empty note: nothing to publish")
        report.skip(path, "empty note")
        return None
    return SourceFile(path=path, abs_path=file, text=text, mtime=mtime)


def decode(data: bytes, path: str, report: Report) -> str:
    """Bytes → NFC text with LF line endings; UTF-8 (BOM or not), else cp1252 with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        report.warning(path, line, "file.encoding",
                       "the file is not UTF-8; read as Windows-1252 (cp1252). "
                       "Save it as UTF-8 so accents are certain")
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # cp1252 leaves five bytes undefined: latin-1 for those
            text = "".join(_cp1252_char(byte) for byte in data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    found = NOT_TEXT.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        report.warning(path, line, "file.control",
                       f"control character U+{ord(found.group()):04X} removed (and any other in "
                       "the file): no output can hold it")
        text = NOT_TEXT.sub("", text)
    return unicodedata.normalize("NFC", text)


_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _cp1252_char(byte: int) -> str:
    return chr(byte) if byte in _CP1252_UNDEFINED else bytes([byte]).decode("cp1252")


# -- include / exclude globs ------------------------------------------------

def is_included(path: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Whether the vault path is a note of the publication.

    Globs match vault paths: ``*`` and ``?`` stay inside one folder, ``**`` spans
    folders (``Notes/**``, ``**/*.md``). A glob that matches a folder matches
    everything in it, so ``Brouillon`` and ``Brouillon/`` work like ``Brouillon/**``.
    """
    if any(part.startswith(".") for part in path.split("/")):
        return False
    if include and not any(glob_matches(g, path) for g in include):
        return False
    return not any(glob_matches(g, path) for g in exclude)


def glob_matches(pattern: str, path: str) -> bool:
    regex = _glob_regex(unicodedata.normalize("NFC", pattern))
    if regex.fullmatch(path):
        return True
    parts = path.split("/")
    return any(regex.fullmatch("/".join(parts[:i])) for i in range(1, len(parts)))


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().lstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if pattern.endswith("/"):
        pattern += "**"
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and "]" in pattern[i + 2:]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:
        return re.compile(re.escape(pattern))
