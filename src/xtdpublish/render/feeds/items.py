"""What goes into a feed, shared by JSON Feed, RSS and Atom: the items, their order and ids.

A feed is a list of ``FeedItem`` under a ``Channel``. Items are the notes selected by tag,
newest first by the date they first appeared, ties broken by title (then path) so two builds
give the same order. Nothing here reads the clock: the channel's date is its newest item's.

``plan_feeds`` says which files a feed format writes and which notes each holds; the
renderers write from it (``write_feeds``) and ``feed_inputs`` hashes from it, so a feed is
rebuilt exactly when something it shows changed: its notes (all they carry but the fields in
``UNREAD_NOTE_FIELDS``), where their links point, the items' ids, the site.
"""

from __future__ import annotations

from html import escape
import weakref
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from ...atomic import write_atomic
from ...config import Config, ConfigError
from ...model import Model, Note, Severity
from ...report import Report
from ..math import math_as_text
from ..body import depth_warning
from ..limits import shown_tags, tell_bounds
from .identity import host_of, item_id, tag_slug, xml_text
from .item_body import item_html, link_urls, plain_text, summary_of

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The fields of a note that no feed shows nor reports: a change to them alone (a new backlink,
# a moved heading) does not rebuild a feed. tests/test_incremental.py's random edits hold it true.
UNREAD_NOTE_FIELDS = frozenset({"title_source", "aliases", "nav_parent", "body_line", "headings", "backlinks",
                                "fields"})


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
class ChannelPlan:
    """One feed file before its items are made: where it goes, its title, which notes it holds."""

    file: str  # in the output folder: "feed.json", "feeds/musee.json"; its URL is "/" + file
    title: str
    notes: tuple[Note, ...]
    updated_when_empty: datetime | None  # without items, the channel's date: the newest note's


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
    chosen = [n for n in notes if not wanted or wanted & _tag_keys(n.tags)]
    chosen.sort(key=lambda n: (n.title.casefold(), n.title, n.path))
    chosen.sort(key=lambda n: _aware(n.published), reverse=True)  # stable: ties keep title order
    return chosen[:limit]


def notes_by_tag(model: Model) -> dict[str, tuple[str, list[Note]]]:
    """Every tag of the published notes by its slug, with its label and its notes in the model's
    order (tags that differ only in case or accents share one slug, the first label)."""
    found: dict[str, tuple[str, list[Note]]] = {}
    for note in model.notes:
        for tag in shown_tags(note):
            notes = found.setdefault(tag_slug(tag), (tag.lstrip("#"), []))[1]
            if not notes or notes[-1] is not note:  # "Musée" and "musee" on one note: once
                notes.append(note)
    return dict(sorted(found.items()))


def plan_feeds(model: Model, config: Config, name: str, tag_suffix: str | None = None) -> list[ChannelPlan]:
    """The files of the feed ``name``: itself and, with ``feeds.per_tag`` and a ``tag_suffix``,
    ``feeds/<slug><tag_suffix>`` for every tag; each with the notes it holds, in order."""
    limit = config.feeds.limit
    plans = [_plan(model, name, model.site.title, select_notes(model.notes, config.feeds.tags, limit))]
    if config.feeds.per_tag and tag_suffix:
        for slug, (label, notes) in notes_by_tag(model).items():
            title = f"{model.site.title} — {label}" if model.site.title else label
            plans.append(_plan(model, f"feeds/{slug}{tag_suffix}", title, select_notes(notes, (), limit)))
    return plans


def _plan(model: Model, file: str, title: str, notes: list[Note]) -> ChannelPlan:
    newest = None if notes else max((_aware(n.updated) for n in model.notes), default=EPOCH)
    return ChannelPlan(file, title, tuple(notes), newest)


def write_feeds(model: Model, config: Config, out_dir: Path, report: Report, name: str,
                serialize: Callable[["Channel"], bytes | str],
                tag_suffix: str | None = None) -> list[Path]:
    """Write the files ``plan_feeds`` gives, removing the per-tag feeds of tags that are gone."""
    builder = FeedBuilder(model, config, report)
    written = []
    plans = plan_feeds(model, config, name, tag_suffix)
    for plan in plans:
        try:
            written.append(write_atomic(out_dir / plan.file, serialize(builder.channel(plan))))
        except Exception as error:  # one file (a full disk, a bug) must not cost the others
            reason = error.strerror if isinstance(error, OSError) and error.strerror else repr(error)
            report.error(plan.file, None, "feed.file", f"could not write {plan.file}: {reason}")
    if config.feeds.per_tag and tag_suffix:
        prune_tag_feeds(out_dir / "feeds", tag_suffix, [out_dir / plan.file for plan in plans])
    return written


def feed_inputs(model: Model, config: Config, name: str, tag_suffix: str | None = None) -> dict:
    """Everything the feed ``name`` (with its per-tag feeds) is made of, as JSON-able data.

    build.py hashes it, with the config, to decide whether the feed is written again. It is
    made from ``plan_feeds``, as the feed is: the files and their notes in order, every note
    whole but for ``UNREAD_NOTE_FIELDS``, where its links point (``item_body.link_urls``), the
    items' ids and the id clashes reported, and the site.
    Costs a walk over the selected notes, no rendering. Raises ConfigError without a base URL.
    """
    base_url = require_base_url(model, config)
    shared = _shared_items(model, base_url, host_of(base_url))
    plans = plan_feeds(model, config, name, tag_suffix)
    notes: dict[str, dict] = {}
    for plan in plans:
        for note in plan.notes:
            if note.id not in notes:
                notes[note.id] = {
                    **{f: _plain(getattr(note, f)) for f in _NOTE_FIELDS},
                    "item_id": shared.ids[note.id],
                    "link_targets": link_urls(model, note),
                }
    return {
        "site": _plain(model.site),
        "id_warnings": _plain(shared.id_warnings),
        "channels": _plain(plans),
        "notes": notes,
    }


def _plain(value):
    """Model data as JSON: a dataclass as a dict of all its fields, so none is forgotten."""
    if isinstance(value, str | int | float | bool | None):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Note):
        return value.id  # a note in a plan: feed_inputs gives its fields once, under "notes"
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    raise TypeError(f"no JSON form for {type(value).__name__} in a feed's inputs")


