"""A note's metadata as the author meant it: tags, aliases, title, navigation, drafts.

Each reader takes the frontmatter value as found (any type: YAML is loose and
editors more so), returns clean values and reports what it had to guess.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from ..report import Report
from .note_source import NavEntry, NoteSource

TAG_SEPARATORS = re.compile(r"[\s,;]+")
TRUE_WORDS = {"true", "yes", "on", "1", "oui", "vrai"}
FALSE_WORDS = {"false", "no", "off", "0", "non", "faux"}


# -- tags ---------------------------------------------------------------------

def read_tags(value: Any, path: str, line: int | None, report: Report) -> tuple[str, ...]:
    """Tags from a list or a string; ``#`` dropped; split on spaces and commas (a tag has
    neither: ``ressource forum francais`` is three tags); case variants merged, the
    first spelling kept. A number becomes a tag with a warning; other values are reported."""
    tags: dict[str, str] = {}
    for item in value if isinstance(value, list) else [value]:
        for word in _tag_words(item, path, line, report):
            tags.setdefault(word.casefold(), word)
    return tuple(tags.values())


def merge_tags(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The tags of the properties then of the text (``#tag``), each once: Obsidian merges case
    variants and shows the spelling first written."""
    tags: dict[str, str] = {}
    for group in groups:
        for tag in group:
            tag = unicodedata.normalize("NFC", tag)
            tags.setdefault(tag.casefold(), tag)
    return tuple(tags.values())


def _tag_words(item: Any, path: str, line: int | None, report: Report) -> list[str]:
    if item is None or item == "":
        return []
    if isinstance(item, bool) or not isinstance(item, (str, int, float)):
        report.warning(path, line, "tags.invalid",
                       f"tags: {item!r} is not a tag (write tags as words: tags: a b c); ignored")
        return []
    if not isinstance(item, str):
        report.warning(path, line, "tags.number",
                       f"tags: {item!r} is a number; read as the tag '{item}'")
        item = str(item)
    words = []
    for word in TAG_SEPARATORS.split(unicodedata.normalize("NFC", item)):
        word = word.lstrip("#").strip("/")
        if word:
            words.append(word)
    return words


# -- aliases ------------------------------------------------------------------

def read_aliases(meta: dict[str, Any], lines: dict[str, int], path: str, report: Report
                 ) -> tuple[str, ...]:
    """``aliases`` then ``alias``, each a string or a list; empty values ignored."""
    found: dict[str, str] = {}
    for key in ("aliases", "alias"):
        value = meta.get(key)
        for item in value if isinstance(value, list) else [value]:
            alias = _alias_text(item, key, path, lines.get(key), report)
            if alias:
                found.setdefault(alias, alias)
    return tuple(found)


def _alias_text(item: Any, key: str, path: str, line: int | None, report: Report) -> str | None:
    if item is None:
        return None
    if isinstance(item, str):
        return " ".join(unicodedata.normalize("NFC", item).split()) or None
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        report.warning(path, line, "alias.number", f"{key}: {item!r} is a number; read as text")
        return str(item)
    if isinstance(item, dict) and len(item) == 1:
        # `alias: [Note: subtitle]` reads as a mapping; the author wrote a title with a colon
        (name, rest), = item.items()
        text = f"{name}: {rest}" if rest is not None else f"{name}:"
        report.warning(path, line, "alias.colon",
                       f"{key}: YAML reads {text!r} as a key and a value; read as the text "
                       f"{text!r} (quote it)")
        return _alias_text(text, key, path, line, report)
    report.warning(path, line, "alias.invalid", f"{key}: {item!r} is not a name; ignored")
    return None


# -- title ----------------------------------------------------------------------

def read_title(meta: dict[str, Any], site_title: str, path: str, line: int | None,
               report: Report) -> str | None:
    """The frontmatter title, unless it is the site's name (Eleventy vaults put it there)."""
    value = meta.get("title")
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        report.warning(path, line, "title.invalid",
                       f"title: {value!r} is not text; the title is taken from elsewhere")
        return None
    title = " ".join(unicodedata.normalize("NFC", value).split())
    if not title or (site_title.strip() and title.casefold() == site_title.strip().casefold()):
        return None
    return title


