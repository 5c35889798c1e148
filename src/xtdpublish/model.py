"""The intermediate model: the whole vault as plain, typed, frozen data.

Every renderer reads this and nothing else; nothing here knows about any output
format. This module imports nothing from the rest of the package.

The body of a note is an HTML fragment in which every reference the reader
found (wikilink, markdown link to a note, embed, image, asset) is written as
the URL ``xtd:link/N``, N being the index of that reference in ``Note.links``.
It may stand in ``href``, ``src`` or ``srcset``. A note embed ``![[Other]]`` is
``<div class="xtd-embed" data-link="N"><a href="xtd:link/N">label</a></div>``
(a ``span`` when it stands inside a paragraph). Headings carry ``id`` set to
their ``Heading.anchor``; ``^block`` ids become ``id="block-NAME"``. Every
``<img>`` has an ``alt``: the note's, ``""`` for an ornament, else its file name in
words marked ``data-alt="guessed"``. Renderers rewrite those URLs by their own policy
(see ``render/body.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from string import Formatter
from urllib.parse import quote

LINK_SCHEME = "xtd:link/"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in the vault: ``path:line: severity: message [code]``."""

    path: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


class LinkStatus(StrEnum):
    RESOLVED = "resolved"
    UNPUBLISHED = "unpublished"  # the target exists but is excluded or a draft
    DANGLING = "dangling"
    AMBIGUOUS = "ambiguous"  # several candidates: resolved to the one Obsidian opens
    ASSET = "asset"  # an image or file inside the vault
    MISSING_ASSET = "missing-asset"  # looks like a file, no such file in the vault


@dataclass(frozen=True, slots=True)
class Link:
    """One reference from a note to a note, a heading, a block or a file."""

    line: int
    raw: str  # as written: "[[Note#Part|label]]", "![](img.png)", "/images/x.svg"
    target_text: str  # the target as written, without fragment: "Note"
    label: str
    fragment: str | None  # "Part" or "^block", as written
    embed: bool
    status: LinkStatus
    target: str | None = None  # note id, for resolved/ambiguous/unpublished links and drawings
    anchor: str | None = None  # the heading or block anchor inside the target
    asset: str | None = None  # vault path, for asset links


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # plain text, markup stripped
    anchor: str  # unique within the note
    line: int


def sections_at(headings: tuple[Heading, ...] | list[Heading], line: int) -> list[str]:
    """The anchors of the headings whose sections hold ``line`` (a section runs to the next
    heading of its level or above), outermost first."""
    open_: list[Heading] = []
    for heading in headings:
        if heading.line > line:
            break
        while open_ and open_[-1].level >= heading.level:
            open_.pop()
        open_.append(heading)
    return [heading.anchor for heading in open_]


@dataclass(frozen=True, slots=True)
class Field:
    """A Dataview field of a note: ``key:: value`` on a line, or ``[key:: value]`` in the text."""

    key: str  # as written, markup around it dropped: "**Author**:: x" is "Author"
    value: str  # the markdown as written, blanks folded
    line: int


@dataclass(frozen=True, slots=True)
class Asset:
    path: str  # vault-relative, "/" separators, NFC
    media_type: str
    size: int
    # For an image taken out of an office document (a .docx note): the document's vault path.
    # Its path is then "<document>/media/<name>", which no file of the vault can have.
    extracted_from: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    id: str  # stable slug, unique in the vault
    path: str  # vault-relative, "/" separators, NFC
    title: str
    title_source: str  # "title", "alias", "navigation", "heading", "filename"
    aliases: tuple[str, ...]
    tags: tuple[str, ...]  # the properties' then the text's (#tag), case variants merged
    published: datetime  # timezone-aware
    updated: datetime
    date_source: str  # "frontmatter", "git" or "mtime"
    first_path: str  # the path under which the note first appeared (git), else path
    uid: str | None  # frontmatter "id"/"uid", for identities that survive renames
    nav_parent: str | None  # note id
    body_line: int  # line of the file where the body starts
    body_html: str
    summary: str  # plain text, the first words of the body
    headings: tuple[Heading, ...] = ()
    links: tuple[Link, ...] = ()
    backlinks: tuple[str, ...] = ()  # ids of the notes that link here
    fields: tuple[Field, ...] = ()  # Dataview fields, in the order of the text

    def __repr__(self) -> str:
        return f"Note(id={self.id!r}, path={self.path!r}, title={self.title!r})"


@dataclass(frozen=True, slots=True)
class NavNode:
    """A node of the navigation tree. ``note`` is None for a folder or a branch."""

    title: str
    note: str | None = None
    kind: str = "note"  # "root", "note", "folder" or "unlisted"
    children: tuple[NavNode, ...] = ()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Site:
    title: str
    subtitle: str
    author: str
    language: str
    base_url: str | None
    note_url: str  # template with {base_url}, {path}, {id}
    logo: str | None = None  # vault path of the logo


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


def file_inside(root: Path, path: str) -> Path | None:
    """``root / path`` as an existing file inside ``root``, else None: nothing a ``..``, an
    absolute path or a symlink points at outside it."""
    folder = root.resolve()
    try:
        file = (folder / path).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        return None
    # is_file() is true of regular files only: never a FIFO or a device such as /dev/zero
    return file if file.is_relative_to(folder) and file.is_file() else None


@dataclass(frozen=True)
class Model:
    site: Site
    notes: tuple[Note, ...]  # sorted by path
    nav: NavNode
    skipped: tuple[Skipped, ...]
    assets: tuple[Asset, ...]
    diagnostics: tuple[Diagnostic, ...]
    root: Path  # the vault folder; where assets are read from, never written to json
    # Asset path → the file in the build's cache that holds an image taken out of an office
    # document (see vault/office_notes.py); never written to json.
    extracted: dict[str, Path] = field(default_factory=dict)
    _by_id: dict[str, Note] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {note.id: note for note in self.notes})

    def note(self, note_id: str) -> Note:
        return self._by_id[note_id]

    def get(self, note_id: str | None) -> Note | None:
        return self._by_id.get(note_id) if note_id else None

    def asset_file(self, path: str) -> Path | None:
        """The file holding the asset ``path``, or None: a file inside the vault, or one the
        reader took out of an office document into the build's cache; nothing else."""
        if path in self.extracted:
            file = self.extracted[path]
            return file if file.is_file() and not file.is_symlink() else None
        return file_inside(self.root, path)

    def note_url(self, note: Note) -> str | None:
        """The note's page on the live site, or None without ``site.base_url``."""
        if not self.site.base_url:
            return None
        path = quote(note.path.removesuffix(".md"), safe="/")
        values = {"base_url": self.site.base_url.rstrip("/"), "path": path, "id": note.id}
        # Filled by hand, not str.format: a placeholder is a name, never {path.__class__}
        # (config.py refuses any other; a name that slipped through is left out).
        return "".join(literal + (values.get(name, "") if name is not None else "")
                       for literal, name, _, _ in _template(self.site.note_url))

    def in_nav_order(self) -> list[Note]:
        """Every published note once, in the order the navigation tree gives."""
        return [self._by_id[node.note] for node in self.nav.walk() if node.note in self._by_id]


@lru_cache(maxsize=8)
def _template(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return list(Formatter().parse(text))
