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

from .pandoc_ast import plain_text

MAX_NAME = 40
NOT_NAME = re.compile(r"[^A-Za-z0-9]+")
# Where each kind of node that may be a bookmark keeps its attributes (the id is their first item).
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "Figure": 0, "Table": 0}


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

    def settle(self, blocks: list, elsewhere: Callable[[str], str | None] = lambda _: None) -> list[str]:
        """Name every id of ``blocks`` (the whole document), then point its links, in place.

        Gives back every image's alt text in document order, seen on the same walk."""
        ids: list[list] = []  # the attributes of each node with an id, in document order
        holders: list[list] = []  # the lists that hold links, inner ones first
        alts: list[str] = []
        _collect(blocks, ids, holders, alts)
        for attributes in ids:  # the first of twins (an embed's copy) keeps the name
            identifier = attributes[0]
            attributes[0] = "" if identifier in self.names else self.name(identifier)
        for holder in holders:
            kept: list = []
            for item in holder:
                if isinstance(item, dict) and item.get("t") == "Link":
                    target = _target(item["c"][2][0], self, elsewhere)
                    if target is None:  # leads nowhere: its text alone
                        kept.extend(item["c"][1])
                        continue
                    item["c"][2][0] = target
                kept.append(item)
            holder[:] = kept
        return alts


# Nodes that hold neither an id nor a link: not walked (most of a document's nodes).
LEAVES = {"Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline", "RawBlock",
          "CodeBlock", "HorizontalRule"}


def _collect(value, ids: list[list], holders: list[list], alts: list[str]) -> None:
    if isinstance(value, list):
        has_link = False
        for item in value:
            if isinstance(item, dict):
                kind = item.get("t")
                if kind in LEAVES:
                    continue
                has_link = has_link or kind == "Link"
                _collect(item, ids, holders, alts)
            elif isinstance(item, list):
                _collect(item, ids, holders, alts)
        if has_link:
            holders.append(value)  # after the lists inside it: a link's own text is settled first
    elif isinstance(value, dict):
        kind = value.get("t")
        if kind in ATTR_AT and value["c"][ATTR_AT[kind]][0]:
            ids.append(value["c"][ATTR_AT[kind]])
        elif kind == "Image":
            alts.append(plain_text(value["c"][1]))
        content = value.get("c")
        if isinstance(content, list):
            _collect(content, ids, holders, alts)


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
