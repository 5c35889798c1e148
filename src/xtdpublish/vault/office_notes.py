"""Word and LibreOffice documents (.docx, .odt) inside ``vault.include``, read as notes by pandoc.

Each document becomes the text of a markdown note, which then goes through the pipeline
like any other: pandoc (``--sandbox``: it reads the document and nothing else) turns it
into markdown (``commonmark_x``, raw HTML where markdown has no form, ``$`` math) and
takes its images out; the document's properties (``docProps/core.xml``, ``meta.xml``)
give the note's frontmatter: title, author, tags from the keywords, dates (pandoc's own
reading of a Title paragraph stands in for a missing title; a note without either takes its
first heading, else its file name; without dates, git's or the file's, as for any note).
``[[wikilinks]]`` typed in the document stay wikilinks.

The images are the note's assets, confined to the build: they are extracted into
``OUT/.cache/office-notes/<hash>/`` (the hash of the document's bytes and pandoc's
version, so an unchanged document is not converted again), and named in the vault as
``<document path>/media/<name>``, a path no vault file can have (the document is a file,
not a folder). ``Model.extracted`` maps those paths to the files; ``Model.asset_file``
gives them to the renderers. Without an output folder (``xtdpublish check``) they are
extracted into a temporary folder and forgotten. A document pandoc cannot read is
reported and listed as skipped, with pandoc's reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from lxml import etree

from .. import __version__
from ..report import Report
from .files import SourceFile, decode

OFFICE_SUFFIXES = (".docx", ".odt")
FORMAT = f"xtdpublish/office-notes@1 {__version__}"
MEDIA_FOLDER = "xtd-media"  # where pandoc puts the images, relative to its working folder
FAILED = "failed.txt"  # why pandoc could not read a document, kept like a conversion
MAX_BYTES = 100 * 1024 * 1024
MAX_UNPACKED = 2 * 1024 * 1024 * 1024  # a document is a zip: one that unpacks to more is a bomb
TIMEOUT = 300  # seconds for one document
ESCAPED_WIKILINK = re.compile(r"\\\[\\\[(.+?)\\\]\\\]")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
PROPERTIES = {
    ".docx": ("docProps/core.xml", {"title": "title", "creator": "author", "keywords": "keywords",
                                    "created": "date", "modified": "updated"}),
    ".odt": ("meta.xml", {"title": "title", "initial-creator": "author", "keyword": "keywords",
                          "creation-date": "date", "date": "updated"}),
}


@dataclass
class OfficeNotes:
    notes: list[SourceFile] = field(default_factory=list)  # the documents as markdown notes
    media: dict[str, Path] = field(default_factory=dict)  # asset path → extracted file


def read_office_notes(documents: list[tuple[str, Path]], cache: Path | None, report: Report,
                      pandoc: str, pandoc_version: str) -> OfficeNotes:
    """Each (vault path, file) read as a note; ``cache`` the folder that keeps conversions."""
    found = OfficeNotes()
    if not documents:
        return found
    scratch = None
    if cache is None:
        scratch = tempfile.TemporaryDirectory(prefix="xtd-office-notes-")
        cache = Path(scratch.name)
    cache.mkdir(parents=True, exist_ok=True)
    convert = lambda doc: _read(doc[0], doc[1], cache, pandoc, pandoc_version)  # noqa: E731
    with ThreadPoolExecutor(max(1, min(len(documents), os.cpu_count() or 1))) as pool:
        results = list(pool.map(convert, documents))  # pandoc runs outside the GIL
    used = {key for _, _, key, _ in results if key}
    for (path, _), (note, media, key, problem) in zip(documents, results):
        if problem is not None:
            report.error(path, None, "office.unreadable", f"this document cannot be read as a note: {problem}")
            report.skip(path, f"not readable as a note by pandoc: {problem}")
            continue
        found.notes.append(note)
        found.media.update(media)
    if scratch is None:
        _prune(cache, used)
    else:
        found.media = {}  # nothing renders from a check
        scratch.cleanup()
    return found


def _read(path: str, file: Path, cache: Path, pandoc: str, pandoc_version: str):
    """(note, media, cache key, None), or (None, {}, None, why it cannot be read)."""
    try:
        data = file.read_bytes()
        mtime = file.stat().st_mtime
    except OSError as error:
        return None, {}, None, f"the file cannot be read ({error.strerror or error})"
    if len(data) > MAX_BYTES:
        return None, {}, None, f"it is larger than {MAX_BYTES // 2**20} MB"
    if _unpacked_size(data) > MAX_UNPACKED:
        return None, {}, None, f"it would unpack to more than {MAX_UNPACKED // 2**30} GB"
    key = hashlib.sha256(f"{FORMAT}\0{pandoc_version}\0{path}\0".encode() + data).hexdigest()
    folder = cache / key
    if (folder / FAILED).is_file():  # pandoc refused these very bytes before: not asked again
        return None, {}, key, (folder / FAILED).read_text(encoding="utf-8", errors="replace")
    if not (folder / "note.json").is_file():
        problem = _convert(file, folder, pandoc)
        if problem:
            _remember_failure(folder, problem)
            return None, {}, key, problem
    entry = _entry(folder)
    if entry is None:  # a cache entry of another shape: convert again, never trust it
        problem = _convert(file, folder, pandoc)
        entry = _entry(folder) if problem is None else None
        if entry is None:
            return None, {}, None, problem or "its conversion could not be kept"
    markdown, meta = entry
    meta = {**meta, **_properties(data, Path(path).suffix.lower())}
    media = {}
    extracted = folder / MEDIA_FOLDER
    for image in sorted(p for p in extracted.rglob("*") if p.is_file() and not p.is_symlink()):
        media[f"{path}/{image.relative_to(extracted).as_posix()}"] = image
    text = _note_text(path, markdown, meta)
    return SourceFile(path=path, abs_path=file, text=decode(text.encode("utf-8"), path, Report()),
                      mtime=mtime), media, key, None


def _remember_failure(folder: Path, problem: str) -> None:
    try:
        folder.mkdir(exist_ok=True)
        (folder / FAILED).write_text(problem, encoding="utf-8")
    except OSError:
        pass  # asked again next time: no worse


def _entry(folder: Path) -> tuple[str, dict] | None:
    try:
        entry = json.loads((folder / "note.json").read_text(encoding="utf-8"))
        return str(entry["markdown"]), dict(entry["meta"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _convert(file: Path, folder: Path, pandoc: str) -> str | None:
    """pandoc's markdown of ``file`` and its images into ``folder``; None, or why not."""
    work = Path(tempfile.mkdtemp(prefix=folder.name[:12] + "-", dir=folder.parent))
    try:
        done = subprocess.run(
            [pandoc, "--sandbox", "--from", file.suffix.lower().lstrip("."), "--to", "commonmark_x-attributes-bracketed_spans-fenced_divs",
             "--standalone", "--wrap=none", f"--extract-media={MEDIA_FOLDER}", "--output", "note.md",
             str(file.resolve())],
            cwd=work, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        if done.returncode != 0:
            lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
            return " / ".join(lines[-3:]) or f"pandoc stopped with code {done.returncode}"
        meta, markdown = _split_yaml((work / "note.md").read_text(encoding="utf-8"))
        (work / "note.json").write_text(json.dumps({"markdown": markdown, "meta": meta}, ensure_ascii=False,
                                                   default=str), encoding="utf-8")
        (work / "note.md").unlink()
        shutil.rmtree(folder, ignore_errors=True)
        work.replace(folder)
        return None
    except subprocess.TimeoutExpired:
        return f"pandoc did not finish reading it in {TIMEOUT} s"
    except (OSError, UnicodeDecodeError) as error:
        return f"pandoc could not be run on it ({error})"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _split_yaml(text: str) -> tuple[dict, str]:
    """pandoc's own metadata block (title, author from a Title paragraph...) and the rest."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end > 0:
            try:
                meta = yaml.safe_load(text[4:end])
            except yaml.YAMLError:
                meta = None
            if isinstance(meta, dict):
                kept = {k: v for k, v in meta.items() if k in ("title", "author", "date", "subtitle")}
                return {k: _plain(v) for k, v in kept.items()}, text[end + 5:]
    return {}, text


def _plain(value):
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _properties(data: bytes, suffix: str) -> dict:
    """Title, author, keywords and dates from the document's own properties (empty ones left out)."""
    member, names = PROPERTIES[suffix]
    try:
        with zipfile.ZipFile(_bytes_file(data)) as archive:
            root = etree.fromstring(archive.read(member), PARSER)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError):
        return {}
    found = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        key = names.get(etree.QName(element).localname)
        value = " ".join((element.text or "").split())
        if key and value and key not in found:
            if key in ("date", "updated") and (len(value) < 4 or not value[:4].isdigit() or value[:4] < "1980"):
                continue  # pandoc without a clock writes 1970: no date at all
            found[key] = value
    return found


