"""Ids as bookmarks a word processor keeps, and every internal link pointed at one that exists.

pandoc writes each identifier of the document as a bookmark under that very name. Word
keeps a bookmark only if its name is at most 40 letters, digits and underscores, starting
with a letter (it renames or drops the others on saving, and their links break), so every
id becomes such a name, the same on every build. A link ``#id`` then goes to the id's
bookmark, else to its note's (a heading that is gone: ``n-note--part`` → ``n-note``), else
to ``elsewhere`` (a note in another document of a split guide), else is its text alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_NAME = 40
NOT_NAME = re.compile(r"[^A-Za-z0-9]+")
# Where each kind of node keeps its attributes (the identifier is the attributes' first item).
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "Figure": 0, "Table": 0, "CodeBlock": 0, "Code": 0,
           "Link": 0, "Image": 0}


class Bookmarks:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # id → bookmark name
        self._taken: set[str] = set()

    def name(self, identifier: str) -> str:
        if identifier not in self.names:
            base = NOT_NAME.sub("_", identifier.removeprefix("n-")).strip("_") or "x"
            if not base[0].isalpha():
                base = "x" + base
            base = base[: MAX_NAME - 6]
            name, n = base, 1
            while name.lower() in self._taken:  # Word compares bookmark names case-blind
                n += 1
                name = f"{base}_{n}"
            self._taken.add(name.lower())
            self.names[identifier] = name
        return self.names[identifier]

    def settle(self, blocks: list, elsewhere: Callable[[str], str | None] = lambda _: None) -> None:
        """Name every id of ``blocks`` (the whole document), then point its links, in place."""
        defined: list[str] = []
        _walk_ids(blocks, defined)
        seen = set()
        for identifier in defined:  # in document order: the first of twins keeps the name
            if identifier not in seen:
                seen.add(identifier)
                self.name(identifier)
        _relink(blocks, self, elsewhere)


def _walk_ids(value, found: list[str]) -> None:
    if isinstance(value, dict):
        kind = value.get("t")
        if kind in ATTR_AT and kind not in ("Link", "Image", "Code"):
            identifier = value["c"][ATTR_AT[kind]][0]
            if identifier:
                found.append(identifier)
        content = value.get("c")
        if isinstance(content, list):
            _walk_ids(content, found)
    elif isinstance(value, list):
        for item in value:
            _walk_ids(item, found)


def _relink(value, bookmarks: Bookmarks, elsewhere, seen_ids: set[str] | None = None) -> None:
    """Rename ids and links; a link that leads nowhere is replaced by its content."""
    if seen_ids is None:
        seen_ids = set()
    if isinstance(value, list):
        index = 0
        while index < len(value):
            item = value[index]
            if isinstance(item, dict) and item.get("t") == "Link":
                target = _target(item["c"][2][0], bookmarks, elsewhere)
                if target is None:
                    value[index:index + 1] = item["c"][1]
                    continue  # the spliced content is looked at in turn
                item["c"][2][0] = target
            _relink(item, bookmarks, elsewhere, seen_ids)
            index += 1
    elif isinstance(value, dict):
        kind = value.get("t")
        if kind in ATTR_AT and kind not in ("Link", "Image", "Code"):
            attributes = value["c"][ATTR_AT[kind]]
            identifier = attributes[0]
            if identifier:
                # One bookmark per name: a twin id (an embed's copy) is dropped.
                attributes[0] = "" if identifier in seen_ids else bookmarks.names[identifier]
                seen_ids.add(identifier)
        content = value.get("c")
        if isinstance(content, list):
            _relink(content, bookmarks, elsewhere, seen_ids)


def _target(url: str, bookmarks: Bookmarks, elsewhere) -> str | None:
    if not url.startswith("#"):
        return url
    identifier = url[1:]
    for candidate in dict.fromkeys((identifier, identifier.split("--", 1)[0])):
        if candidate in bookmarks.names:
            return "#" + bookmarks.names[candidate]
    for candidate in dict.fromkeys((identifier, identifier.split("--", 1)[0])):
        found = elsewhere(candidate)
        if found:
            return found
    return None
