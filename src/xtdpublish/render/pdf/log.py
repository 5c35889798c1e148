"""What WeasyPrint (and the fontTools it calls) said while laying out the guide, as diagnostics.

WeasyPrint logs missing or refused resources, missing glyphs and its own notices instead
of raising. ``weasyprint_log`` collects them; ``report_log`` turns them into diagnostics
naming the note (and line, when known) they come from, each once:

- a resource (an image, a stylesheet) not read: a warning on the note that links it;
- a character no font on the machine has: one warning per note, with all its characters;
- the notice that fontTools subsets the fonts because HarfBuzz-Subset is missing: one info
  line for the whole build (it is about the machine, not the vault);
- anything else: a warning on the guide.
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote, unquote

from lxml import html

from ...report import Report
from .paper import Prepared

MISSING_GLYPH = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts: \"(.*)\" \(U\+([0-9A-F]+)\)", re.S)
MACHINE_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)


@contextlib.contextmanager
def weasyprint_log() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors during the block."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    previous_level = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.WARNING or logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


def report_log(records: list[logging.LogRecord], prepared: Prepared, report: Report) -> None:
    """Turn WeasyPrint's log (and what ``prepare`` noticed) into diagnostics, once each."""
    seen = set()
    for path, line, code, message in prepared.diagnostics:
        if (path, code, message) not in seen:
            seen.add((path, code, message))
            report.warning(path, line, code, message)
    missing: dict[str, None] = {}
    machine: dict[str, None] = {}
    for record in records:
        message = record.getMessage().strip()
        if (glyph := MISSING_GLYPH.match(message)) is not None:
            missing[chr(int(glyph.group(2), 16))] = None
            continue
        if message.startswith(MACHINE_NOTICES):
            machine[message.split(" for font")[0]] = None
            continue
        path, line = _source_of(message, prepared.sources)
        resource = "load" in message.lower() or "url" in message.lower()
        code = "pdf.resource" if resource else "pdf.layout"
        text = (f"a resource of this note was not printed: {message}" if resource and path != "guide"
                else f"WeasyPrint: {message}")
        if (path, code, text) in seen:
            continue
        seen.add((path, code, text))
        report.warning(path, line, code, text)
    for notice in machine:
        report.info("guide", None, "pdf.machine",
                    f"WeasyPrint: {notice} (install HarfBuzz-Subset 4.1+ for smaller, faster fonts)")
    if missing:
        _report_glyphs(list(missing), prepared.html, report)


def _report_glyphs(characters: list[str], document: str, report: Report) -> None:
    """One warning per note holding characters that no font could print."""
    by_note: dict[str, list[str]] = {}
    for path, text in _note_texts(document):
        found = [c for c in characters if c in text]
        if found:
            by_note[path] = found
    placed = {c for found in by_note.values() for c in found}
    if rest := [c for c in characters if c not in placed]:
        by_note["guide"] = rest
    for path, found in by_note.items():
        names = ", ".join(f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed').lower()})" for c in found)
        report.warning(path, None, "pdf.glyph",
                       f"no font of the theme or of this machine has {names}: printed as an empty "
                       "box; install a font that has it, or name one in the theme's CSS")


def _note_texts(document: str) -> Iterator[tuple[str, str]]:
    """(note path, the text printed for it: title, body, backlinks) of every note section."""
    root = html.document_fromstring(document)
    for section in root.iter("section"):
        path = section.get("data-source")
        if path:
            own = [child for child in section if child.tag != "section"]
            yield path, " ".join(child.text_content() for child in own)


def _source_of(message: str, sources: dict[str, tuple[str, int | None]]) -> tuple[str, int | None]:
    for url, where in sources.items():
        if url in message or _as_uri(url) in message or unquote(url) in message:
            return where
    return "guide", None


def _as_uri(url: str) -> str:
    """The URL as WeasyPrint writes it in its messages (its iri_to_uri)."""
    return quote(url.encode(), safe=b"/:?#[]@!$&'()*+,;=~%")
