"""One note file → NoteSource: everything about the note except its markdown."""

from __future__ import annotations

from ..config import Config
from ..report import Report
from .dates import note_dates
from .drawings import is_drawing
from .files import SourceFile
from .frontmatter import split_frontmatter
from .git import GitDates
from .metadata import (
    looks_like_site_name,
    read_aliases,
    read_nav,
    read_tags,
    read_title,
    unpublished_reason,
)
from .note_source import NavEntry, NoteSource

__all__ = ["NavEntry", "NoteSource", "read_note"]


def read_note(file: SourceFile, config: Config, git: GitDates | None, report: Report) -> NoteSource:
    path = file.path
    front = split_frontmatter(file.text, path, report, config.limits.frontmatter_bytes)
    meta, lines = front.meta, front.lines
    aliases = read_aliases(meta, lines, path, report)
    nav = read_nav(meta, lines, path, report)
    title = read_title(meta, config.site.title, path, lines.get("title"), report)
    if title and config.vault.titles == "eleventy" and (aliases or (nav and nav.title)) \
            and looks_like_site_name(title, config.site.title):
        report.info(path, lines.get("title"), "title.site-name",
                    f"title: {title!r} looks like the site's name, not the note's; "
                    f"the note's title is taken from its alias or navigation")
        title = None
    tags_key = "tags" if "tags" in meta else "tag"
    tags = read_tags(meta.get(tags_key), path, lines.get(tags_key), report)
    published, updated, date_source = note_dates(meta, lines, git, file.mtime, path, report)
    return NoteSource(
        path=path,
        meta=meta,
        body=front.body,
        body_line=front.body_line,
        title=title,
        aliases=aliases,
        tags=tags,
        published=published,
        updated=updated,
        date_source=date_source,
        first_path=git.first_path if git is not None else path,
        uid=_uid(meta, lines, path, report),
        nav=nav,
        unpublished=unpublished_reason(meta, lines, path, report),
        drawing=is_drawing(path, meta),
    )


def _uid(meta: dict, lines: dict[str, int], path: str, report: Report) -> str | None:
    for key in ("id", "uid"):
        value = meta.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            report.warning(path, lines.get(key), "uid.invalid",
                           f"{key}: {value!r} is not an identifier; ignored")
            continue
        text = str(value).strip()
        if text:
            return text
    return None
