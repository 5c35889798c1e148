"""What goes into a feed, shared by JSON Feed, RSS and Atom: the items, their order and ids.

A feed is a list of ``FeedItem`` under a ``Channel``. Items are the notes selected by tag,
newest first by the date they first appeared, ties broken by title (then path) so two builds
give the same order. Nothing here reads the clock: the channel's date is its newest item's.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..atomic import write_atomic
from ..config import Config, ConfigError
from ..model import Model, Note
from ..report import Report
from .feedbody import item_html, plain_text, summary_of

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")
# What XML 1.0 cannot hold: C0 controls but tab and newlines, U+FFFE/U+FFFF, lone surrogates.
# lxml (under feedgen) refuses them outright, so one such character in a note would stop the
# RSS and Atom feeds: every text of an item and a channel goes through xml_text.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class FeedItem:
    id: str  # stable across rebuilds and renames (see item_id)
    url: str  # the note's page on the live site
    title: str  # plain text
    content_html: str  # absolute URLs, sanitized
    summary: str  # plain text
    published: datetime  # timezone-aware
    updated: datetime  # timezone-aware, never before published
    tags: tuple[str, ...]
    path: str  # the note's vault path, for messages


@dataclass(frozen=True)
class Channel:
    title: str
    description: str
    home_url: str  # the site
    self_url: str  # this feed's own URL
    language: str
    author: str
    updated: datetime  # the newest item's date, not the clock
    items: tuple[FeedItem, ...]


def require_base_url(model: Model, config: Config) -> str:
    """The site's base URL without a trailing slash; feeds cannot be written without one."""
    base_url = (model.site.base_url or "").strip().rstrip("/")
    if not base_url:
        where = config.source or "xtdpublish.toml"
        raise ConfigError(
            f"{where}: site.base_url is missing; feeds need absolute URLs "
            '(add base_url = "https://…" under [site])'
        )
    return base_url


def select_notes(notes: tuple[Note, ...] | list[Note], tags: tuple[str, ...], limit: int) -> list[Note]:
    """The notes carrying one of ``tags`` (all notes when empty), newest first, at most ``limit``."""
    wanted = {_tag_key(tag) for tag in tags}
    chosen = [n for n in notes if not wanted or wanted & {_tag_key(t) for t in n.tags}]
    chosen.sort(key=lambda n: (n.title.casefold(), n.title, n.path))
    chosen.sort(key=lambda n: _aware(n.published), reverse=True)  # stable: ties keep title order
    return chosen[:limit]


def item_id(note: Note, host: str) -> str:
    """An id that survives rebuilds and renames: never today's URL or title.

    From the frontmatter uid when there is one (kept as is when it is a URI, ``urn:uuid:``
    for a UUID, else a name-based UUID of site and uid); otherwise a ``tag:`` URI (RFC 4151)
    of the path under which the note first appeared, on the date it first appeared.
    """
    uid = (note.uid or "").strip()
    if uid:
        if URI_SCHEME.match(uid):
            return uid
        try:
            return uuid.UUID(uid).urn
        except ValueError:
            return uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{host}:uid/{uid}").urn
    first = (note.first_path or note.path).removesuffix(".md")
    day = note.published.date().isoformat()
    return f"tag:{host},{day}:{quote(first, safe='/')}"


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (see NOT_XML)."""
    return NOT_XML.sub("", text)


def tag_slug(tag: str) -> str:
    """A tag as a file name: lower case ASCII letters, digits and dashes."""
    ascii_tag = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_tag.lower()).strip("-") or "tag"


def tags_by_slug(model: Model) -> dict[str, str]:
    """Every tag of the published notes by its slug (tags that differ only in case or accents share one)."""
    found: dict[str, str] = {}
    for note in model.notes:
        for tag in note.tags:
            found.setdefault(tag_slug(tag), tag.lstrip("#"))
    return dict(sorted(found.items()))


def write_feeds(model: Model, config: Config, out_dir: Path, report: Report, name: str,
                serialize: Callable[["Channel"], bytes | str],
                tag_suffix: str | None = None) -> list[Path]:
    """Write the feed ``name`` and, with ``feeds.per_tag`` and a ``tag_suffix``, one feed per
    tag in ``feeds/``, removing those of tags that are gone."""
    builder = FeedBuilder(model, config, report)
    written = [write_atomic(out_dir / name, serialize(builder.main_channel(f"/{name}")))]
    if config.feeds.per_tag and tag_suffix:
        for slug, channel in builder.tag_channels(tag_suffix):
            written.append(write_atomic(out_dir / "feeds" / f"{slug}{tag_suffix}", serialize(channel)))
        prune_tag_feeds(out_dir / "feeds", tag_suffix, written)
    return written


def prune_tag_feeds(folder: Path, suffix: str, written: list[Path]) -> None:
    """Remove the per-tag feeds of tags that are gone, so partners do not read a frozen feed."""
    keep = set(written)
    for path in folder.glob(f"*{suffix}") if folder.is_dir() else ():
        if path not in keep and path.is_file():
            path.unlink()


class FeedBuilder:
    """Builds the channels of one model; each note's item is rendered once, however many feeds hold it."""

    def __init__(self, model: Model, config: Config, report: Report) -> None:
        self.model = model
        self.config = config
        self.report = report
        self.base_url = require_base_url(model, config)
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self._shared = _shared_items(model, self.base_url, self.host)
        self._tell(self._shared.id_warnings)

    def main_channel(self, self_path: str) -> Channel:
        notes = select_notes(self.model.notes, self.config.feeds.tags, self.config.feeds.limit)
        return self._channel(notes, self.model.site.title, self_path)

    def tag_channels(self, suffix: str) -> list[tuple[str, Channel]]:
        """One channel per tag of the vault: (slug, channel), its URL ``/feeds/<slug><suffix>``."""
        channels = []
        for slug, label in tags_by_slug(self.model).items():
            notes = [n for n in self.model.notes if any(tag_slug(t) == slug for t in n.tags)]
            notes = select_notes(notes, (), self.config.feeds.limit)
            title = f"{self.model.site.title} — {label}" if self.model.site.title else label
            channels.append((slug, self._channel(notes, title, f"/feeds/{slug}{suffix}")))
        return channels

    def _channel(self, notes: list[Note], title: str, self_path: str) -> Channel:
        site = self.model.site
        items = tuple(self._item(note) for note in notes)
        return Channel(
            title=plain_text(xml_text(title)) or self.host,
            description=plain_text(xml_text(site.subtitle or title)) or self.host,
            home_url=self.base_url + "/",
            self_url=self.base_url + self_path,
            language=xml_text(site.language),
            author=xml_text(site.author),
            updated=max((item.updated for item in items), default=self._newest_note()),
            items=items,
        )

    def _item(self, note: Note) -> FeedItem:
        item, warnings = self._shared.item(self.model, note)
        self._tell(warnings)
        return item

    def _tell(self, warnings: list[Warning]) -> None:
        """Report each warning once per build, not once per feed and format that holds the note."""
        for warning in warnings:
            if warning not in self._shared.told:
                self._shared.told.add(warning)
                self.report.warning(*warning)

    def _newest_note(self) -> datetime:
        return max((_aware(n.updated) for n in self.model.notes), default=EPOCH)


