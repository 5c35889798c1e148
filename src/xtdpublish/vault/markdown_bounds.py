"""markdown-it rules that keep the text markdown-it would drop: deep nesting, HTML never closed.

- markdown-it stops at ``maxNesting`` (20 in CommonMark's preset, a ten-level outline) and
  drops the rest of the note, later sections included. The limit is raised to what notes
  reach (``MAX_NESTING``); past it, the lines are kept as plain paragraphs (flattened: the
  quote and list markers that would open deeper levels go) and ``env["xtd_too_deep"]`` holds
  the first such line, for a warning.
- An HTML block that opens with ``<script``, ``<style``, ``<textarea``, ``<pre``, ``<!--``,
  ``<?``, ``<!X`` or ``<![CDATA[`` runs, in CommonMark, to its closing sequence, and without
  one to the end of the note: the rest is never read as markdown. When the note holds no
  closing sequence (for ``<?``, ``<!X`` and CDATA: none before the blank line), the block
  ends at its first blank line instead, as other HTML blocks do; refs.py then writes the
  construct that was never closed as text, with a warning.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# Levels of markdown-it's tokens (a list item is two, a quote one): 30 outline levels and more.
MAX_NESTING = 64
# The quote and list markers that open yet deeper levels: flattened, the text goes without them.
MARKERS = re.compile(r"^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))+[ \t]*")
# What never closes in the note ends at the blank line: its opening, and what would close it.
# Scripts, styles and comments may span paragraphs (a section commented out); a declaration,
# ``<?`` or CDATA that runs past a blank line is a mistake, and hides the paragraphs it spans.
UNCLOSED_BLOCKS = (
    (re.compile(r"<(script|pre|style|textarea)(?=[\s>]|$)", re.I), r"</{0}>", False),
    (re.compile(r"<!--"), "-->", False),
    (re.compile(r"<\?"), r"?>", True),
    (re.compile(r"<![A-Za-z]"), ">", True),
    (re.compile(r"<!\[CDATA\["), "]]>", True),
)


def bounded_blocks(md: MarkdownIt) -> None:
    """The plugin: nesting raised and flattened past it; HTML blocks never closed bounded."""
    md.options["maxNesting"] = MAX_NESTING + 2  # this rule must always get the first say
    first = md.block.ruler.get_all_rules()[0]
    md.block.ruler.before(first, "xtd_too_deep", _too_deep)
    md.block.ruler.before("html_block", "xtd_unclosed_html", _unclosed_html,
                          {"alt": ["paragraph", "reference", "blockquote"]})


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Past MAX_NESTING, the lines up to a blank line are one paragraph of plain text."""
    if state.level < MAX_NESTING or silent:
        return False
    last = start + 1
    while last < end and not state.isEmpty(last) and state.sCount[last] >= state.blkIndent:
        last += 1
    state.env.setdefault("xtd_too_deep", start)
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [start, last]
    inline = state.push("inline", "", 0)
    lines = state.getLines(start, last, state.blkIndent, False).split("\n")
    inline.content = "\n".join(MARKERS.sub("", line) for line in lines).strip()
    inline.map = [start, last]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = last
    return True


def _unclosed_html(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An HTML block whose closing sequence is nowhere in the note: up to the blank line."""
    if state.is_code_block(start) or not state.md.options.get("html"):
        return False
    pos = state.bMarks[start] + state.tShift[start]
    line = state.src[pos:state.eMarks[start]]
    if not line.startswith("<"):
        return False
    for opening, closing, in_paragraph in UNCLOSED_BLOCKS:
        match = opening.match(line)
        if match is None:
            continue
        close = closing.format(match.group(1).lower()) if match.groups() else closing
        last = start + 1
        while last < end and not state.isEmpty(last) and state.sCount[last] >= state.blkIndent:
            last += 1
        if in_paragraph:
            if state.src.find(close, pos + match.end(), state.eMarks[last - 1]) >= 0:
                return False
        elif _closed_later(state, pos + match.end(), close):
            return False  # CommonMark's own rule reads it
        if silent:
            return True
        token = state.push("html_block", "", 0)
        token.map = [start, last]
        token.content = state.getLines(start, last, state.blkIndent, True)
        state.line = last
        return True
    return False


def _closed_later(state: StateBlock, pos: int, close: str) -> bool:
    """Whether ``close`` stands after ``pos``: from its last place in the note, found once
    per note (a note of a thousand unclosed ``<!--`` lines costs one search, not a thousand)."""
    last = state.env.setdefault("xtd_last_close", {})
    if close not in last:
        text = state.src.lower() if close.startswith("</") else state.src
        last[close] = text.rfind(close)
    return last[close] >= pos
