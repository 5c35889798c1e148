"""Parsed notes kept between builds, by content hash: an unchanged note is not parsed again.

The cache is JSON (never pickle: a cache file is data, not code), keyed by the hash of
everything the parse depends on, and carries the diagnostics the parse emitted so a
cached note still reports its problems. A file that does not parse, or was written by
another version, is ignored whole; an entry that does not have the expected shape is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from ..atomic import write_atomic
from ..model import Diagnostic, Heading, Severity

FORMAT = f"xtdpublish/parse-cache@4 {__version__}"  # @2: refs lost to make_safe dropped; @3: math; @4: inline tags, fields


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


def diagnostics_to_json(diagnostics: list[Diagnostic]) -> list[list]:
    return [[d.path, d.line, str(d.severity), d.code, d.message] for d in diagnostics]


def diagnostics_from_json(rows: list[list]) -> list[Diagnostic]:
    return [Diagnostic(p, line, Severity(s), code, message) for p, line, s, code, message in rows]


def headings_to_json(headings) -> list[list]:
    return [[h.level, h.text, h.anchor, h.line] for h in headings]


def headings_from_json(rows) -> list[Heading]:
    return [Heading(level, text, anchor, line) for level, text, anchor, line in rows]
