"""Inline ``#tags`` and Dataview fields, read from the tokens markdown-it made of a note's body.

Obsidian reads ``#tag`` in the text as a tag, exactly like ``tags:`` in the properties; the
Dataview plugin reads ``key:: value`` lines and ``[key:: value]`` / ``(key:: value)`` as
fields of the note. Both are found on the parsed tokens rather than on the raw text, so that
what Obsidian never reads as text is left out by construction: headings' ``#`` markup, code
spans and blocks, raw HTML, ``%%comments%%``, wikilinks, and any span an inline rule turns
into a token of its own (math, once it is parsed, is such a span: a ``#`` inside ``$…$``
never reaches a text token, so it is never a tag).

``find_tags`` runs as a markdown-it core rule *before* ``text_join``: a ``#`` written as
``\\#`` or ``&#35;`` is still a token of its own there (``text_special``), and is no tag.
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..model import Field

# Obsidian's own tag characters: anything but spaces, ASCII punctuation other than _ - /,
# and the General and Supplemental Punctuation blocks (app.js's tag pattern, as its help says:
# letters, digits, _ - /, and "commonly accepted Unicode characters, including emojis").
TAG = re.compile(r"#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
DIGITS = re.compile(r"[\d/]+")
# A tag starts a text, follows a blank, or follows another tag (#a#b is two tags); Obsidian
# also reads snake_case_#tag, where "_" may be emphasis it has not paired.
TAG_AFTER = frozenset(" \t\n\u00a0\u3000_")
# Inline tokens a text may follow and still start a tag: the start of emphasis, a highlight, a
# link's label (Obsidian reads [#tag](url) and *#tag* as tags), a line break.
OPENERS = frozenset("em_open strong_open s_open mark_open link_open softbreak hardbreak".split())

TAGS_KEY = "xtd_tags"  # where find_tags leaves what it found, in markdown-it's env


def find_tags(state: StateCore) -> None:
    """A markdown-it core rule: every inline tag of the body, in order, into ``env``."""
    found: list[str] = state.env.setdefault(TAGS_KEY, [])
    for token in state.tokens:
        if token.type == "inline" and token.children and "#" in token.content:
            _tags_in(token.children, found)


def _tags_in(children: list[Token], found: list[str]) -> None:
    in_wikilink = 0
    previous: Token | None = None
    for child in children:
        ref = (child.meta or {}).get("xtd_ref")
        if child.type == "link_open" and ref is not None:
            in_wikilink += 1  # [[Note#Part|label]]: a name, never a tag
        elif child.type == "link_close" and in_wikilink:
            in_wikilink -= 1
        elif child.type == "text" and not in_wikilink and "#" in child.content:
            starts = previous is None or previous.type in OPENERS
            found.extend(_tags_of(child.content, starts))
        previous = child


def _tags_of(text: str, at_start: bool) -> list[str]:
    tags = []
    end = -1  # where the last tag ended: a tag right after it starts there
    for match in TAG.finditer(text):
        start = match.start()
        before = text[start - 1] if start else None
        if not (start == end or (before is None and at_start) or before in TAG_AFTER):
            continue
        tag = match.group(1).strip("/")
        end = match.end()
        if tag and not DIGITS.fullmatch(tag):  # "#1984" is not a tag, "#y1984" is
            tags.append(tag)
    return tags


# -- Dataview fields ----------------------------------------------------------------------

FIELD_MARK = "::"
WRAPPERS = {"[": "]", "(": ")"}
# Dataview's full-line key: markup before it, then letters, digits, spaces, _ / - or emoji,
# then the end of bold or italics (**Author**:: Name).
FULL_LINE_KEY = re.compile(r"[^\w]*([\w\s/\-\u2600-\u27BF\U0001F000-\U0001FAFF]+)[*~`]*")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
COMMENT = re.compile(r"%%.*?(?:%%|$)")
MAX_LINE = 32768  # as Dataview: longer lines are never read for fields


def fields_of(tokens: list[Token], first_line: int) -> list[Field]:
    """The Dataview fields of a parsed body, in the order of the text.

    Per line, as Dataview reads them: the ``[key:: value]`` and ``(key:: value)`` of the line,
    or else the whole line as ``key:: value``. Lines of paragraphs, list items, callouts and
    headings are read; code, raw HTML and the frontmatter never are; a table cell gives its
    bracketed fields only (a whole row is no ``key:: value``).
    """
    fields: list[Field] = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or FIELD_MARK not in token.content or not token.map:
            continue
        in_cell = i > 0 and tokens[i - 1].type in ("td_open", "th_open")
        for offset, line in enumerate(token.content.split("\n")):
            if FIELD_MARK in line and len(line) <= MAX_LINE:
                fields.extend(_line_fields(line, first_line + token.map[0] + offset, in_cell))
    return fields


def _line_fields(line: str, number: int, in_cell: bool) -> list[Field]:
    # Fields are read on the line's source, as Dataview reads them: code spans are hidden here
    # by hand. Math (issue 14b) should be hidden the same way once it is parsed ($a::b$).
    hidden = CODE_SPAN.sub(lambda m: "\0" * len(m.group()), line) if "`" in line else line
    wrapped = _wrapped_fields(line, hidden, number) if "[" in hidden or "(" in hidden else []
    if wrapped or in_cell:
        return wrapped
    sep = hidden.find(FIELD_MARK)
    if sep < 0:
        return []
    key = FULL_LINE_KEY.fullmatch(line[:sep])
    if key is None or not key.group(1).strip():
        return []
    return [Field(key.group(1).strip(), _value(line[sep + 2:]), number)]


def _wrapped_fields(line: str, hidden: str, number: int) -> list[Field]:
    found: list[tuple[int, Field]] = []
    for opener, closer in WRAPPERS.items():
        start = hidden.find(opener)
        while start >= 0:
            sep = hidden.find(FIELD_MARK, start + 1)
            key = line[start + 1:sep] if sep >= 0 else ""
            end = _closing(hidden, sep + 2, opener, closer) if sep >= 0 else None
            if key.strip() and not any(c in key for c in "[]()\0") and end is not None:
                found.append((start, Field(key.strip(), _value(line[sep + 2:end]), number)))
                start = hidden.find(opener, end + 1)
            else:
                start = hidden.find(opener, start + 1)
    return [field for _, field in sorted(found, key=lambda item: item[0])]


def _closing(text: str, start: int, opener: str, closer: str) -> int | None:
    """The index of the closer that ends a value begun at ``start`` (nesting, ``\\`` escapes)."""
    depth, escaped = 0, False
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            escaped = not escaped
            continue
        if escaped:
            escaped = False
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth < 0:
                return index
    return None


def _value(text: str) -> str:
    return " ".join(COMMENT.sub(" ", text).split())