def prune_tag_feeds(folder: Path, suffix: str, planned: list[Path]) -> None:
    """Remove the per-tag feeds of tags that are gone, so partners do not read a frozen feed
    (one that could not be written this time is kept as it was)."""
    keep = set(planned)
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
        self.host = host_of(self.base_url)
        self._shared = _shared_items(model, self.base_url, self.host)
        self._told: set[Warning] = set()
        self._tell(self._shared.id_warnings)
        tell_bounds(model, report)

    def channel(self, plan: ChannelPlan) -> Channel:
        site = self.model.site
        items = tuple(self._item(note) for note in plan.notes)
        return Channel(
            title=plain_text(xml_text(plan.title)) or self.host,
            description=plain_text(xml_text(site.subtitle or plan.title)) or self.host,
            home_url=self.base_url + "/",
            self_url=self.base_url + "/" + plan.file,
            language=xml_text(site.language),
            author=xml_text(site.author),
            updated=max((item.updated for item in items), default=plan.updated_when_empty or EPOCH),
            items=items,
        )

    def _item(self, note: Note) -> FeedItem:
        item, warnings = self._shared.item(self.model, note)
        self._tell(warnings)
        return item

    def _tell(self, warnings: list[Warning]) -> None:
        """Report each warning once per format, not once per feed that holds the note.

        Every format tells its own report: an unchanged format's diagnostics are replayed from
        its fingerprint, so a format that left a warning to another would lose it when built
        alone. The build's report prints a warning two formats share once (Report.sorted)."""
        for warning in warnings:
            if warning not in self._told:
                self._told.add(warning)
                severity, path, line, code, message = warning
                self.report.add(path, line, severity, code, message)


# severity, path, line, code, message (Report.add's arguments, severity first)
Warning = tuple[Severity, str, int | None, str, str]


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

    def item(self, model: Model, note: Note) -> tuple[FeedItem, list[Warning]]:
        if note.id not in self.items:
            self.items[note.id] = self._make(model, note)
        return self.items[note.id]

    def _make(self, model: Model, note: Note) -> tuple[FeedItem, list[Warning]]:
        warnings: list[Warning] = []
        told = Report()  # what the body's formulas met

        def too_deep(deep: Note, past: int) -> None:
            told = Report()
            depth_warning(told)(deep, past)
            warnings.extend((d.severity, d.path, d.line, d.code, d.message) for d in told.diagnostics)

        failed = False
        try:
            content = xml_text(item_html(model, note, told, too_deep))
        except Exception as error:  # one note's body must not cost the feed: its item links to it
            warnings.append((Severity.ERROR, note.path, note.body_line, "feed.note",
                             f"this note's body could not be made into a feed item ({error!r}): "
                             "its item holds a link to its page instead"))
            content, failed = "", True
        published = _aware(note.published)
        stem = note.path.rsplit("/", 1)[-1].removesuffix(".md")
        title = plain_text(xml_text(math_as_text(note.title))) or xml_text(stem) or note.id
        item = FeedItem(
            id=self.ids[note.id],
            url=xml_text(model.note_url(note) or self.base_url + "/"),
            title=title,
            content_html=content,
            summary=xml_text(summary_of(note, content)),
            published=published,
            updated=max(published, _aware(note.updated)),
            tags=tuple(dict.fromkeys(filter(None, (plain_text(xml_text(t.lstrip("#")))
                                                   for t in shown_tags(note))))),
            path=note.path,
        )
        warnings += [(d.severity, d.path, d.line, d.code, d.message) for d in told.sorted()]
        if failed:
            item = replace(item, content_html=_link_to(item))
        if note.date_source == "mtime" and not note.uid:
            warnings.append((
                Severity.WARNING, note.path, 1, "feed.date",
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
                    Severity.WARNING, note.path, 1, "feed.id",
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


_NOTE_FIELDS = tuple(f.name for f in fields(Note) if f.name not in UNREAD_NOTE_FIELDS)


def _link_to(item: FeedItem) -> str:
    """An item's content when its body could not be made: a link to the note's page."""
    return f'<p><a href="{escape(item.url)}">{escape(item.title)}</a></p>'


def _tag_key(tag: str) -> str:
    return tag.lstrip("#").casefold()


def _tag_keys(tags: tuple[str, ...]) -> set[str]:
    """A note's tags and the tags they nest in: as in Obsidian, #inbox/to-read is an #inbox."""
    keys = set()
    for tag in tags:
        parts = _tag_key(tag).split("/")
        keys.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
    return keys


def _aware(moment: datetime) -> datetime:
    """A feed's date: timezone-aware (a naive one is read as UTC, not local time), to the second.

    Feeds show whole seconds (RSS can hold nothing finer), so notes in the same second
    (files copied together, dated by their mtime) are a tie, ordered by title like any other.
    """
    moment = moment.replace(microsecond=0)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
