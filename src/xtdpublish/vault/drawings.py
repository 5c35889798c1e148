"""Excalidraw drawings: which files are drawings, the image each was exported as, embeds as images.

A drawing (``Plan.excalidraw.md``, or a note whose properties say ``excalidraw-plugin``, or
the older ``Plan.excalidraw``) is a picture, never a chapter: its text is the plugin's data.
Where the plugin's auto-export wrote its image beside it (``Plan.excalidraw.svg`` or
``.png``, as ``getIMGFilename`` names them; ``Plan.svg`` for the older files), an embed
``![[Plan.excalidraw]]`` shows that image; otherwise a placeholder with the drawing's name,
and one warning for the drawing.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping

from ..model import LINK_SCHEME

DRAWING_NOTE = ".excalidraw.md"
DRAWING_FILE = ".excalidraw"  # before the plugin kept drawings as markdown: JSON
PLUGIN_KEY = "excalidraw-plugin"
# The plugin's exports, best first: SVG prints sharp; "light" and "dark" when it exports both.
EXPORT_ENDINGS = (".svg", ".png", ".light.svg", ".light.png", ".dark.svg", ".dark.png")
# An embed as markdown.py writes one: ![[Plan.excalidraw]] alone (div) or in a line (span)
EMBED = re.compile(
    r'<(span|div) class="xtd-embed" data-link="(\d+)"><a href="'
    + re.escape(LINK_SCHEME) + r'\2">(.*?)</a></\1>', re.S)
SIZE = re.compile(r"(\d+)(?:x(\d+))?")


def is_drawing(path: str, meta: Mapping) -> bool:
    return path.casefold().endswith(DRAWING_NOTE) or PLUGIN_KEY in meta


def is_drawing_file(path: str) -> bool:
    """A drawing kept as the plugin's JSON (``.excalidraw``), an asset of the vault."""
    return path.casefold().endswith(DRAWING_FILE)


def drawing_name(path: str) -> str:
    """``Plans/Salle 1.excalidraw.md`` → ``Salle 1``: the name an editor gave the drawing."""
    name = posixpath.basename(path)
    for ending in (DRAWING_NOTE, ".md", DRAWING_FILE):
        if name.casefold().endswith(ending):
            name = name[:-len(ending)]
    return name or posixpath.basename(path)


def exported_images(drawings: Iterable[str], assets: Iterable[str]) -> dict[str, str | None]:
    """Drawing path → the image the plugin exported for it, beside it; else the same file
    name anywhere in the vault (an export moved to an attachments folder); else None."""
    assets = sorted(set(assets))
    exact = set(assets)
    folded = {}
    by_name: dict[str, list[str]] = {}
    for asset in assets:
        folded.setdefault(asset.casefold(), asset)
        by_name.setdefault(posixpath.basename(asset).casefold(), []).append(asset)
    return {path: _export_of(path, exact, folded, by_name) for path in drawings}


def _export_of(path: str, exact: set[str], folded: dict[str, str],
               by_name: dict[str, list[str]]) -> str | None:
    stem = path[:-3] if path.casefold().endswith(".md") else path
    stems = [stem]
    if stem.casefold().endswith(DRAWING_FILE):
        stems.append(stem[:-len(DRAWING_FILE)])
    wanted = [s + ending for s in stems for ending in EXPORT_ENDINGS]
    for candidate in wanted:
        if candidate in exact:
            return candidate
        if candidate.casefold() in folded:
            return folded[candidate.casefold()]
    for candidate in wanted:
        found = by_name.get(posixpath.basename(candidate).casefold())
        if found:
            return min(found, key=lambda p: (len(p), p))
    return None


def embeds_as_images(body_html: str, drawings: Mapping[int, tuple[str, bool]]) -> str:
    """Each embed of a drawing (link number → (drawing name, has an image)) written as the
    image it shows: ``<img src="xtd:link/N">``. Without an image, the renderers print the
    ``alt`` in the image's place, as for any missing image."""
    def image(match: re.Match) -> str:
        number = int(match.group(2))
        if number not in drawings:
            return match.group(0)
        name, has_image = drawings[number]
        alt = name if has_image else f"[Excalidraw: {name}]"
        attrs = f'src="{LINK_SCHEME}{number}" alt="{html.escape(alt)}" class="xtd-drawing"'
        size = SIZE.fullmatch(html.unescape(match.group(3)).strip())
        if size:  # ![[Plan.excalidraw|300]]
            attrs += f' width="{size.group(1)}"' + (
                f' height="{size.group(2)}"' if size.group(2) else "")
        tag = f"<img {attrs}>"
        return f"<p>{tag}</p>" if match.group(1) == "div" else tag
    return EMBED.sub(image, body_html)
