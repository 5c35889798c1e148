"""build_nav: eleventyNavigation or folders → one NavNode tree with an "unlisted" branch.

With ``eleventyNavigation`` (key, parent, title, order) the tree hangs from the
``guide.root`` note's key; children go by ``order``, then by where the parent's body
first links to them (MuseumXTD's index lists its four parts in reading order), then
by title. Without it, folders give the tree. Every published note appears exactly
once: what no branch reaches goes to a last "unlisted" branch.
"""

from __future__ import annotations

import math
import posixpath
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import NavNode
from ..report import Report


@dataclass(frozen=True)
class NavItem:
    """What the navigation needs of one published note."""

    id: str
    path: str
    title: str
    key: str | None = None  # eleventyNavigation
    parent: str | None = None
    order: float | None = None
    line: int | None = None  # of the eleventyNavigation block
    links: tuple[str, ...] = ()  # ids of the notes the body links to, in body order


@dataclass(frozen=True)
class Navigation:
    tree: NavNode
    parents: dict[str, str | None]  # note id → id of the parent note


def unlisted_title(language: str) -> str:
    return "Autres notes" if language.lower().startswith("fr") else "Unlisted notes"


def build_nav(
    items: Sequence[NavItem],
    root_path: str | None,
    site_title: str,
    language: str,
    report: Report,
) -> Navigation:
    items = sorted(items, key=lambda item: item.path)
    if any(item.key is not None for item in items):
        return _from_keys(items, root_path, site_title, language, report)
    return _from_folders(items, root_path, site_title, report)


def title_key(title: str) -> tuple[str, str]:
    """Sort titles as a reader expects: "À propos" beside "A propos", not after "Z"."""
    plain = unicodedata.normalize("NFKD", title)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.casefold(), title


def _sort_key(item: NavItem, parent: NavItem | None):
    order = item.order if item.order is not None and math.isfinite(item.order) else math.inf
    position = math.inf
    if parent is not None and item.id in parent.links:
        position = parent.links.index(item.id)
    return (order, position, title_key(item.title), item.path)


def _from_keys(items, root_path, site_title, language, report) -> Navigation:
    by_key: dict[str, NavItem] = {}
    for item in items:
        if item.key is None:
            continue
        if not item.key.strip():
            if not (item.parent or "").strip():
                report.warning(item.path, item.line, "nav.key",
                               "eleventyNavigation.key is empty; the note is listed with the "
                               "unlisted notes")
            continue  # with a parent, it is placed under it, and can be no one's parent
        key = item.key.strip()
        if key in by_key:
            report.warning(item.path, item.line, "nav.duplicate",
                           f"eleventyNavigation.key {key!r} is also the key of "
                           f"{by_key[key].path}; give each note its own key")
            continue
        by_key[key] = item
    key_of = {item.id: k for k, item in by_key.items()}

    parent_of: dict[str, NavItem] = {}
    for item in items:
        parent_key = (item.parent or "").strip()
        if not parent_key or item.key is None:
            continue
        if parent_key not in by_key:
            report.warning(item.path, item.line, "nav.parent",
                           f"eleventyNavigation.parent {parent_key!r} is the key of no "
                           "published note; the note is listed with the unlisted notes")
            continue
        if by_key[parent_key].id == item.id:
            report.warning(item.path, item.line, "nav.cycle",
                           f"eleventyNavigation.parent {parent_key!r} is the note itself")
            continue
        parent_of[item.id] = by_key[parent_key]
    _break_cycles(items, parent_of, report)

    root = _root_item(items, by_key, key_of, parent_of, root_path, report)
    if root is not None:
        parent_of.pop(root.id, None)
    children: dict[str, list[NavItem]] = defaultdict(list)
    for item in items:
        if item.id in parent_of:
            children[parent_of[item.id].id].append(item)
    for parent_id, kids in children.items():
        parent = next(i for i in items if i.id == parent_id)
        kids.sort(key=lambda kid: _sort_key(kid, parent))

    placed: set[str] = set()
    parents: dict[str, str | None] = {}

    def node(item: NavItem) -> NavNode:
        placed.add(item.id)
        kids = tuple(node(kid) for kid in children.get(item.id, ()) if kid.id not in placed)
        for kid in children.get(item.id, ()):
            parents[kid.id] = item.id
        return NavNode(title=item.title, note=item.id, kind="note", children=kids)

    top: list[NavNode] = []
    if root is not None:
        placed.add(root.id)
        parents[root.id] = None
        top = [node(kid) for kid in children.get(root.id, ())]
        for kid in children.get(root.id, ()):
            parents[kid.id] = root.id
    orphans = sorted(
        (i for i in items if i.id not in placed and i.id not in parent_of),
        key=lambda i: _sort_key(i, None),
    )
    unlisted = [node(item) for item in orphans if item.id not in placed]
    for item in orphans:
        parents[item.id] = None
    if unlisted:
        top.append(NavNode(title=unlisted_title(language), kind="unlisted",
                           children=tuple(unlisted)))
    for item in items:
        parents.setdefault(item.id, None)
    title = site_title or (root.title if root else "")
    return Navigation(
        NavNode(title=title, note=root.id if root else None, kind="root", children=tuple(top)),
        parents,
    )


