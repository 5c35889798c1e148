"""The raw HTML of a note tokenized as a browser tokenizes it (the WHATWG tokenizer's states).

A note's raw HTML reaches the model in pieces (markdown-it's ``html_block`` and
``html_inline`` tokens), with the HTML markdown-it writes in between. A run of pieces (one
block, or the inline HTML of one paragraph) is read as one stream, as a browser would:
``<textarea>`` opened in one piece of a paragraph is closed by the ``</textarea>`` of a
later one. A raw-text element whose end tag does not come in its run is taken as closed
right after its tag, so that it never hides the paragraphs that follow.

Three things are done with it: every start tag's attributes are found where a browser
finds them (``<img alt=">" src="x.png">`` has a ``src``, which a regular expression that
stops at the first ``>`` misses); every construct that would swallow what follows is
found: a comment, declaration, ``<![CDATA[``, ``<?`` or tag never closed, and a raw-text
element (``<iframe>``, ``<script>``, ``<textarea>``, ``<title>``, ``<noembed>``…) whose
end tag never comes (refs.py); and the nesting of a body is measured (html_depth.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Elements whose content a browser reads as text up to their own end tag, whatever it holds.
RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript",
                      "textarea", "title"})
NEVER_ENDS = "plaintext"  # no end tag ever closes it

TAG_NAME = re.compile(r"[^\s/>]*")
ATTRIBUTE_NAME = re.compile(r"[^\s/>][^\s/>=]*")
SPACE = re.compile(r"[\s/]*")
UNQUOTED = re.compile(r"[^\s>]*")
EQUALS = re.compile(r"\s*=\s*")
NAME_FROM_EQUALS = re.compile(r"=[^\s/>=]*")
COMMENT_END = re.compile(r"--!?>")


@dataclass(slots=True)
class Attribute:
    name: str  # lower case
    value: str  # as written (entities not decoded); "" without a value
    start: int  # where the value starts in the piece (-1 without a value)
    end: int


@dataclass(slots=True)
class StartTag:
    name: str  # lower case
    start: int  # of the "<"
    end: int  # just after the ">"
    attributes: list[Attribute] = field(default_factory=list)
    closed: bool = True  # False: a raw-text element whose end tag never comes in the run


@dataclass(slots=True)
class EndTag:
    name: str  # lower case
    start: int
    end: int


@dataclass(slots=True)
class Unclosed:
    """A construct never closed in its piece: from ``start`` it would swallow the rest."""

    what: str  # "<!--", "<![CDATA[", "<?", "<!", "<tag", "</tag", "<plaintext>"
    start: int


class RawHtml:
    """The raw HTML pieces of one run (a block, or a paragraph's inline HTML), read in order
    as one stream. A raw-text element (``<iframe>``, ``<textarea>``…) is ``closed`` when its
    end tag comes later in the run; one that is not is taken as closed right after its tag
    (the caller writes the end tag there), so that what follows is read as it will be."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self.inside: str | None = None  # the raw-text element open at the end of a piece
        self._last_end: dict[str, tuple[int, int]] = {}  # name → (piece, position) of its last end tag

    def scan(self, index: int, ends: bool = False) -> list[StartTag | EndTag | Unclosed]:
        """The start tags of piece ``index`` (and its end tags with ``ends``), and the
        constructs it leaves unclosed.

        After an Unclosed, scanning goes on just after its ``<``, as it will once that
        ``<`` is written as text."""
        piece = self.pieces[index]
        found: list[StartTag | EndTag | Unclosed] = []
        pos = 0
        n = len(piece)
        while pos < n:
            if self.inside is not None:
                close = _end_tag(self.inside).search(piece, pos)
                if close is None:
                    return found
                self.inside = None
                if ends:
                    found.append(EndTag(close.group(1).lower(), close.start(), close.end()))
                pos = close.end()
                continue
            lt = piece.find("<", pos)
            if lt < 0:
                break
            end, event = _construct(piece, lt)
            if event is not None and not isinstance(event, Unclosed) and event.name == NEVER_ENDS:
                event = Unclosed("<plaintext>", lt)
            if isinstance(event, Unclosed):
                found.append(event)
                pos = lt + 1
                continue
            if isinstance(event, EndTag):
                if ends:
                    found.append(event)
            elif event is not None:
                found.append(event)
                if event.name in RAW_TEXT:
                    event.closed = self._ends_later(event.name, index, end)
                    if event.closed:
                        self.inside = event.name
            pos = end
        return found

    def _ends_later(self, name: str, index: int, pos: int) -> bool:
        """Whether an end tag of ``name`` stands after ``pos`` of piece ``index``: from its
        last place in the run, found once per name (never a search per tag)."""
        if name not in self._last_end:
            last = (-1, -1)
            for number in range(len(self.pieces) - 1, -1, -1):
                matches = list(_end_tag(name).finditer(self.pieces[number]))
                if matches:
                    last = (number, matches[-1].start())
                    break
            self._last_end[name] = last
        return self._last_end[name] >= (index, pos)


def _end_tag(name: str) -> re.Pattern[str]:
    """``</name>``, ``</name >``, ``</NAME foo>``: what ends a raw-text element."""
    pattern = _END_TAGS.get(name)
    if pattern is None:
        pattern = _END_TAGS[name] = re.compile(rf"</({name})(?:[\s/][^>]*)?>", re.IGNORECASE)
    return pattern


_END_TAGS: dict[str, re.Pattern[str]] = {}


def _construct(piece: str, lt: int) -> tuple[int, StartTag | EndTag | Unclosed | None]:
    """What starts at ``piece[lt] == "<"``: (where it ends, a StartTag, an EndTag, an
    Unclosed, or None for text, a comment, a declaration)."""
    rest = piece[lt + 1:lt + 10]
    if rest.startswith("!--"):
        if piece.startswith(">", lt + 4) or piece.startswith("->", lt + 4):
            return (lt + 5 if piece[lt + 4] == ">" else lt + 6), None  # <!--> and <!--->
        match = COMMENT_END.search(piece, lt + 4)
        return (match.end(), None) if match else (0, Unclosed("<!--", lt))
    if rest.startswith("![CDATA["):  # in SVG it ends at ]]>, elsewhere at >: ask for both
        close = piece.find("]]>", lt + 9)
        return (close + 3, None) if close >= 0 else (0, Unclosed("<![CDATA[", lt))
    if rest[:1] in ("!", "?"):
        close = piece.find(">", lt + 2)
        what = "<?" if rest[0] == "?" else "<!" + TAG_NAME.match(piece, lt + 2).group()[:20]
        return (close + 1, None) if close >= 0 else (0, Unclosed(what, lt))
    if rest[:1] == "/":
        if rest[1:2] == ">":
            return lt + 3, None  # "</>" is nothing
        if not rest[1:2].isascii() or not rest[1:2].isalpha():
            close = piece.find(">", lt + 2)  # a bogus comment
            return (close + 1, None) if close >= 0 else (0, Unclosed("<!", lt))
        tag = _tag(piece, lt + 2, lt)
        if tag is None:
            name = TAG_NAME.match(piece, lt + 2).group()
            return 0, Unclosed(f"</{name.lower()}", lt)
        return tag.end, EndTag(tag.name, lt, tag.end)
    if rest[:1].isascii() and rest[:1].isalpha():
        tag = _tag(piece, lt + 1, lt)
        if tag is None:
            name = TAG_NAME.match(piece, lt + 1).group()
            return 0, Unclosed(f"<{name.lower()}", lt)
        return tag.end, tag
    return lt + 1, None  # "<" then a space, a digit...: text


def _tag(piece: str, pos: int, lt: int) -> StartTag | None:
    """The tag whose name starts at ``pos``; None when the piece ends inside it."""
    name = TAG_NAME.match(piece, pos)
    tag = StartTag(name.group().lower(), lt, 0)
    pos = name.end()
    n = len(piece)
    while True:
        pos = SPACE.match(piece, pos).end()
        if pos >= n:
            return None
        if piece[pos] == ">":
            tag.end = pos + 1
            return tag
        attribute = ATTRIBUTE_NAME.match(piece, pos)
        if attribute is None:  # "=" first: it starts the attribute's name
            attribute = NAME_FROM_EQUALS.match(piece, pos)
        pos = attribute.end()
        value, start, end = "", -1, -1
        after = EQUALS.match(piece, pos)
        if after is not None:
            pos = after.end()
            if pos >= n:
                return None
            quote = piece[pos]
            if quote in "\"'":
                close = piece.find(quote, pos + 1)
                if close < 0:
                    return None
                start, end = pos + 1, close
                pos = close + 1
            else:
                start = pos
                pos = end = UNQUOTED.match(piece, pos).end()
            value = piece[start:end]
        tag.attributes.append(Attribute(attribute.group().lower(), value, start, end))
