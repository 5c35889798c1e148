"""What the reader knows of one note before its markdown is parsed: ``NoteSource`` and its ``NavEntry``.

The types alone, so that the readers of a note's metadata (metadata.py) and of its file
(source.py) both import them from here, and neither from the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NavEntry:
    key: str
    parent: str | None
    title: str | None
    order: float | None
    line: int


@dataclass(frozen=True)
class NoteSource:
    path: str
    meta: dict  # the frontmatter, JSON-safe
    body: str  # the text after the frontmatter, as written
    body_line: int  # file line where the body starts
    title: str | None  # frontmatter title, unless it is the site's name
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    published: datetime  # timezone-aware
    updated: datetime
    date_source: str  # "frontmatter", "git" or "mtime"
    first_path: str  # where git first saw the note (renames followed), else path
    uid: str | None  # frontmatter id / uid
    nav: NavEntry | None
    unpublished: str | None  # why the note is kept out ("draft: true"), or None
    drawing: bool = False  # an Excalidraw drawing: a picture, never a chapter (drawings.py)
