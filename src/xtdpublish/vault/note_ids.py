"""Note ids: an ASCII slug of each note's file name, unique in the vault (model.json's
schema), and the ids of notes outside the model, which never take a published note's."""

from __future__ import annotations

import posixpath
import re

from .refs import slugify

__all__ = ["id_slug", "note_ids", "outside_ids"]

ID_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


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


def outside_ids(paths: list[str], taken: set[str]) -> dict[str, str]:
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
