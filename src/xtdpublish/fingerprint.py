"""What an output was made from, as one hash: unchanged inputs mean the output is not rebuilt.

An output's inputs are what it reads of the model (the whole model for model.json, the PDF
and the EPUB; for a feed, its notes and where their links point: see outputs.py), the
config, the theme's files, the tool's version and SOURCE_DATE_EPOCH. The hashes live in
``OUT/.cache/outputs.json``; a file that does not parse, or names another version, is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__
from .atomic import write_atomic
from .regular_file import NotRegular, update_hash

CACHE_FILE = Path(".cache") / "outputs.json"
FORMAT = f"xtdpublish/outputs@2 {__version__}"  # @2: a feed's hash is of its own notes


def fingerprint(name: str, model_data: bytes, config_text: str, files: list[Path],
                large: int | None = None) -> str:
    """The hash of one output's inputs: ``model_data`` is what it reads of the model (as JSON),
    ``files`` the theme's and the assets it embeds, read in chunks; a file of more than
    ``large`` bytes counts by its size and modification time (it is never embedded whole)."""
    digest = hashlib.sha256()
    for part in (FORMAT, name, os.environ.get("SOURCE_DATE_EPOCH", ""), config_text):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(model_data)
    for path in sorted(files):
        digest.update(os.fsencode(path) + b"\0")
        try:
            update_hash(digest, path, large)
        except NotRegular:
            digest.update(b"\0not a file")
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def load(out: Path) -> dict[str, dict]:
    try:
        data = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    outputs = data.get("outputs")
    return outputs if isinstance(outputs, dict) else {}


def is_current(known: dict[str, dict], out: Path, name: str, digest: str) -> bool:
    entry = known.get(name)
    if not isinstance(entry, dict) or entry.get("hash") != digest:
        return False
    files = entry.get("files")
    return isinstance(files, list) and bool(files) and all(
        isinstance(f, str) and (out / f).is_file() for f in files
    )


def save(out: Path, known: dict[str, dict]) -> None:
    data = {"format": FORMAT, "outputs": dict(sorted(known.items()))}
    write_atomic(out / CACHE_FILE, json.dumps(data, indent=1) + "\n")
