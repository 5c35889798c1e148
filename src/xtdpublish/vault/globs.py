"""vault.include / vault.exclude: globs over vault paths, matched without backtracking.

``*`` and ``?`` stay inside one folder, a ``**`` segment spans folders (``Notes/**``,
``**/*.md``), and a glob that matches a folder matches everything in it, so ``Brouillon``
and ``Brouillon/`` work like ``Brouillon/**``. Globs are not turned into regular
expressions: Python's ``re`` backtracks, and ``****…x`` took minutes on one path. A path
is matched segment by segment, each segment by the classic greedy match that only ever
goes back to the last ``*`` (and the segments to the last ``**``), so a match costs at
most the product of the lengths, whatever the glob holds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ANY_FOLDERS = "**"


@dataclass(frozen=True, slots=True)
class _Class:
    """``[abc]``, ``[a-z]``, ``[!abc]``: one character of a set."""

    ranges: tuple[tuple[str, str], ...]
    negated: bool

    def matches(self, char: str) -> bool:
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


Segment = tuple  # of str (a literal character, "?" or "*") and _Class items


def is_included(path: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Whether the vault path is a note of the publication."""
    if any(part.startswith(".") for part in path.split("/")):
        return False
    if include and not any(glob_matches(g, path) for g in include):
        return False
    return not any(glob_matches(g, path) for g in exclude)


def glob_matches(pattern: str, path: str) -> bool:
    """Whether ``path`` or one of its folders matches ``pattern``."""
    return _match_segments(_compile(unicodedata.normalize("NFC", pattern)), path.split("/"))


@lru_cache(maxsize=256)
def _compile(pattern: str) -> tuple[Segment | str, ...]:
    pattern = pattern.strip().lstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if pattern.endswith("/"):
        pattern += ANY_FOLDERS
    segments: list[Segment | str] = []
    for text in pattern.split("/"):
        if text and set(text) == {"*"} and len(text) > 1:
            if not segments or segments[-1] != ANY_FOLDERS:  # **/**/ is **/
                segments.append(ANY_FOLDERS)
        else:
            segments.append(_segment(text))
    if segments[-1] == ANY_FOLDERS:  # "Notes/**": one name or more under Notes
        segments[-1] = ("*",)
    segments.append(ANY_FOLDERS)  # a folder matched is everything in it
    return tuple(segments)


def _segment(text: str) -> Segment:
    items: list = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "*":
            if not items or items[-1] != "*":  # a run of stars is one star
                items.append("*")
            i += 1
        elif char == "[" and "]" in text[i + 2:]:
            end = text.index("]", i + 2)
            items.append(_char_class(text[i + 1:end]))
            i = end + 1
        else:
            items.append(char)
            i += 1
    return tuple(items)


def _char_class(body: str) -> _Class:
    negated = body.startswith("!")
    if negated:
        body = body[1:]
    ranges = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            ranges.append((body[i], body[i + 2]))
            i += 3
        else:
            ranges.append((body[i], body[i]))
            i += 1
    return _Class(tuple(ranges), negated)


def _match_segments(pattern: tuple, parts: list[str]) -> bool:
    """Greedy match of whole segments, ``**`` standing for any number of them; on a
    mismatch only the last ``**`` takes one more segment."""
    p = k = 0
    star_p = star_k = -1
    while k < len(parts):
        if p < len(pattern) and pattern[p] == ANY_FOLDERS:
            star_p, star_k = p, k
            p += 1
        elif p < len(pattern) and _match_segment(pattern[p], parts[k]):
            p += 1
            k += 1
        elif star_p >= 0:
            star_k += 1
            p, k = star_p + 1, star_k
        else:
            return False
    return all(segment == ANY_FOLDERS for segment in pattern[p:])


def _match_segment(items: Segment, text: str) -> bool:
    """Greedy wildcard match inside one folder name: on a mismatch, only the last ``*``
    takes one more character (linear backtracking, never exponential)."""
    i = j = 0
    star_i = star_j = -1
    while j < len(text):
        item = items[i] if i < len(items) else None
        if item == "*":
            star_i, star_j = i, j
            i += 1
        elif item is not None and (item == "?" or item == text[j]
                                   or isinstance(item, _Class) and item.matches(text[j])):
            i += 1
            j += 1
        elif star_i >= 0:
            star_j += 1
            i, j = star_i + 1, star_j
        else:
            return False
    return all(item == "*" for item in items[i:])
