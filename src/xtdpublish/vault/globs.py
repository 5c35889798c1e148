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
    """Whole folder names against segments, ``**`` standing for any number of them."""
    return _greedy(pattern, parts, ANY_FOLDERS, _match_segment)


def _match_segment(items: Segment, text: str) -> bool:
    """One folder name against one segment, ``*`` standing for any characters."""
    return _greedy(items, text, "*", _matches_char)


def _matches_char(item, char: str) -> bool:
    return item == "?" or item == char or isinstance(item, _Class) and item.matches(char)


def _greedy(pattern, units, star, matches) -> bool:
    """The classic wildcard match: on a mismatch only the last ``star`` takes one more unit,
    so the cost is at most len(pattern) × len(units), never exponential."""
    p = k = 0
    star_p = star_k = -1
    while k < len(units):
        if p < len(pattern) and pattern[p] == star:
            star_p, star_k = p, k
            p += 1
        elif p < len(pattern) and matches(pattern[p], units[k]):
            p += 1
            k += 1
        elif star_p >= 0:
            star_k += 1
            p, k = star_p + 1, star_k
        else:
            return False
    return all(item == star for item in pattern[p:])
