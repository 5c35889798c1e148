"""read_vault(root, config, report) -> Model: every piece of vault/ put together, once.

scan the files → git history (one call) → each note's metadata → its body →
its title and id → every reference resolved → backlinks, embed cycles → the
navigation tree → the frozen Model. Nothing is iterated in an order a dict or a
set chose: the same vault gives the same Model.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..config import Config
from ..model import Asset, Link, LinkStatus, Model, Note, Site
from ..report import Report
from .files import NOT_TEXT, scan_vault
from .git import git_history
from .links import LinkIndex, NoteTarget, backlinks, report_embed_cycles
from .cache import (
    ParseCache,
    diagnostics_from_json,
    diagnostics_to_json,
    headings_from_json,
    headings_to_json,
)
from .markdown import ParsedBody, RawRef, parse_markdown, slugify
from .metadata import choose_title
from .nav import NavItem, build_nav
from .parallel import map_shared
from .source import NoteSource, read_note

ID_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
# Reading a note's frontmatter costs ~0.09 ms, a fifth of parsing it: a worker reads its share
# only from this many notes up (a fork and the results' way back cost ~30-60 ms).
READ_SHARE = 1500


def read_vault(root: Path, config: Config, report: Report, cache: ParseCache | None = None) -> Model:
    files = scan_vault(root, config.vault, report)
    for path in files.excluded:
        report.skip(path, "excluded by vault.include / vault.exclude in the configuration")
    history = git_history(root, report)
    sources: list[NoteSource] = []
    unpublished: list[NoteSource] = []
    read = map_shared(partial(_read_note, config=config, history=history), files.notes,
                      lambda file: len(file.text), min_share=READ_SHARE, report=report,
                      done="notes read")
    for source, diagnostics in read:
        report.diagnostics.extend(diagnostics)  # in the notes' order, however the work was shared
        if source.unpublished:
            report.skip(source.path, source.unpublished)
            unpublished.append(source)
        else:
            sources.append(source)
    cache = cache or ParseCache(None)
    bodies = _parse_all(sources, config.vault.breaks, cache, report)
    try:
        cache.save()
    except OSError as error:  # a full disk or a read-only folder: the build goes on
        report.warning("", None, "cache.save", f"the parse cache could not be saved "
                       f"({error.strerror or error}): the next build parses every note again")
    titles = {s.path: choose_title(s, bodies[s.path].first_h1) for s in sources}
    ids = note_ids([s.path for s in sources])
    other_ids = _other_ids([s.path for s in unpublished] + list(files.excluded), set(ids.values()))

    targets = {
        s.path: NoteTarget(
            id=ids[s.path], path=s.path, title=titles[s.path][0], aliases=s.aliases,
            headings=tuple(bodies[s.path].headings), block_ids=tuple(bodies[s.path].block_ids),
        )
        for s in sources
    }
    hidden = [
        NoteTarget(id=other_ids[s.path], path=s.path, title=_stem(s.path), aliases=s.aliases,
                   published=False, reason=s.unpublished)
        for s in unpublished
    ] + [
        NoteTarget(id=other_ids[p], path=p, title=_stem(p), published=False,
                   reason="excluded by vault.include/exclude")
        for p in sorted(files.excluded)
    ]
    index = LinkIndex([*targets.values(), *hidden], files.assets, report)
    links: dict[str, tuple[Link, ...]] = {
        ids[s.path]: tuple(index.resolve(targets[s.path], ref) for ref in bodies[s.path].refs)
        for s in sources
    }
    paths = {ids[s.path]: s.path for s in sources}
    back = backlinks(links)
    report_embed_cycles(links, paths, report)

    site = _printable(_site(config), config, report)
    navigation = build_nav(
        [_nav_item(s, ids[s.path], titles[s.path][0], links[ids[s.path]]) for s in sources],
        config.guide.root, site.title, site.language, report,
    )
    notes = tuple(
        _note(s, ids[s.path], titles[s.path], bodies[s.path], links[ids[s.path]],
              back.get(ids[s.path], ()), navigation.parents.get(ids[s.path]))
        for s in sorted(sources, key=lambda s: s.path)
    )
    return Model(
        site=site,
        notes=notes,
        nav=navigation.tree,
        skipped=tuple(report.skipped),
        assets=_assets(links, files.assets),
        diagnostics=tuple(report.diagnostics),
        root=root,
    )


def _parse_all(sources: list[NoteSource], breaks: bool, cache: ParseCache,
               report: Report) -> dict[str, ParsedBody]:
    """path → parsed body: from the cache when this very text was parsed before, the others
    parsed on every core the work is worth (see parallel.py). Their diagnostics are reported
    in the order of the notes, however the work was shared."""
    keys = {s.path: cache.key(s.path, s.body_line, breaks, s.body) for s in sources}
    parsed: dict[str, tuple[ParsedBody, list]] = {}
    misses = []
    for source in sources:
        found = _cached(cache.get(keys[source.path]))
        if found is None:
            misses.append(source)
        else:
            parsed[source.path] = found
    entries = map_shared(partial(_parse_to_json, breaks=breaks), misses, _body_size, report=report,
                         done="notes parsed")
    for source, entry in zip(misses, entries):
        cache.put(keys[source.path], entry)
        parsed[source.path] = _body_from_json(entry)
    bodies = {}
    for source in sources:
        bodies[source.path], diagnostics = parsed[source.path]
        report.diagnostics.extend(diagnostics)
    return bodies


def _read_note(file, config: Config, history: dict) -> tuple[NoteSource, list]:
    """One note's file read into a NoteSource, with what was reported on the way (plain data,
    so a worker can send it)."""
    local = Report()
    return read_note(file, config, history.get(file.path), local), local.diagnostics


def _parse_to_json(source: NoteSource, breaks: bool) -> dict:
    """One note parsed, as the parse cache keeps it: plain data, so a worker can send it."""
    local = Report()
    body = parse_markdown(source.body, source.body_line, breaks, source.path, local)
    return _body_to_json(body, local.diagnostics)


def _cached(entry: dict | None) -> tuple[ParsedBody, list] | None:
    if entry is None:
        return None
    try:
        return _body_from_json(entry)
    except (KeyError, TypeError, ValueError):
        return None  # an entry of another shape: parse again, never trust it


def _body_size(source: NoteSource) -> int:
    return len(source.body)


def _body_to_json(body: ParsedBody, diagnostics) -> dict:
    return {
        "html": body.html,
        "refs": [[r.line, r.raw, r.target_text, r.label, r.fragment, r.embed, r.kind, r.width]
                 for r in body.refs],
        "headings": headings_to_json(body.headings),
        "block_ids": body.block_ids,
        "first_h1": body.first_h1,
        "summary": body.summary,
        "diagnostics": diagnostics_to_json(diagnostics),
    }


def _body_from_json(entry: dict):
    body = ParsedBody(
        html=str(entry["html"]),
        refs=[RawRef(*row) for row in entry["refs"]],
        headings=headings_from_json(entry["headings"]),
        block_ids=[str(b) for b in entry["block_ids"]],
        first_h1=entry["first_h1"],
        summary=str(entry["summary"]),
    )
    return body, diagnostics_from_json(entry["diagnostics"])


def note_ids(paths: list[str]) -> dict[str, str]:
    """path → id: the slug of the file name; notes that share one use their whole path's."""
    by_slug: dict[str, list[str]] = {}
    for path in sorted(paths):
        by_slug.setdefault(id_slug(_stem(path)), []).append(path)
    ids: dict[str, str] = {}
    for slug, same in sorted(by_slug.items()):
        for path in same:
            ids[path] = slug if len(same) == 1 else id_slug(path.removesuffix(".md"))
    return _dedupe(ids)


