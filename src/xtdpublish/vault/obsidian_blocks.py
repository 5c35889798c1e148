"""Obsidian's block syntax, rewritten in the token stream once markdown-it has parsed it.

Callouts (``> [!tip]- Title``), ``^block`` ids, a paragraph that holds one embed
and nothing else, and Dataview's query blocks are not markdown-it rules: markdown-it reads
them as ordinary blockquotes, paragraphs and code, and these functions recognise and
rewrite them after parsing (the rules that run during parsing are in obsidian_syntax.py).
"""

from __future__ import annotations

import html
import re

from markdown_it.token import Token

CALLOUT = re.compile(r"^\[!([A-Za-z0-9_-]+)\]([-+]?)[ \t]*")
BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")


QUERY_LANGUAGES = frozenset({"dataview", "dataviewjs"})
# What a Dataview query block prints: its results exist only in Obsidian, with the plugin.
QUERY_NOTICES = {
    "en": "Dataview query: its results are shown in Obsidian only.",
    "fr": "Requête Dataview : ses résultats ne s’affichent que dans Obsidian.",
    "de": "Dataview-Abfrage: ihre Ergebnisse erscheinen nur in Obsidian.",
    "es": "Consulta de Dataview: sus resultados solo se muestran en Obsidian.",
    "it": "Query Dataview: i suoi risultati si vedono solo in Obsidian.",
}


def query_notices(tokens: list[Token], language: str) -> list[int]:
    """```` ```dataview ```` blocks → a short notice in ``language`` (a query is not text to
    print, and its results are Obsidian's); returns the body lines where each one was."""
    notice = QUERY_NOTICES.get(language.split("-")[0].lower(), QUERY_NOTICES["en"])
    lines = []
    for token in tokens:
        if token.type == "fence" and token.info.strip().split(" ")[0].lower() in QUERY_LANGUAGES:
            token.type, token.tag = "html_block", ""
            token.content = f'<p class="xtd-query">{html.escape(notice)}</p>\n'
            lines.append(token.map[0] if token.map else 0)
    return lines


def make_callouts(tokens: list[Token]) -> None:
    """``> [!tip]- Title`` → ``<div class="callout" data-callout="tip">`` with a title paragraph."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "blockquote_open" and i + 2 < len(tokens):
            para, inline = tokens[i + 1], tokens[i + 2]
            match = CALLOUT.match(inline.content) if inline.type == "inline" else None
            if para.type == "paragraph_open" and match and inline.children:
                _make_callout(tokens, i, match)
        i += 1


def _make_callout(tokens: list[Token], i: int, match: re.Match) -> None:
    open_, para, inline = tokens[i], tokens[i + 1], tokens[i + 2]
    kind, fold = match.group(1).lower(), match.group(2)
    close_index = _closing(tokens, i)
    open_.tag = tokens[close_index].tag = "div"
    open_.attrs = {"class": "callout", "data-callout": kind}
    if fold:
        open_.attrs["data-callout-fold"] = fold
    open_.markup = tokens[close_index].markup = ""
    children = inline.children
    first = children[0]
    marker = match.group(0).rstrip()
    if first.type == "text" and first.content.startswith(marker):
        first.content = first.content[len(marker):].lstrip()
    breaks = [k for k, c in enumerate(children) if c.type in ("softbreak", "hardbreak")]
    cut = breaks[0] if breaks else len(children)
    title_children = [c for c in children[:cut] if not (c.type == "text" and not c.content)]
    body_children = children[cut + 1 :]
    if not title_children:
        title_children = [Token("text", "", 0, content=kind.capitalize())]
    para.attrs = {"class": "callout-title"}
    inline.children = title_children
    inline.content = inline.content.split("\n", 1)[0]
    if body_children:
        body_open = Token("paragraph_open", "p", 1, map=para.map, level=para.level, block=True)
        body_inline = Token("inline", "", 0, map=inline.map, level=inline.level, block=True,
                            content=inline.content, children=body_children)
        body_close = Token("paragraph_close", "p", -1, level=para.level, block=True)
        tokens[i + 4 : i + 4] = [body_open, body_inline, body_close]


def _closing(tokens: list[Token], i: int) -> int:
    depth = 0
    for k in range(i, len(tokens)):
        depth += tokens[k].nesting
        if depth == 0:
            return k
    return len(tokens) - 1


def take_block_ids(tokens: list[Token]) -> list[str]:
    """``text ^id`` at the end of a paragraph or list item → ``id="block-id"``."""
    ids = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children or tokens[i - 1].type != "paragraph_open":
            continue
        last = token.children[-1]
        match = BLOCK_ID.search(last.content) if last.type == "text" else None
        if not match:
            continue
        last.content = last.content[: match.start()].rstrip()
        while token.children and token.children[-1].type in ("softbreak", "hardbreak", "text") \
                and not token.children[-1].content.strip():
            token.children.pop()
        block_id = match.group(1)
        ids.append(block_id)
        holder = tokens[i - 1]
        if not token.children and i >= 2 and tokens[i - 2].nesting == -1:
            # "^id" alone under a table or a list names that block, as in Obsidian
            opener = _opening(tokens, i - 2)
            if opener is not None:
                tokens[i - 1].hidden = tokens[i + 1].hidden = True
                opener.attrSet("id", f"block-{block_id}")
                continue
        if holder.hidden:  # a tight list item: the id goes on the <li>
            for k in range(i - 2, -1, -1):
                if tokens[k].type == "list_item_open" and tokens[k].level == holder.level - 1:
                    holder = tokens[k]
                    break
        holder.attrSet("id", f"block-{block_id}")
    return ids


def _opening(tokens: list[Token], close: int) -> Token | None:
    depth = 0
    for k in range(close, -1, -1):
        depth += tokens[k].nesting
        if depth == 0:
            return tokens[k]
    return None


def unwrap_lone_embeds(tokens: list[Token]) -> None:
    """A paragraph that holds one note embed and nothing else becomes that ``div``."""
    for i, token in enumerate(tokens):
        if token.type != "inline" or tokens[i - 1].type != "paragraph_open" or not token.children:
            continue
        kids = [c for c in token.children if not (c.type == "text" and not c.content.strip())]
        if len(kids) == 5 and kids[0].type == "xtd_embed_open" and kids[-1].type == "xtd_embed_close":
            # the paragraph becomes the div; both share one attrs dict, so the
            # data-link the walk writes on the span's token lands on the div
            tokens[i - 1].tag = tokens[i + 1].tag = "div"
            tokens[i - 1].attrs = kids[0].attrs
            kids[0].hidden = kids[-1].hidden = True
