"""Which files of a vault are notes and which are assets, and each note's text.

A note's text is decoded once here (UTF-8 with or without BOM, UTF-16 or UTF-32 by their
BOM, else cp1252 with a warning), its line endings made LF, its characters NFC and without
the control characters no XML or HTML output can hold, so that nothing later has to care
how the file was written. Vault paths are relative, "/"-separated and NFC (macOS writes
NFD file names).

Nothing of the vault is lost without a word: a folder that cannot be read, a note in a
hidden folder, a FIFO or a device, a file too large, a name that is not UTF-8 are each
reported, and each ``.md`` file is either read or listed as skipped with its reason.
Folders are walked with a stack, not recursion, so their depth costs no stack.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..config import LimitsConfig, VaultConfig
from ..regular_file import NotRegular, TooLarge, kind_of, open_regular
from ..report import Report
from .globs import glob_matches, is_included

__all__ = ["SourceFile", "VaultFiles", "scan_vault", "read_source", "decode", "glob_matches",
           "is_included", "NOT_TEXT"]

NOTE_SUFFIX = ".md"
# Word and LibreOffice documents: notes when vault.include takes them (vault/office_notes.py)
OFFICE_SUFFIXES = (".docx", ".odt")
# C0 controls but tab and newline, and U+FFFE/U+FFFF: no XML (EPUB, RSS, Atom) can hold them
# and lxml refuses them outright, so one in a note would stop every renderer that uses it.
# Lone surrogates cannot come from a file, but they can from a YAML escape (PURE_LOADER).
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What the BOM says of the encoding; UTF-32 first: its little-endian BOM starts like UTF-16's.
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
)
BINARY_PREFIX = 8192  # NUL bytes in this much of a file (after any BOM): not a text note
# Obsidian's help: "Files and folders beginning with a . are treated as hidden".
HIDDEN = "its name starts with a dot, and Obsidian does not show such {} either"
NOT_COUNTED = {".git"}  # never holds notes, and can hold a hundred thousand files


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
    assets: dict[str, Path]  # every other regular file in the vault (not hidden)
    documents: list[tuple[str, Path]] = field(default_factory=list)  # included .docx/.odt: notes


@dataclass(frozen=True, slots=True)
class _Entry:
    path: str  # the vault path
    file: Path
    problem: str | None  # "outside", "broken", or what it is when not a regular file
    size: int = 0


def scan_vault(root: Path, config: VaultConfig, report: Report,
               limits: LimitsConfig = LimitsConfig()) -> VaultFiles:
    """Walk ``root`` once: read the included notes, list the excluded ones and the assets."""
    root = root.absolute()
    real_root = root.resolve()
    notes: dict[str, SourceFile] = {}
    excluded: list[str] = []
    assets: dict[str, Path] = {}
    first_file: dict[str, Path] = {}  # note path → the first file met under that name
    documents: list[tuple[str, Path]] = []
    for entry in _walk(root, real_root, report):
        path, file, problem = entry.path, entry.file, entry.problem
        is_document = path.lower().endswith(OFFICE_SUFFIXES) and is_included(path, config.include,
                                                                             config.exclude)
        if is_document and problem is None:
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
                             f"({_shown(first_file[path].name)!r} and {_shown(file.name)!r}); "
                             "only the first is read")
                report.skip(path, f"another file has this name once Unicode-normalised "
                                  f"({_shown(file.name)!r} is not read); rename one of them")
                continue
            first_file[path] = file
        if problem is not None:
            _report_problem(path, problem, is_note, report)
            continue
        if not is_note:
            if entry.size > limits.asset_bytes:
                report.warning(path, None, "file.too-large",
                               f"{_size(entry.size)}, more than limits.asset_bytes "
                               f"({_size(limits.asset_bytes)}): links to it are kept, but no "
                               "output reads or embeds it")
            assets.setdefault(path, file)
            continue
        source = read_source(path, file, report, limits.note_bytes)
        if source is not None:
            notes[path] = source
    return VaultFiles(
        notes=[notes[p] for p in sorted(notes)],
        excluded=sorted(set(excluded)),
        assets=dict(sorted(assets.items())),
        documents=sorted(documents),
    )


def _report_problem(path: str, problem: str, is_note: bool, report: Report) -> None:
    if problem == "outside":
        report.warning(path, None, "file.symlink-outside",
                       "a symbolic link to a file outside the vault is never followed")
        reason = "symbolic link outside the vault"
    elif problem == "broken":
        report.warning(path, None, "file.symlink-broken",
                       "a symbolic link to a file that does not exist")
        reason = "symbolic link to nothing"
    else:
        report.warning(path, None, "file.not-regular",
                       f"{problem}, not a file: it is never opened (reading it could wait "
                       "forever or never end)")
        reason = f"{problem}, not a file"
    if is_note:
        report.skip(path, reason)


def _walk(root: Path, real_root: Path, report: Report):
    """Yield an _Entry for every file of the vault that is not hidden, folder by folder in
    name order (a folder's files, then its folders), with a stack instead of recursion.

    Folders that are symbolic links are never entered: outside the vault they would
    leak other files into the publication, inside it they would read files twice.
    Hidden files and folders are not read; the notes among them are listed as skipped."""
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            where = prefix or "."
            report.error(where, None, "file.folder-unreadable",
                         f"cannot read the folder: {error.strerror or error}; "
                         "the notes in it are not published")
            report.skip(prefix + "/" if prefix else "./", f"folder that cannot be read "
                        f"({error.strerror or error}): every note in it")
            continue
        folders = []
        for entry in entries:
            name = _name(entry.name, prefix, report)
            path = prefix + "/" + name if prefix else name
            file = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_link = is_dir = False
            if entry.name.startswith("."):
                _hidden(entry, path, is_dir, report)
                continue
            if is_dir:
                folders.append((file, path))
            elif is_link:
                if (found := _link(file, path, real_root, report)) is not None:
                    yield found
            else:
                yield _file(entry, file, path)
        stack.extend(reversed(folders))


def _file(entry: os.DirEntry, file: Path, path: str) -> _Entry:
    try:
        status = entry.stat(follow_symlinks=False)
    except OSError:
        return _Entry(path, file, None)  # read_source says why it cannot be read
    return _Entry(path, file, kind_of(status.st_mode), status.st_size)


def _link(file: Path, path: str, real_root: Path, report: Report) -> _Entry | None:
    """A symbolic link inside the vault is read as its target; a link to a folder of the
    vault is not followed (None)."""
    if not _inside(file, real_root):
        return _Entry(path, file, "outside")
    try:
        status = file.stat()
    except OSError:
        return _Entry(path, file, "broken")
    if stat.S_ISDIR(status.st_mode):
        report.info(path, None, "file.symlink-folder",
                    "a symbolic link to a folder of the vault is not followed "
                    "(its files are read where they are)")
        return None
    return _Entry(path, file, kind_of(status.st_mode), status.st_size)


def _hidden(entry: os.DirEntry, path: str, is_dir: bool, report: Report) -> None:
    if not is_dir:
        if path.endswith(NOTE_SUFFIX):
            report.skip(path, "hidden file: " + HIDDEN.format("files"))
        return
    if entry.name in NOT_COUNTED:
        return
    count = sum(1 for _ in _notes_below(Path(entry.path)))
    if count:
        notes = f"its {count} notes are" if count > 1 else "its note is"
        report.skip(path + "/", f"hidden folder: {HIDDEN.format('folders')}; {notes} not published")


def _notes_below(folder: Path):
    """The ``.md`` files under a hidden folder, only counted (never read)."""
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                for entry in scan:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.name.endswith(NOTE_SUFFIX):
                        yield entry.name
        except OSError:
            continue


def _inside(link: Path, real_root: Path) -> bool:
    try:
        target = link.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return target == real_root or real_root in target.parents


def _name(raw: str, prefix: str, report: Report) -> str:
    """A file or folder name as a vault path part: NFC; a name that is not UTF-8 (Latin-1
    bytes from an old archive) is read as Windows-1252, with a warning."""
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        name = _shown(raw)
        report.warning(prefix + "/" + name if prefix else name, None, "file.name-encoding",
                       "the name of this file is not UTF-8; read as Windows-1252. Rename it "
                       "(links and outputs may not find it under this name)")
        return unicodedata.normalize("NFC", name)
    return unicodedata.normalize("NFC", raw)


def _shown(name: str) -> str:
    """A name from the file system as text: bytes that are not UTF-8 read as Windows-1252."""
    try:
        return name.encode("utf-8").decode("utf-8")
    except UnicodeEncodeError:
        return _cp1252(os.fsencode(name))


def read_source(path: str, file: Path, report: Report,
                limit: int = LimitsConfig.note_bytes) -> SourceFile | None:
    """Read and decode one note; None (reported, listed as skipped) when it cannot be a note."""
    try:
        data, mtime = _read_note_bytes(file, limit)
    except TooLarge as error:
        report.error(path, None, "file.too-large",
                     f"the note holds {_size(error.size)}, more than limits.note_bytes "
                     f"({_size(limit)}): it is not read. Split it, or raise the limit")
        report.skip(path, f"too large ({_size(error.size)}, limits.note_bytes is {_size(limit)})")
        return None
    except NotRegular as error:
        _report_problem(path, error.kind, True, report)
        return None
    except OSError as error:
        report.error(path, None, "file.unreadable", f"cannot read the file: {error.strerror or error}")
        report.skip(path, "unreadable file")
        return None
    if data is None:
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


def _read_note_bytes(file: Path, limit: int) -> tuple[bytes | None, float]:
    """The file's bytes and mtime; None for the bytes when its first bytes hold a NUL (and no
    BOM says UTF-16 or UTF-32), found before the rest is read."""
    fd, status = open_regular(file)
    with os.fdopen(fd, "rb") as stream:
        if status.st_size > limit:
            raise TooLarge(file, status.st_size, limit)
        data = stream.read(BINARY_PREFIX)
        if b"\x00" in data and _bom(data)[0] == "utf-8":
            return None, status.st_mtime
        data += stream.read(max(0, limit + 1 - len(data)))
    if len(data) > limit:  # it grew while being read
        raise TooLarge(file, len(data), limit)
    return data, status.st_mtime


def _bom(data: bytes) -> tuple[str, int]:
    """The encoding a BOM names and the BOM's length; UTF-8 and 0 without one."""
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return "utf-8", 0


def decode(data: bytes, path: str, report: Report) -> str:
    """Bytes → NFC text with LF line endings; the BOM's encoding (UTF-8, UTF-16, UTF-32),
    else UTF-8, else cp1252 with a warning."""
    encoding, bom = _bom(data)
    data = data[bom:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding != "utf-8":
            text = data.decode(encoding, errors="replace")
            report.warning(path, None, "file.encoding",
                           f"the file starts with a {encoding.upper()} byte order mark but is "
                           "not all valid in that encoding; what is not was replaced by �")
        else:
            line = data.count(b"\n", 0, error.start) + 1
            report.warning(path, line, "file.encoding",
                           "the file is not UTF-8; read as Windows-1252 (cp1252). "
                           "Save it as UTF-8 so accents are certain")
            text = _cp1252(data)
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


def _cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # cp1252 leaves five bytes undefined: latin-1 for those
        return "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in data)


def _size(size: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"