def _unpacked_size(data: bytes) -> int:
    """What the document's zip says its files unpack to (0 when it is no zip: pandoc says why)."""
    try:
        with zipfile.ZipFile(_bytes_file(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def _bytes_file(data: bytes):
    import io

    return io.BytesIO(data)


def _note_text(path: str, markdown: str, meta: dict) -> str:
    """The note as the pipeline reads any note: frontmatter, then markdown whose images point
    at their vault paths."""
    body = ESCAPED_WIKILINK.sub(lambda m: "[[" + m.group(1).replace("\\", "") + "]]", markdown)
    body = body.replace(f"{MEDIA_FOLDER}/", "/" + path + "/")
    front = {"title": meta.get("title"), "author": meta.get("author"), "date": meta.get("date"),
             "updated": meta.get("updated")}
    keywords = meta.get("keywords")
    if keywords:
        front["tags"] = [w.strip() for w in re.split(r"[,;]", keywords) if w.strip()]
    front = {k: v for k, v in front.items() if v}
    if not front:
        return body
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body


def _prune(cache: Path, used: set[str]) -> None:
    """Keep only the conversions this build used, so the cache never grows without bound."""
    for entry in cache.iterdir():
        if entry.is_dir() and entry.name not in used and len(entry.name) == 64:
            shutil.rmtree(entry, ignore_errors=True)
