"""What an output file holds, read cheaply for the build's summary and report.html:
its size, and its pages, items or notes (``"1.2 MB, 246 pages"``)."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

__all__ = ["describe", "human_size", "pdf_pages"]


def describe(path: Path) -> str:
    """``"1.2 MB, 246 pages"``: the size, and pages, items or notes when cheap to count."""
    try:
        size = path.stat().st_size
    except OSError:
        return "missing"
    parts = [human_size(size)]
    count = _count(path)
    if count is not None:
        parts.append(count)
    return ", ".join(parts)


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.1f} {unit}" if size < 10 else f"{size:.0f} {unit}"
    raise AssertionError  # unreachable


def _count(path: Path) -> str | None:
    try:
        if path.suffix == ".pdf":
            pages = pdf_pages(path.read_bytes())
            return None if pages is None else _plural(pages, "page")
        if path.name == "model.json":
            return _plural(len(json.loads(path.read_bytes())["notes"]), "note")
        if path.suffix == ".json" and path.name != "report.json":
            data = json.loads(path.read_bytes())
            return _plural(len(data["items"]), "item") if "items" in data else None
        if path.suffix == ".xml":
            data = path.read_bytes()
            return _plural(len(re.findall(rb"<(?:item|entry)[\s>/]", data)), "item")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


_STREAM = re.compile(rb"<<((?:(?!>>).)*?/ObjStm(?:(?!>>).)*?)>>\s*stream\r?\n", re.S)
_PAGES = re.compile(rb"/Type\s*/Pages\b(?:(?!>>).)*?/Count\s+(\d+)|"
                    rb"/Count\s+(\d+)(?:(?!>>).)*?/Type\s*/Pages\b", re.S)


def pdf_pages(data: bytes) -> int | None:
    """The page count of a PDF as WeasyPrint writes it, without a PDF library.

    The root /Pages object holds the total; WeasyPrint (pydyf) may put it inside a
    compressed object stream, so those are inflated too. None when it cannot be found.
    """
    counts = [int(a or b) for a, b in _PAGES.findall(data)]
    for match in _STREAM.finditer(data):
        if b"/FlateDecode" not in match.group(1):
            continue
        try:
            inflated = zlib.decompressobj().decompress(data[match.end():])
        except zlib.error:
            continue
        counts += [int(a or b) for a, b in _PAGES.findall(inflated)]
    return max(counts) if counts else None
