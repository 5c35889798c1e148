"""The PDF's structure tree (what a screen reader reads) as plain data, read with pypdf.

``structure(path)`` walks ``/StructTreeRoot`` depth first and returns one ``Node`` per
structure element: its type (``H1``, ``Figure``, ``Formula``...), its depth, its ``/Alt``
and ``/Lang``. ``drawn_images(path)`` counts the images the pages draw as figures and as
``/Artifact`` (drawn, but not read aloud).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


@dataclass(frozen=True)
class Node:
    kind: str  # "H1", "Figure", "P"...
    depth: int
    alt: str | None
    lang: str | None
    language: str  # the language in force: its own /Lang, else the nearest ancestor's, else the catalog's


def structure(path) -> list[Node]:
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    document_language = str(root.get("/Lang", ""))
    nodes: list[Node] = []
    stack = [(kid, 0, document_language) for kid in reversed(_kids(tree))]
    while stack:  # depth first, in reading order, without recursion (deep notes nest deep)
        item, depth, inherited = stack.pop()
        element = item.get_object()
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            continue
        lang = str(element["/Lang"]) if "/Lang" in element else None
        language = lang or inherited
        alt = str(element["/Alt"]) if "/Alt" in element else None
        nodes.append(Node(str(element["/S"])[1:], depth, alt, lang, language))
        stack += [(kid, depth + 1, language) for kid in reversed(_kids(element))]
    return nodes


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    if isinstance(kids, ArrayObject):
        return [kid for kid in kids if isinstance(kid, (IndirectObject, DictionaryObject))]
    return [kids] if isinstance(kids, (IndirectObject, DictionaryObject)) else []


OPERATOR = re.compile(rb"/([A-Za-z]+)\s*(?:<<.*?>>\s*)?(BDC|BMC)|\bEMC\b|/([^\s/<>\[\]()]+)\s+Do\b", re.S)


def drawn_images(path) -> dict[str, int]:
    """How many XObjects (images, SVG drawings) the pages draw, by the marked content around
    them: ``{"Figure": 12, "Artifact": 9}``."""
    counts: dict[str, int] = {}
    for page in PdfReader(str(path)).pages:
        contents = page.get_contents()
        if contents is None:
            continue
        stack: list[str] = []
        for match in OPERATOR.finditer(contents.get_data()):
            if match.group(2):
                stack.append(match.group(1).decode())
            elif match.group(3):
                kind = next((tag for tag in reversed(stack) if tag in ("Artifact", "Figure")), "none")
                counts[kind] = counts.get(kind, 0) + 1
            elif stack:
                stack.pop()
    return counts


def heading_gaps(nodes: list[Node]) -> list[str]:
    """Each heading deeper than one level below the last heading, and a first heading that is
    not H1: what PDF/UA (and a reader's list of headings) calls a gap."""
    gaps, last = [], 0
    for number, node in enumerate(nodes):
        if not re.fullmatch(r"H[1-6]", node.kind):
            continue
        level = int(node.kind[1])
        if level > last + 1:
            gaps.append(f"element {number}: H{level} after H{last or '-'}")
        last = level
    return gaps
