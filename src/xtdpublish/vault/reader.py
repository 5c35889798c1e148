"""read_vault(root, config, report) -> Model: every piece of vault/ put together, once.

scan the files → git history (one call) → each note's metadata → its body →
its title and id → every reference resolved → backlinks, embed cycles → the
navigation tree → the frozen Model. Nothing is iterated in an order a dict or a
set chose: the same vault gives the same Model.
"""

from __future__ import annotations

import mimetypes
import posixpath
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..config import Config
from ..model import Asset, Field, Link, LinkStatus, Model, Note, Site
from ..pandoc import pandoc_path, version
from ..report import Report
from ..transclusion import MAX_EMBEDS, MAX_SIZE, first_stop
from .files import NOT_TEXT, OFFICE_SUFFIXES, scan_vault
from .git import git_history
from .included import check_include
from .embed_cycles import report_embed_cycles
from .links import LinkIndex, NoteTarget, backlinks
from .drawings import (
    drawing_name,
    embeds_as_images,
    exported_images,
    is_drawing_file,
)
from .cache import (
    ParseCache,
    diagnostics_from_json,
    diagnostics_to_json,
    headings_from_json,
    headings_to_json,
    is_valid_entry,
)
from .markdown import ParsedBody, RawRef, parse_markdown
from .refs import without_lost_refs
from .sanitize import clean_html
from .metadata import choose_title, merge_tags
from .nav import NavItem, build_nav
from .publish_site import read_publish_site
from .note_ids import note_ids, outside_ids
from .office_notes import read_office_notes
from .parallel import map_shared
from .source import NoteSource, read_note

# Reading a note's frontmatter costs ~0.09 ms, a fifth of parsing it: a worker reads its share
# only from this many notes up (a fork and the results' way back cost ~30-60 ms).
READ_SHARE = 1500
DRAWING_REASON = "an Excalidraw drawing: shown as its exported image where a note embeds it"


def read_vault(root: Path, config: Config, report: Report, cache: ParseCache | None = None) -> Model:
    files = scan_vault(root, config.vault, report, config.limits)
    check_include(files, config, root, report)
    for path in files.excluded:
        report.skip(path, "excluded by vault.include / vault.exclude in the configuration")
    history = git_history(root, report)
    office = read_office_notes(files.documents, _office_cache(cache), report, pandoc_path(),
                               version()) if files.documents else None
    notes = sorted(files.notes + office.notes, key=lambda f: f.path) if office else files.notes
    assets = {**files.assets, **office.media} if office else files.assets
    sources: list[NoteSource] = []
    unpublished: list[NoteSource] = []
    drawings: list[NoteSource] = []
    read = map_shared(partial(_read_note, config=config, history=history), notes,
                      lambda file: len(file.text), min_share=READ_SHARE, report=report,
                      done="notes read")
    for source, diagnostics in read:
        report.diagnostics.extend(diagnostics)  # in the notes' order, however the work was shared
        if source.unpublished:
            report.skip(source.path, source.unpublished)
            unpublished.append(source)
        elif source.drawing:
            report.skip(source.path, DRAWING_REASON)
            drawings.append(source)
        else:
            sources.append(source)
    cache = cache or ParseCache(None)
    bodies = _parse_all(sources, config.vault.breaks, config.site.language, cache, report)
    try:
        cache.save()
    except OSError as error:  # a full disk or a read-only folder: the build goes on
        report.warning("", None, "cache.save", f"the parse cache could not be saved "
                       f"({error.strerror or error}): the next build parses every note again")
    titles = {s.path: choose_title(s, bodies[s.path].first_h1, config.vault.titles)
              for s in sources}
    ids = note_ids([s.path for s in sources])
    drawing_files = [path for path in files.assets if is_drawing_file(path)]
    drawing_paths = [s.path for s in drawings] + drawing_files
    other_ids = outside_ids([s.path for s in unpublished] + list(files.excluded) + drawing_paths,
                           set(ids.values()))
    images = exported_images(drawing_paths, files.assets)

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
    ] + [
        NoteTarget(id=other_ids[path], path=path, title=drawing_name(path), drawing=True,
                   image=images[path], aliases=aliases)
        for path, aliases in [*((s.path, s.aliases) for s in drawings),
                              *((p, ()) for p in drawing_files)]
    ]
    index = LinkIndex([*targets.values(), *hidden], assets, report)
    links: dict[str, tuple[Link, ...]] = {
        ids[s.path]: tuple(index.resolve(targets[s.path], ref) for ref in bodies[s.path].refs)
        for s in sources
    }
    paths = {ids[s.path]: s.path for s in sources}
    _show_drawings(sources, ids, bodies, links, hidden, report)
    back = backlinks(links)
    report_embed_cycles(links, paths, report,
                        {ids[s.path]: bodies[s.path].headings for s in sources})

    site = _printable(_site(config), config, report)
    publish = read_publish_site(root, report)
    navigation = build_nav(
        [_nav_item(s, ids[s.path], titles[s.path][0], links[ids[s.path]]) for s in sources],
        config.guide.root, site.title, site.language, report,
        publish.ordering, publish.root_among({s.path for s in sources}),
    )
    notes = tuple(
        _note(s, ids[s.path], titles[s.path], bodies[s.path], links[ids[s.path]],
              back.get(ids[s.path], ()), navigation.parents.get(ids[s.path]))
        for s in sorted(sources, key=lambda s: s.path)
    )
    _report_embed_budgets(notes, report)
    return Model(
        site=site,
        notes=notes,
        nav=navigation.tree,
        skipped=tuple(report.skipped),
        assets=_assets(links, assets, office.media if office else {}),
        diagnostics=tuple(report.diagnostics),
        root=root,
        extracted=dict(office.media) if office else {},
    )


