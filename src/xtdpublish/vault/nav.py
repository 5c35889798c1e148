"""build_nav: eleventyNavigation or folders → one NavNode tree with an "unlisted" branch.

With ``eleventyNavigation`` (key, parent, title, order) the tree hangs from the
``guide.root`` note's key; children go by ``order``, then by where the parent's body
first links to them (MuseumXTD's index lists its four parts in reading order), then
by title. Without it, folders give the tree, in the order of Obsidian Publish's
navigation where the vault has one (publish_site.py). Every published note appears exactly
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

# Levels of the navigation tree: deeper notes hang at this level (a book's outline, and the
# renderers that walk it, need no more; a vault can chain parents or folders thousands deep).
MAX_DEPTH = 20


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
    ordering: Sequence[str] = (),
    home: str | None = None,
) -> Navigation:
    """Without eleventyNavigation, a site's own navigation (Obsidian Publish's) can shape the
    folders' tree: ``ordering``, vault paths of folders and notes in its order, orders each
    folder's entries, and ``home`` (a note's path) is the root unless ``root_path`` is set."""
    items = sorted(items, key=lambda item: item.path)
    if any(item.key is not None for item in items):
        return _from_keys(items, root_path, site_title, language, report)
    return _from_folders(items, root_path or home, site_title, report, ordering)


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
    by_id = {item.id: item for item in items}
    for parent_id, kids in children.items():
        kids.sort(key=lambda kid: _sort_key(kid, by_id[parent_id]))

    placed: set[str] = set()
    parents: dict[str, str | None] = {}
    too_deep: list[NavItem] = []

    def node(item: NavItem, depth: int) -> NavNode:
        return _subtree(item, depth, children, placed, parents, too_deep)

    top: list[NavNode] = []
    if root is not None:
        placed.add(root.id)
        parents[root.id] = None
        top = [node(kid, 1) for kid in children.get(root.id, ())]
        for kid in children.get(root.id, ()):
            parents[kid.id] = root.id
    orphans = sorted(
        (i for i in items if i.id not in placed and i.id not in parent_of),
        key=lambda i: _sort_key(i, None),
    )
    unlisted = [node(item, 2) for item in orphans if item.id not in placed]
    for item in orphans:
        parents[item.id] = None
    if unlisted:
        top.append(NavNode(title=unlisted_title(language), kind="unlisted",
                           children=tuple(unlisted)))
    for item in items:
        parents.setdefault(item.id, None)
    if too_deep:
        report.warning(too_deep[0].path, too_deep[0].line, "nav.too-deep",
                       f"eleventyNavigation parents nest more than {MAX_DEPTH} levels deep; the "
                       f"{len(too_deep)} notes deeper are listed, in order, under their ancestor "
                       f"at level {MAX_DEPTH}")
    title = site_title or (root.title if root else "")
    return Navigation(
        NavNode(title=title, note=root.id if root else None, kind="root", children=tuple(top)),
        parents,
    )


def _subtree(top: NavItem, depth: int, children: dict[str, list[NavItem]], placed: set[str],
             parents: dict[str, str | None], too_deep: list[NavItem]) -> NavNode:
    """The tree under ``top`` (at ``depth``), built with a stack: a chain of parents as long as
    the vault likes costs no recursion. Below MAX_DEPTH, notes hang at that level, in order."""
    order: list[tuple[NavItem, int]] = []  # pre-order: (item, index of the node it hangs from)
    stack = [(top, -1, depth)]
    while stack:
        item, hang_from, level = stack.pop()
        if item.id in placed and hang_from >= 0:
            continue
        placed.add(item.id)
        order.append((item, hang_from))
        if level > MAX_DEPTH:
            too_deep.append(item)
        kids = children.get(item.id, ())
        for kid in kids:
            parents[kid.id] = item.id
        under = hang_from if level > MAX_DEPTH else len(order) - 1
        stack.extend((kid, under, level + 1) for kid in reversed(kids) if kid.id not in placed)
    kids_of: dict[int, list[int]] = defaultdict(list)
    for index, (_, hang_from) in enumerate(order):
        if hang_from >= 0:
            kids_of[hang_from].append(index)
    built: dict[int, NavNode] = {}
    for index in range(len(order) - 1, -1, -1):
        item = order[index][0]
        built[index] = NavNode(title=item.title, note=item.id, kind="note",
                               children=tuple(built.pop(k) for k in kids_of.get(index, ())))
    return built[0]


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
    descendants = _descendants(items, parent_of)
    keyed = [i for i in items if i.id in key_of and i.id not in parent_of]
    if not keyed:
        return None
    return max(keyed, key=lambda i: (descendants[i.id], -len(i.path), [-ord(c) for c in i.path]))


def _descendants(items, parent_of: dict[str, NavItem]) -> dict[str, int]:
    """Note id → how many notes hang under it (the cycles are broken: parents make a forest),
    counted from the leaves up in one pass, whatever the depth."""
    kids: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.id in parent_of:
            kids[parent_of[item.id].id].append(item.id)
    counts: dict[str, int] = defaultdict(int)
    for top in (item.id for item in items if item.id not in parent_of):
        order, stack = [], [top]
        while stack:
            current = stack.pop()
            order.append(current)
            stack.extend(kids.get(current, ()))
        for current in reversed(order):
            if current in parent_of:
                counts[parent_of[current].id] += counts[current] + 1
    return counts


def _from_folders(items, root_path, site_title, report, ordering: Sequence[str] = ()) -> Navigation:
    position: dict[str, int] = {}
    for index, path in enumerate(ordering):
        position.setdefault(path, index)
    root = next((i for i in items if i.path == (root_path or "index.md")), None)
    if root_path and root is None:
        report.warning(root_path, None, "nav.root",
                       f"guide.root {root_path!r} is not a published note; the guide has no "
                       "root note")
    folders: dict[str, list[NavItem]] = defaultdict(list)
    too_deep: list[NavItem] = []
    for item in items:
        if root is not None and item.id == root.id:
            continue
        folder = posixpath.dirname(item.path)
        if folder.count("/") >= MAX_DEPTH:  # listed in its ancestor at the deepest level
            too_deep.append(item)
            folder = "/".join(folder.split("/")[:MAX_DEPTH])
        folders[folder].append(item)
    subfolders: dict[str, set[str]] = defaultdict(set)
    for folder in list(folders):
        while folder:
            subfolders[posixpath.dirname(folder)].add(folder)
            folder = posixpath.dirname(folder)
    if too_deep:
        report.warning(too_deep[0].path, None, "nav.too-deep",
                       f"folders nest more than {MAX_DEPTH} deep; the {len(too_deep)} notes below "
                       f"that are listed in their folder at level {MAX_DEPTH}")

    # Each folder's entries (its notes, then its folders), built from the deepest folder up.
    built: dict[str, tuple[NavNode, ...]] = {}
    for folder in sorted({"", *(f for fs in subfolders.values() for f in fs)},
                         key=lambda f: -f.count("/") if f else 1):
        notes = sorted(folders.get(folder, ()), key=lambda i: (title_key(i.title), i.path))
        below = sorted(subfolders.get(folder, ()), key=lambda f: (title_key(posixpath.basename(f)), f))
        entries = [(i.path, NavNode(title=i.title, note=i.id)) for i in notes] + [
            (f, NavNode(title=posixpath.basename(f), kind="folder", children=built.pop(f)))
            for f in below]
        if position:  # the listed entries in their order, then the others as they were
            entries = [entry for _, entry in sorted(
                enumerate(entries), key=lambda e: (position.get(e[1][0], math.inf), e[0]))]
        built[folder] = tuple(node for _, node in entries)

    title = site_title or (root.title if root else "")
    tree = NavNode(title=title, note=root.id if root else None, kind="root", children=built[""])
    return Navigation(tree, {item.id: None for item in items})