def _break_cycles(items, parent_of: dict[str, NavItem], report: Report) -> None:
    """A chain of parents that comes back to itself: the note with the smallest path in it
    loses its parent, with a warning."""
    by_id = {item.id: item for item in items}
    done: set[str] = set()
    for item in items:
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = item.id
        while current is not None and current not in done and current not in seen:
            seen.add(current)
            chain.append(current)
            parent = parent_of.get(current)
            current = parent.id if parent else None
        if current is not None and current in seen:
            cycle = chain[chain.index(current):]
            breaker = by_id[min(cycle, key=lambda i: by_id[i].path)]
            shown = " → ".join(by_id[i].key or by_id[i].path for i in
                               [*cycle[cycle.index(breaker.id):], *cycle[:cycle.index(breaker.id)],
                                breaker.id])
            report.warning(breaker.path, breaker.line, "nav.cycle",
                           f"eleventyNavigation parents go round in a circle ({shown}); "
                           f"{breaker.path} is listed with the unlisted notes")
            del parent_of[breaker.id]
        done.update(chain)


def _root_item(items, by_key, key_of, parent_of, root_path, report) -> NavItem | None:
    if root_path:
        chosen = next((i for i in items if i.path == root_path), None)
        if chosen is None:
            report.warning(root_path, None, "nav.root",
                           f"guide.root {root_path!r} is not a published note; the root is "
                           "chosen from the navigation keys")
        elif chosen.id not in key_of:
            report.warning(root_path, None, "nav.root",
                           f"guide.root {root_path!r} has no eleventyNavigation.key; the root "
                           "is chosen from the navigation keys")
        else:
            return chosen
    index = next((i for i in items if i.path == "index.md" and i.id in key_of), None)
    if index is not None:
        return index
    descendants: dict[str, int] = defaultdict(int)
    for item in items:
        seen = set()
        parent = parent_of.get(item.id)
        while parent is not None and parent.id not in seen:
            seen.add(parent.id)
            descendants[parent.id] += 1
            parent = parent_of.get(parent.id)
    keyed = [i for i in items if i.id in key_of and i.id not in parent_of]
    if not keyed:
        return None
    return max(keyed, key=lambda i: (descendants[i.id], -len(i.path), [-ord(c) for c in i.path]))


def _from_folders(items, root_path, site_title, report) -> Navigation:
    root = next((i for i in items if i.path == (root_path or "index.md")), None)
    if root_path and root is None:
        report.warning(root_path, None, "nav.root",
                       f"guide.root {root_path!r} is not a published note; the guide has no "
                       "root note")
    folders: dict[str, list[NavItem]] = defaultdict(list)
    for item in items:
        if root is not None and item.id == root.id:
            continue
        folders[posixpath.dirname(item.path)].append(item)
    all_folders = set()
    for folder in folders:
        while folder:
            all_folders.add(folder)
            folder = posixpath.dirname(folder)

    def folder_node(folder: str) -> tuple[NavNode, ...]:
        notes = sorted(folders.get(folder, ()), key=lambda i: (title_key(i.title), i.path))
        subfolders = sorted((f for f in all_folders if posixpath.dirname(f) == folder),
                            key=lambda f: (title_key(posixpath.basename(f)), f))
        return tuple(NavNode(title=i.title, note=i.id) for i in notes) + tuple(
            NavNode(title=posixpath.basename(f), kind="folder", children=folder_node(f))
            for f in subfolders
        )

    title = site_title or (root.title if root else "")
    tree = NavNode(title=title, note=root.id if root else None, kind="root",
                   children=folder_node(""))
    return Navigation(tree, {item.id: None for item in items})
