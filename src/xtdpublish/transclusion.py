"""How much ``![[Note]]`` embeds may print into one note: the rule shared by the reader and
the renderers.

Embeds nest (a note embeds notes that embed notes), and 736 bytes of notes embedding each
other twenty times over made 19.4 MiB of EPUB: 160,000 copies. Expanding one note's embeds
therefore has a budget, all depths together: ``MAX_DEPTH`` levels, ``MAX_EMBEDS`` embeds
and ``MAX_SIZE`` characters of embedded HTML, spent in reading order, depth first. Once it is spent, the
embeds that remain are printed as links. render/body.py spends it as it expands; the
reader walks the same embeds in the same order beforehand (``first_stop``), to tell the
editor where a note's embeds stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from .htmlfragment import parse_fragment
from .model import Link, Note

MAX_DEPTH = 4  # levels of embeds in embeds
MAX_SIZE = 1_000_000  # characters of embedded HTML for one note (some 150 printed pages)
MAX_EMBEDS = 200  # embeds expanded for one note, all depths (each is a copy to lay out)

EMBED = re.compile(r'<(?:div|span) class="xtd-embed" data-link="(\d+)"')
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class EmbedBudget:
    """What one note's expansion has spent; ``allows`` says whether one more embed fits."""

    def __init__(self) -> None:
        self.used = 0
        self.count = 0
        self.spent = False

    def allows(self, embedded_html: str, depth: int) -> bool:
        """``depth``: how many notes are being expanded already (1 inside the note itself)."""
        if self.spent or depth > MAX_DEPTH:
            return False
        if self.used + len(embedded_html) > MAX_SIZE or self.count == MAX_EMBEDS:
            self.spent = True
            return False
        self.used += len(embedded_html)
        self.count += 1
        return True


def embedded_html(note: Note, anchor: str | None) -> str:
    """What an embed of ``note`` prints: its whole body, or the part under the heading
    ``anchor`` (to the next heading of its level), or the element of that id."""
    if anchor is None:
        return note.body_html
    root = parse_fragment(note.body_html)
    start = next((el for el in root.iter() if el.get("id") == anchor), None)
    if start is None:
        return note.body_html
    if start.tag not in HEADINGS:
        return etree.tostring(start, encoding="unicode", method="html")
    level = int(start.tag[1])
    parts = [etree.tostring(start, encoding="unicode", method="html", with_tail=False)]
    for sibling in start.itersiblings():
        if sibling.tag in {f"h{n}" for n in range(1, level + 1)}:
            break
        parts.append(etree.tostring(sibling, encoding="unicode", method="html", with_tail=False))
    return "".join(parts)


def first_stop(note: Note, get: Callable[[str | None], Note | None]) -> Link | None:
    """The embed of ``note`` in whose expansion the budget is spent, or None when all of the
    note's embeds are printed. ``get`` finds a note by id (Model.get)."""
    budget = EmbedBudget()
    stack = [(_embeds(note, note.body_html, get), (note.id,), None)]
    while stack:
        embeds, chain, top = stack[-1]
        found = next(embeds, None)
        if found is None:
            stack.pop()
            continue
        link, target = found
        if target.id in chain:
            continue  # a cycle: printed as a link
        html = embedded_html(target, link.anchor)
        if not budget.allows(html, len(chain)):
            if budget.spent:
                return top or link
            continue  # too deep: printed as a link
        stack.append((_embeds(target, html, get), chain + (target.id,), top or link))
    return None


def _embeds(note: Note, html: str, get: Callable):
    """(link, target note) of the note embeds in ``html``, a body of ``note``, in order."""
    for match in EMBED.finditer(html):
        index = int(match.group(1))
        if index < len(note.links):
            target = get(note.links[index].target)
            if target is not None:
                yield note.links[index], target