Warning = tuple[str, int | None, str, str]  # path, line, code, message: Report.warning's arguments


class _ModelItems:
    """The items of one model, shared by the JSON, RSS and Atom renderers of one build.

    Rendering and sanitizing a body is most of a feed's cost; a build that writes the three
    formats renders each selected note once, not three times.
    """

    def __init__(self, model: Model, base_url: str, host: str) -> None:
        # No reference to the model is kept: the cache entry must die with it (see _SHARED).
        self.base_url = base_url
        self.host = host
        self.id_warnings: list[Warning] = []
        self.ids = self._assign_ids(model)
        self.items: dict[str, tuple[FeedItem, list[Warning]]] = {}
        self.told: set[Warning] = set()

    def item(self, model: Model, note: Note) -> tuple[FeedItem, list[Warning]]:
        if note.id not in self.items:
            self.items[note.id] = self._make(model, note)
        return self.items[note.id]

    def _make(self, model: Model, note: Note) -> tuple[FeedItem, list[Warning]]:
        content = xml_text(item_html(model, note))
        published = _aware(note.published)
        stem = note.path.rsplit("/", 1)[-1].removesuffix(".md")
        title = plain_text(xml_text(note.title)) or xml_text(stem) or note.id
        item = FeedItem(
            id=self.ids[note.id],
            url=xml_text(model.note_url(note) or self.base_url + "/"),
            title=title,
            content_html=content,
            summary=xml_text(summary_of(note, content)),
            published=published,
            updated=max(published, _aware(note.updated)),
            tags=tuple(dict.fromkeys(filter(None, (plain_text(xml_text(t.lstrip("#")))
                                                   for t in note.tags)))),
            path=note.path,
        )
        warnings: list[Warning] = []
        if note.date_source == "mtime" and not note.uid:
            warnings.append((
                note.path, 1, "feed.date",
                "this note has no date in its frontmatter and is not in git, so its feed date "
                "and feed id come from the file's modification time and change whenever the "
                "file is copied: commit the vault to git, or add date: (and uid:) to the frontmatter",
            ))
        return item, warnings

    def _assign_ids(self, model: Model) -> dict[str, str]:
        """Every note's id, unique: a note whose id is taken (a copied uid) gets one from its own path."""
        ids: dict[str, str] = {}
        owner: dict[str, Note] = {}
        for note in model.notes:
            candidate = xml_text(item_id(note, self.host))
            if candidate in owner:
                other = owner[candidate]
                self.id_warnings.append((
                    note.path, 1, "feed.id",
                    f"this note has the same feed id as {other.path} ({candidate}); give each "
                    "note its own uid in the frontmatter. Using an id made from its path instead.",
                ))
                candidate = f"tag:{self.host},{_aware(note.published).date().isoformat()}:" + quote(
                    note.path.removesuffix(".md"), safe="/"
                )
            owner[candidate] = note
            ids[note.id] = candidate
        return ids


# One entry per live model (dropped with it): the model is frozen, so its items cannot go stale.
_SHARED: dict[int, tuple[weakref.ref, _ModelItems]] = {}


def _shared_items(model: Model, base_url: str, host: str) -> _ModelItems:
    key = id(model)
    entry = _SHARED.get(key)
    if entry is not None and entry[0]() is model:
        return entry[1]
    shared = _ModelItems(model, base_url, host)
    # The callback keeps its own reference to the dict: at interpreter exit the global may be gone.
    forget = lambda _ref, entries=_SHARED, key=key: entries.pop(key, None)  # noqa: E731
    _SHARED[key] = (weakref.ref(model, forget), shared)
    return shared


def _tag_key(tag: str) -> str:
    return tag.lstrip("#").casefold()


def _aware(moment: datetime) -> datetime:
    """A feed's date: timezone-aware (a naive one is read as UTC, not local time), to the second.

    Feeds show whole seconds (RSS can hold nothing finer), so notes in the same second
    (files copied together, dated by their mtime) are a tie, ordered by title like any other.
    """
    moment = moment.replace(microsecond=0)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
