"""Where math stands in Obsidian's text: ``$…$`` and ``$$…$$``, found as Obsidian finds them.

mdit-py-plugins' dollarmath rules, with the conditions Obsidian applies (its help vault,
``Advanced formatting syntax``; obsidianmd/obsidian-help#1126): an opening ``$`` is not
followed by a space, a closing ``$`` is not preceded by one nor followed by a digit, and
the first ``$`` that is not escaped ends the formula; so ``$5 and $6`` and ``\\$`` stay text.
``$$…$$`` is display math, on lines of its own or inside a paragraph. Nothing inside the
dollars is markdown: ``\\,`` and ``\\\\`` reach the TeX as written.

The reader parses notes with these rules (vault/obsidian_syntax.py); ``split_math`` finds
math in plain text such as a title with the same rules, for the renderers.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar

INLINE_TYPES = {"math_inline": False, "math_inline_double": True}  # token type -> display
# What may stand where $$ opens a block: like a fence, it ends the paragraph above it.
BLOCK_ALT = ["paragraph", "reference", "blockquote", "list"]

_dollars = math_inline_dollar(allow_space=False, allow_digits=True, allow_double=True)


def math_inline(state: StateInline, silent: bool) -> bool:
    """``$tex$`` or ``$$tex$$`` at ``state.pos``, within ``state.posMax``: one math token."""
    src, start = state.src, state.pos
    if src[start] != "$" or not _dollars(state, True):
        return False
    end, state.pos = state.pos, start
    double = src.startswith("$$", start)
    if end > state.posMax or (not double and end < len(src) and src[end].isdigit()):
        return False  # "$5 and 6$7": a closing $ before a digit is money, not math
    if silent:
        state.pos = end
        return True
    _dollars(state, False)
    token = state.tokens[-1]
    token.content = token.content.strip()
    return True


_block = math_block_dollar(allow_labels=False, allow_blank_lines=True)


def math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``$$`` at the start of a line, to a line that ends with ``$$``: one ``math_block`` token.

    mdit-py-plugins' rule pushes its token even when only asked whether a block starts here
    (as a paragraph asks before each of its lines), so that question is answered on a copy.
    """
    if not silent:
        return _block(state, start_line, end_line, False)
    tokens, line = len(state.tokens), state.line
    found = _block(state, start_line, end_line, False)
    del state.tokens[tokens:]
    state.line = line
    return found


def use_math(md: MarkdownIt) -> None:
    """Add the math rules to ``md``: tokens ``math_inline``, ``math_inline_double``, ``math_block``."""
    md.inline.ruler.before("escape", "math_inline", math_inline)
    md.block.ruler.before("fence", "math_block", math_block, {"alt": BLOCK_ALT})


@cache
def _text_parser() -> MarkdownIt:
    md = MarkdownIt("zero")
    md.inline.ruler.before("text", "math_inline", math_inline)
    md.enable("math_inline")
    return md


def split_math(text: str) -> list[tuple[str, bool | None]]:
    """Plain text (a title) as pieces: ``(text, None)``, or ``(tex, display)`` for each formula."""
    if "$" not in text:
        return [(text, None)] if text else []
    pieces: list[tuple[str, bool | None]] = []
    for token in _text_parser().parseInline(text)[0].children or []:
        if token.type in INLINE_TYPES:
            pieces.append((token.content, INLINE_TYPES[token.type]))
        elif token.content:
            if pieces and pieces[-1][1] is None:
                pieces[-1] = (pieces[-1][0] + token.content, None)
            else:
                pieces.append((token.content, None))
    return pieces
