"""Parsed notes kept between builds, by content hash: an unchanged note is not parsed again.

The cache is JSON (never pickle: a cache file is data, not code), keyed by the hash of
everything the parse depends on, and carries the diagnostics the parse emitted so a
cached note still reports its problems. A file that does not parse, or was written by
another version, is ignored whole; an entry that does not have the expected shape and types
is a miss (``is_valid_entry``), and the HTML of one that has is cleaned again by the reader.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..atomic import write_atomic
from ..model import Diagnostic, Heading, Severity

# @2: refs lost to make_safe dropped; @3: math; @4: inline tags, fields; @5: bodies through
# the nh3 allow-list, raw HTML never left unclosed; @6: a video page's image gets no guessed alt
FORMAT = f"xtdpublish/parse-cache@6 {__version__}"


class ParseCache:
    def __init__(self, path: Path | None, read: bool = True):
        """``path`` None keeps nothing; ``read`` False starts afresh (``--force``) but saves."""
        self.path = path
        self.entries: dict[str, dict] = _load(path) if path and read else {}
        self.used: dict[str, dict] = {}
        self.hits = 0

    @staticmethod
    def key(*parts: object) -> str:
        digest = hashlib.sha256(FORMAT.encode())
        for part in parts:
            digest.update(b"\0" + str(part).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if isinstance(entry, dict):
            self.used[key] = entry
            self.hits += 1
            return entry
        return None

    def put(self, key: str, entry: dict) -> None:
        self.used[key] = entry

    def save(self) -> None:
        """Keep only what this build used, so the cache never grows without bound."""
        if self.path is None or (self.used == self.entries):
            return
        data = {"format": FORMAT, "entries": self.used}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _load(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


REF_KINDS = {"note", "file", "either"}
SEVERITIES = {"error", "warning", "info"}


def is_valid_entry(entry: object) -> bool:
    """Whether a cached parse has exactly the shape and types a parse gives: anything else
    (another version's entry, a hand-edited or crafted file) is a miss and is parsed again.
    The HTML itself is never trusted: the reader cleans it like fresh HTML."""
    if not isinstance(entry, dict):
        return False
    try:
        return (
            isinstance(entry["html"], str) and isinstance(entry["summary"], str)
            and _optional(entry["first_h1"], str)
            and all(isinstance(b, str) for b in entry["block_ids"])
            and all(_ref_row(row) for row in entry["refs"])
            and all(_row(row, (int, str, str, int)) for row in entry["headings"])
            and all(isinstance(tag, str) for tag in entry["tags"])
            and all(_row(row, (str, str, int)) for row in entry["fields"])
            and all(_row(row, (str, (int, type(None)), str, str, str)) and row[2] in SEVERITIES
                    for row in entry["diagnostics"])
        )
    except (KeyError, TypeError):
        return False


def _ref_row(row: object) -> bool:
    return (_row(row, (int, str, str, str, (str, type(None)), bool, str, (int, type(None))))
            and row[6] in REF_KINDS)


def _row(row: object, types: tuple) -> bool:
    return (isinstance(row, list) and len(row) == len(types)
            and all(isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
                    for value, kind in zip(row, types)))


def _optional(value: object, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def diagnostics_to_json(diagnostics: list[Diagnostic]) -> list[list]:
    return [[d.path, d.line, str(d.severity), d.code, d.message] for d in diagnostics]


def diagnostics_from_json(rows: list[list]) -> list[Diagnostic]:
    return [Diagnostic(p, line, Severity(s), code, message) for p, line, s, code, message in rows]


def headings_to_json(headings) -> list[list]:
    return [[h.level, h.text, h.anchor, h.line] for h in headings]


def headings_from_json(rows) -> list[Heading]:
    return [Heading(level, text, anchor, line) for level, text, anchor, line in rows]