def _show_drawings(sources: list[NoteSource], ids: dict[str, str], bodies: dict[str, ParsedBody],
                   links: dict[str, tuple[Link, ...]], targets: list[NoteTarget],
                   report: Report) -> None:
    """Embeds of drawings become the drawings' images in the bodies; a drawing that has no
    exported image is warned about once, however many notes embed it."""
    drawings = {t.id: t for t in targets if t.drawing}
    embedded_by: dict[str, int] = {}
    for source in sources:
        note_links = links[ids[source.path]]
        shown = {}
        for number, link in enumerate(note_links):
            drawing = drawings.get(link.target) if link.embed else None
            if drawing is not None:
                shown[number] = (drawing_name(drawing.path), drawing.image is not None)
                embedded_by[drawing.id] = embedded_by.get(drawing.id, 0) + 1
        if shown:
            body = bodies[source.path]
            bodies[source.path] = replace(body, html=embeds_as_images(body.html, shown))
    for drawing_id, count in sorted(embedded_by.items(), key=lambda i: drawings[i[0]].path):
        drawing = drawings[drawing_id]
        if drawing.image is None:
            stem = drawing.path.removesuffix(".md")
            report.warning(drawing.path, None, "drawing.no-image",
                           f"the Excalidraw drawing {drawing_name(drawing.path)!r} has no "
                           f"exported image ({stem}.svg or .png beside it): the {count} "
                           f"embed(s) of it show a placeholder. Turn on the plugin's "
                           f"auto-export (SVG or PNG)")


def _document_of(asset_path: str) -> str:
    """``Notes/Rapport.docx/media/image1.png`` → ``Notes/Rapport.docx``."""
    parts = asset_path.split("/")
    for end in range(1, len(parts)):
        if parts[end - 1].lower().endswith(OFFICE_SUFFIXES):
            return "/".join(parts[:end])
    return asset_path


def _office_cache(cache: ParseCache | None) -> Path | None:
    """Where images taken out of office documents are kept: beside the parse cache, in the
    output folder; None without one (``check``)."""
    return cache.path.parent / "office-notes" if cache is not None and cache.path else None


def _report_embed_budgets(notes: tuple[Note, ...], report: Report) -> None:
    """Where the embeds of a note stop being printed (transclusion.py), said once a note."""
    by_id = {note.id: note for note in notes}
    for note in notes:
        if not any(link.embed and link.target for link in note.links):
            continue
        link = first_stop(note, by_id.get)
        if link is not None:
            report.warning(note.path, link.line, "embed.too-large",
                           f"the embeds of this note (embeds in embeds included) would print more "
                           f"than {MAX_EMBEDS:,} notes or {MAX_SIZE:,} characters; from {link.raw} "
                           "on, embeds are printed as links to their note")


def _parse_all(sources: list[NoteSource], breaks: bool, language: str, cache: ParseCache,
               report: Report) -> dict[str, ParsedBody]:
    """path → parsed body: from the cache when this very text was parsed before, the others
    parsed on every core the work is worth (see parallel.py). Their diagnostics are reported
    in the order of the notes, however the work was shared."""
    keys = {s.path: cache.key(s.path, s.body_line, breaks, language, s.body) for s in sources}
    parsed: dict[str, tuple[ParsedBody, list]] = {}
    misses = []
    hits = []
    for source in sources:
        found = _cached(cache.get(keys[source.path]))
        if found is None:
            misses.append(source)
        else:
            hits.append((source.path, found))
    # Cached HTML is a file anyone with the output folder could have written: it goes
    # through the same allow-list as fresh HTML (the same bytes come out for a clean entry).
    for path, body in map_shared(_cleaned_again, hits, lambda hit: len(hit[1][0].html)):
        parsed[path] = body
    entries = map_shared(partial(_parse_to_json, breaks=breaks, language=language), misses, _body_size,
                         report=report, done="notes parsed")
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


def _parse_to_json(source: NoteSource, breaks: bool, language: str) -> dict:
    """One note parsed, as the parse cache keeps it: plain data, so a worker can send it."""
    local = Report()
    body = parse_markdown(source.body, source.body_line, breaks, source.path, local, language)
    return _body_to_json(body, local.diagnostics)


def _cleaned_again(hit: tuple[str, tuple[ParsedBody, list]]) -> tuple[str, tuple[ParsedBody, list]]:
    path, (body, diagnostics) = hit
    html, refs = without_lost_refs(clean_html(body.html)[0], body.refs)  # warnings: cached
    return path, (replace(body, html=html, refs=refs), diagnostics)


def _cached(entry: dict | None) -> tuple[ParsedBody, list] | None:
    if entry is None or not is_valid_entry(entry):
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
        "tags": body.tags,
        "fields": [[f.key, f.value, f.line] for f in body.fields],
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
        tags=[str(tag) for tag in entry["tags"]],
        fields=[Field(str(key), str(value), int(line)) for key, value, line in entry["fields"]],
    )
    return body, diagnostics_from_json(entry["diagnostics"])


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
        aliases=tuple(source.aliases), tags=merge_tags(source.tags, body.tags),
        published=source.published, updated=source.updated, date_source=source.date_source,
        first_path=source.first_path or source.path, uid=source.uid,
        nav_parent=nav_parent, body_line=source.body_line, body_html=body.html,
        summary=body.summary, headings=tuple(body.headings), links=links, backlinks=back,
        fields=tuple(body.fields),
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


def _assets(links: dict[str, tuple[Link, ...]], files: dict[str, Path],
            extracted: dict[str, Path]) -> tuple[Asset, ...]:
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
        document = _document_of(path) if path in extracted else None
        assets.append(Asset(path=path, media_type=media_type, size=size, extracted_from=document))
    return tuple(assets)
