"""The Obsidian dialect as markdown-it rules: the parser that ``parse_markdown`` uses.

Obsidian's inline additions to CommonMark are small markdown-it rules that run while
markdown-it tokenizes: ``%%comments%%`` (also as blocks), ``[[wikilinks]]`` and
``![[embeds]]``, ``[label](Other Note.md)`` with spaces, refused ``javascript:``
links (the label kept), ``==highlight==``. A reference is left on its token as
``meta["xtd_ref"]`` for the walk in refs.py to number, and every inline token gets
``meta["xtd_offset"]``, its line within its block (see ``_tag_positions``), so that
messages name the line of the file. What spans blocks (callouts, ``^block`` ids,
lone embeds) is rewritten after parsing, in obsidian_blocks.py.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.footnote import footnote_plugin

from ..mathsyntax import use_math
from .tags_fields import find_tags
from .markdown_bounds import bounded_blocks

IMAGE_EXTENSIONS = frozenset(
    "png jpg jpeg gif svg webp avif bmp tif tiff ico".split()
)
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | frozenset("pdf mp3 mp4 webm ogg wav m4a mov".split())
EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
WIKILINK = re.compile(r"!?\[\[([^\[\]\n]*?)\]\]")
SPACED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\n<>\"']*\s[^()\n<>\"']*)\)")
HIGHLIGHT = re.compile(r"==(?=[^\s=])(.+?)(?<=[^\s=])==", re.S)
REFUSED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?((?i:javascript|vbscript|data):)")
SIZE = re.compile(r"^(\d+)(?:x(\d+))?$")


@cache
def parser(breaks: bool) -> MarkdownIt:
    """CommonMark with tables, strikethrough, footnotes and the Obsidian rules; one per ``breaks``."""
    md = MarkdownIt("commonmark", {"html": True, "breaks": breaks, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.validateLink = _allow_file_urls  # file:// must reach the resolver to be refused there
    md.block.ruler.before(
        "fence", "xtd_comment", _comment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("text", "xtd_positions", _tag_positions)
    md.inline.ruler2.before("balance_pairs", "xtd_positions_end", _tag_remaining)
    md.inline.ruler.after("backticks", "xtd_comment", _comment_inline)
    md.inline.ruler.before("link", "xtd_wikilink", _wikilink)
    md.inline.ruler.after("link", "xtd_spaced_link", _spaced_link)
    md.inline.ruler.after("xtd_spaced_link", "xtd_refused_link", _refused_link)
    md.inline.ruler.before("emphasis", "xtd_highlight", _highlight)
    md.inline.add_terminator_char("=")
    use_math(md)
    md.add_render_rule("math_inline", _math_markup("span", "inline"))
    md.add_render_rule("math_inline_double", _math_markup("span", "block"))  # inside a paragraph
    md.add_render_rule("math_block", _math_markup("div", "block"))
    md.core.ruler.before("text_join", "xtd_tags", find_tags)  # see tags_fields.py for why here
    md.use(bounded_blocks)  # last: its nesting rule must come first of all
    return md


def _math_markup(tag: str, display: str):
    """The model's math element: the TeX as text, ``data-line`` its line in the file (refs.py)."""

    def render(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        line = (token.meta or {}).get("xtd_line")
        where = f' data-line="{line}"' if line else ""
        tail = "\n" if tag == "div" else ""
        content = token.content.strip()
        return f'<{tag} class="xtd-math" data-display="{display}"{where}>{escapeHtml(content)}</{tag}>{tail}'

    return render


def _allow_file_urls(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith(("javascript:", "vbscript:")):
        return False
    if lowered.startswith("data:"):
        return bool(re.match(r"data:image/(gif|png|jpeg|webp);", lowered))
    return True


def _tag_positions(state: StateInline, silent: bool) -> bool:
    """Never matches: records, for the tokens pushed since its last call, where they began."""
    if not silent:
        _tag_remaining(state)
        state.xtd_pos = state.pos  # type: ignore[attr-defined]
    return False


def _tag_remaining(state: StateInline) -> None:
    start = getattr(state, "xtd_tagged", 0)
    pos = getattr(state, "xtd_pos", 0)
    tokens = state.tokens
    if start < len(tokens):
        # Counted on from the last call, not from the start: linear in a long paragraph
        # (200,000 links on one line counted 200,000 times from 0 took minutes).
        counted, lines = getattr(state, "xtd_counted", (0, 0))
        if pos < counted:
            counted, lines = 0, 0
        offset = lines + state.src.count("\n", counted, pos)
        state.xtd_counted = (pos, offset)  # type: ignore[attr-defined]
        for token in tokens[start:]:
            if token.meta is None:
                token.meta = {}
            token.meta.setdefault("xtd_offset", offset)
    state.xtd_tagged = len(tokens)  # type: ignore[attr-defined]


def _comment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``%%`` at the start of a line, closed at the end of a line (or never): no output."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    src = state.src
    if not src.startswith("%%", begin):
        return False
    close = src.find("%%", begin + 2)
    if close == -1:
        last = end_line
    else:
        line_end = src.find("\n", close)
        line_end = len(src) if line_end == -1 else line_end
        if src[close + 2 : line_end].strip():
            return False  # text follows the comment on its line: the inline rule takes it
        last = start_line
        while last < end_line and state.eMarks[last] < close:
            last += 1
        last += 1
    if silent:
        return True
    state.line = min(last, end_line)
    return True


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    close = state.src.find("%%", state.pos + 2, state.posMax)
    state.pos = state.posMax if close == -1 else close + 2
    return True


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] not in "![" or not (src.startswith("[[", pos) or src.startswith("![[", pos)):
        return False
    match = WIKILINK.match(src, pos, state.posMax)
    if not match or not match.group(1).replace("\\|", "|").split("|")[0].strip(" #"):
        return False  # [[]] or [[|x]] names nothing: left as text
    if not silent:
        raw = match.group(0)
        embed = raw.startswith("!")
        inner = match.group(1).replace("\\|", "|")
        target_part, _, label = inner.partition("|")
        target, hash_, fragment = target_part.partition("#")
        target, fragment, label = target.strip(), fragment.strip() if hash_ else None, label.strip()
        if target.lower().endswith(".md"):
            target = target[:-3].rstrip()
        extension = EXTENSION.search(target)
        ext = extension.group(1).lower() if extension else None
        if ext is None:
            kind = "note"
        elif embed and ext in MEDIA_EXTENSIONS:
            kind = "file"
        else:
            kind = "either"
        ref = {"raw": raw, "target": target, "fragment": fragment, "embed": embed, "kind": kind}
        width = height = None
        if kind == "file" and SIZE.match(label):
            size = SIZE.match(label)
            width, height = size.group(1), size.group(2)
            label = ""
        shown = label or _shown_target(target, fragment)
        ref["label"] = shown
        ref["width"] = int(width) if width else None
        if kind == "file" and ext in IMAGE_EXTENSIONS:
            token = state.push("image", "img", 0)
            token.attrs = {"src": "", "alt": label or target.rsplit("/", 1)[-1]}
            if width:
                token.attrs["width"] = width
            if height:
                token.attrs["height"] = height
            child = Token("text", "", 0, content=token.attrs["alt"])
            token.children = [child]
            token.content = token.attrs["alt"]
            token.meta = {"xtd_ref": ref}
        else:
            if embed:
                wrapper = state.push("xtd_embed_open", "span", 1)
                wrapper.attrs = {"class": "xtd-embed", "data-link": ""}
                wrapper.meta = {"xtd_ref": ref}
            link = state.push("link_open", "a", 1)
            link.attrs = {"href": ""}
            link.meta = {"xtd_ref": ref}
            state.push("text", "", 0).content = shown
            state.push("link_close", "a", -1)
            if embed:
                state.push("xtd_embed_close", "span", -1)
    state.pos = match.end()
    return True


def _shown_target(target: str, fragment: str | None) -> str:
    if not fragment:
        return target
    fragment = fragment.lstrip("^") if fragment.startswith("^") else fragment
    return f"{target} > {fragment}" if target else fragment


def _spaced_link(state: StateInline, silent: bool) -> bool:
    """``[label](Other Note.md)``: Obsidian allows spaces that CommonMark refuses."""
    if state.src[state.pos] != "[":
        return False
    match = SPACED_LINK.match(state.src, state.pos, state.posMax)
    if not match or SCHEME.match(match.group(2).strip()):
        return False
    if not silent:
        link = state.push("link_open", "a", 1)
        link.attrs = {"href": match.group(2).strip()}
        link.meta = {"xtd_spaced": True}
        _tokenize_within(state, match.start(1), match.end(1))
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _refused_link(state: StateInline, silent: bool) -> bool:
    """``[label](javascript:...)``: markdown-it refuses the URL and would print the whole
    markup as text; keep the label alone and tell the editor."""
    src = state.src
    if src[state.pos] != "[":
        return False
    match = REFUSED_LINK.match(src, state.pos, state.posMax)
    if not match:
        return False
    depth, end = 1, match.end()
    while end < state.posMax and depth:
        depth += {"(": 1, ")": -1}.get(src[end], 0)
        end += 1
    if depth:
        return False
    if not silent:
        token = state.push("xtd_refused", "", 0)
        token.hidden = True
        token.content = src[match.start(2) : end - 1].strip()
        _tokenize_within(state, match.start(1), match.end(1))
    state.pos = end
    return True


def _tokenize_within(state: StateInline, start: int, end: int) -> None:
    """The source between ``start`` and ``end`` parsed as inline markup, as children of what
    the rule just opened (a link's label, a highlight's text)."""
    old_max = state.posMax
    state.pos, state.posMax = start, end
    state.md.inline.tokenize(state)
    state.posMax = old_max


def _highlight(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("==", state.pos):
        return False
    match = HIGHLIGHT.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        state.push("mark_open", "mark", 1)
        _tokenize_within(state, match.start(1), match.end(1))
        state.push("mark_close", "mark", -1)
    state.pos = match.end()
    return True