def looks_like_site_name(title: str, site_title: str) -> bool:
    """``MuseumXTD - Forum``: the site's name with a section, not the note's title."""
    site = site_title.strip().casefold()
    if not site or not title.casefold().startswith(site):
        return False
    rest = title[len(site):].lstrip()
    return rest[:1] in ("-", "|", "–", "—", ":", "·")


def choose_title(source: NoteSource, first_h1: str | None, rule: str = "obsidian"
                 ) -> tuple[str, str]:
    """(title, where it came from), by the vault's title rule (``vault.titles``).

    ``obsidian``: the ``title`` property, else the file name, as Obsidian shows a note; its
    aliases are other names to link by, never the title. ``eleventy`` (MuseumXTD): its
    ``title`` is the site's name, so the first alias, the navigation title or the first
    heading comes before the file name."""
    if source.title:
        return source.title, "title"
    if rule == "eleventy":
        if source.aliases:
            return source.aliases[0], "alias"
        if source.nav is not None and source.nav.title:
            return source.nav.title, "navigation"
        if first_h1 and first_h1.strip():
            return " ".join(first_h1.split()), "heading"
    name = source.path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if name.lower().endswith((".md", ".docx", ".odt")) else name
    # a name of blanks (" .md", "\x85.md") would be an invisible title: the path shows
    return (stem if stem.strip() else source.path), "filename"


# -- publish / draft ------------------------------------------------------------

def unpublished_reason(meta: dict[str, Any], lines: dict[str, int], path: str, report: Report
                       ) -> str | None:
    """"draft: true", "publish: false" or "published: false" (Jekyll), else None."""
    for key, keep_out_when in (("draft", True), ("publish", False), ("published", False)):
        if key not in meta:
            continue
        flag = _flag(meta[key])
        if flag is None:
            if key != "published" and meta[key] not in (None, ""):
                report.warning(path, lines.get(key), "publish.invalid",
                               f"{key}: {meta[key]!r} is neither true nor false; ignored")
            continue
        if flag == keep_out_when:
            return f"{key}: {'true' if flag else 'false'}"
    return None


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


# -- eleventyNavigation ---------------------------------------------------------

def read_nav(meta: dict[str, Any], lines: dict[str, int], path: str, report: Report
             ) -> NavEntry | None:
    value = meta.get("eleventyNavigation")
    if value is None:
        return None
    line = lines.get("eleventyNavigation")
    if not isinstance(value, dict):
        report.warning(path, line, "nav.invalid",
                       f"eleventyNavigation: {value!r} is not key/parent/title/order; ignored")
        return None
    key_line = lines.get("eleventyNavigation.key", line)
    key = _nav_text(value.get("key"), "key", path, key_line, report)
    parent = _nav_text(value.get("parent"), "parent", path,
                       lines.get("eleventyNavigation.parent", line), report)
    if not key and not parent:
        report.warning(path, key_line, "nav.no-key",
                       "eleventyNavigation has no key; the note is placed outside the navigation")
        return None
    # Without a key but with a parent, Eleventy's navigation plugin lists the note under its
    # parent; it only cannot be a parent itself (key "").
    title = _nav_text(value.get("title"), "title", path,
                      lines.get("eleventyNavigation.title", line), report, quiet_numbers=True)
    order = _nav_order(value.get("order"), path, lines.get("eleventyNavigation.order", line), report)
    return NavEntry(key=key or "", parent=parent or None, title=title or None, order=order,
                    line=key_line or 1)


def _nav_text(value: Any, name: str, path: str, line: int | None, report: Report,
              quiet_numbers: bool = False) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split()) or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(value)
        if not quiet_numbers:
            report.warning(path, line, f"nav.{name}-not-text",
                           f"eleventyNavigation.{name}: {value!r} is a number, not text; read as "
                           f"'{text}' (quote it: {name}: \"{text}\")")
        return text
    report.warning(path, line, f"nav.{name}-invalid",
                   f"eleventyNavigation.{name}: {value!r} is not text; ignored")
    return None


def _nav_order(value: Any, path: str, line: int | None, report: Report) -> float | None:
    if value is None or value == "":
        return None
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            pass
    if number is not None and math.isfinite(number):
        return number
    report.warning(path, line, "nav.order-invalid",
                   f"eleventyNavigation.order: {value!r} is not a number; ignored")
    return None