def id_slug(text: str) -> str:
    """An ASCII slug for a note id (``[a-z0-9][a-z0-9-]*``, as model.json's schema says).

    ``slugify`` keeps letters that have no ASCII form (``日本語``), which suits anchors but
    not ids: those are spelled in Punycode instead, stable and still distinct.
    """
    slug = slugify(text, "note")
    if not ID_SLUG.fullmatch(slug):
        punycode = slug.encode("punycode").decode("ascii").lower()
        slug = re.sub(r"[^a-z0-9]+", "-", punycode).strip("-") or "note"
    return slug


def _other_ids(paths: list[str], taken: set[str]) -> dict[str, str]:
    """Ids for notes outside the model (drafts, excluded): never one a published note has,
    nor one another of them has (``Note.md`` and a draft ``note.md`` share a whole-path slug)."""
    ids = {}
    used = set(taken)
    for path in sorted(set(paths)):
        slug = id_slug(_stem(path))
        if slug in used:
            slug = id_slug(path.removesuffix(".md"))
        ids[path] = _unused(slug, used)
    return ids


def _dedupe(ids: dict[str, str]) -> dict[str, str]:
    """Whole-path slugs can still meet (``a b.md`` and ``a-b.md``): number the later ones."""
    used: set[str] = set()
    return {path: _unused(ids[path], used) for path in sorted(ids)}


