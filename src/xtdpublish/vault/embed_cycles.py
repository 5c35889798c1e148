"""Embed cycles: notes (or sections) that embed each other around, each cycle reported once.

The graph's nodes are note sections, so ``![[#Part]]`` of the same note is a cycle only when
it stands inside Part (Obsidian shows it otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Heading, Link, LinkStatus, sections_at
from ..report import Report

__all__ = ["report_embed_cycles"]


def report_embed_cycles(
    links: Mapping[str, Sequence[Link]], paths: Mapping[str, str], report: Report,
    headings: Mapping[str, Sequence[Heading]] | None = None,
) -> list[list[str]]:
    """Find embeds that show themselves again, directly or not; report each cycle once.

    What is embedded is a note, or one section of it: ``![[#Part]]`` and ``![[Same#Part]]``
    show another part of the same note, which is no cycle unless the embed stands inside
    the part it shows. So the graph's nodes are (note, section) pairs, and an embed leaves
    the whole note and every section whose heading it stands under.

    Returns the cycles as lists of nodes (``id`` or ``id#anchor``), each from its smallest path.
    """
    headings = headings or {}
    embeds = [
        (source, link) for source in sorted(links) for link in links[source]
        if link.embed and link.target and link.status in (LinkStatus.RESOLVED,
                                                         LinkStatus.AMBIGUOUS)
    ]
    shown = {_node(link.target, link.anchor) for _, link in embeds}
    edges: dict[str, list[tuple[str, int]]] = {}
    for source, link in embeds:
        under = sections_at(headings.get(source, ()), link.line)
        for anchor in (None, *under):
            node = _node(source, anchor)
            if node in shown or anchor is None:
                edges.setdefault(node, []).append((_node(link.target, link.anchor), link.line))
    for node in shown:
        edges.setdefault(node, [])

    def where(node: str) -> str:
        note, _, anchor = node.partition("#")
        return paths[note] + (f"#{anchor}" if anchor else "")

    cycles = []
    for component in _strongly_connected(edges):
        members = set(component)
        start = min(component, key=lambda n: (paths[n.partition("#")[0]], n))
        if len(component) == 1 and not any(t == start for t, _ in edges.get(start, [])):
            continue
        cycle = _cycle_from(start, members, edges)
        cycles.append(cycle)
        line = next(line for target, line in edges[start] if target in members)
        route = " → ".join(where(n) for n in [*cycle, start])
        report.warning(paths[start.partition("#")[0]], line, "embed.cycle",
                       f"embed cycle: {route}; the embed that closes it is shown as a link")
    return cycles


def _node(note: str, anchor: str | None) -> str:
    return f"{note}#{anchor}" if anchor else note


def _cycle_from(start: str, members: set[str], edges: dict) -> list[str]:
    """One path start → … → start inside a strongly connected component (BFS, shortest)."""
    previous = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target, _ in edges.get(node, []):
            if target == start:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return list(reversed(path))
            if target in members and target not in previous:
                previous[target] = node
                queue.append(target)
    return [start]


def _strongly_connected(edges: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative, in a deterministic order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = [t for t, _ in edges.get(node, [])]
            recurse = False
            for j in range(i, len(targets)):
                target = targets[j]
                if target not in index:
                    work.append((node, j + 1))
                    work.append((target, 0))
                    recurse = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if recurse:
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result