def _unused(slug: str, used: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… the first not in ``used``; marked used."""
    candidate, n = slug, 2
    while candidate in used:
        candidate = f"{slug}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def _stem(path: str) -> str:
    return posixpath.basename(path).removesuffix(".md")


def _nav_item(source: NoteSource, note_id: str, title: str, links: tuple[Link, ...]) -> NavItem:
    nav = source.nav
    order = []
    for link in links:
        if link.target and link.status in (LinkStatus.RESOLVED, LinkStatus.AMBIGUOUS) \
                and link.target not in order:
            order.append(link.target)
    return NavItem(
        id=note_id, path=source.path, title=title,
        key=nav.key if nav else None, parent=nav.parent if nav else None,
        order=nav.order if nav else None, line=nav.line if nav else None,
        links=tuple(order),
    )


def _note(source: NoteSource, note_id: str, title: tuple[str, str], body: ParsedBody,
          links: tuple[Link, ...], back: tuple[str, ...], nav_parent: str | None) -> Note:
    return Note(
        id=note_id, path=source.path, title=title[0], title_source=title[1],
        aliases=tuple(source.aliases), tags=tuple(source.tags),
        published=source.published, updated=source.updated, date_source=source.date_source,
        first_path=source.first_path or source.path, uid=source.uid,
        nav_parent=nav_parent, body_line=source.body_line, body_html=body.html,
        summary=body.summary, headings=tuple(body.headings), links=links, backlinks=back,
    )


def _site(config: Config) -> Site:
    site = config.site
    return Site(
        title=site.title, subtitle=site.subtitle, author=site.author, language=site.language,
        base_url=site.base_url, note_url=site.note_url, logo=site.logo,
    )


def _printable(site: Site, config: Config, report: Report) -> Site:
    """``site`` without the control characters no output can hold (a NUL in site.title cost
    the EPUB and reached report.html raw): each setting that had some is told, then cleaned."""
    cleaned = {}
    for key in ("title", "subtitle", "author", "language", "base_url", "note_url", "logo"):
        value = getattr(site, key)
        if isinstance(value, str) and NOT_TEXT.search(value):
            found = ", ".join(sorted({f"U+{ord(c):04X}" for c in NOT_TEXT.findall(value)}))
            report.warning(str(config.source or "xtdpublish.toml"), None, "config.control",
                           f"site.{key} holds characters no output can show ({found}); "
                           "they are left out")
            cleaned[key] = NOT_TEXT.sub("", value)
    return replace(site, **cleaned) if cleaned else site


def _assets(links: dict[str, tuple[Link, ...]], files: dict[str, Path]) -> tuple[Asset, ...]:
    used = sorted({link.asset for note_links in links.values() for link in note_links
                   if link.asset})
    assets = []
    for path in used:
        file = files[path]
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        try:
            size = file.stat().st_size
        except OSError:
            size = 0
        assets.append(Asset(path=path, media_type=media_type, size=size))
    return tuple(assets)
