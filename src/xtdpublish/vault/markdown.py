"""parse_markdown: the Obsidian dialect → ParsedBody (html with ``xtd:link/N``, refs, headings).

markdown-it-py parses the body once, in process, with the Obsidian rules of
obsidian_syntax.py; obsidian_blocks.py rewrites callouts, ``^block`` ids and lone
embeds in the token stream; then one walk over the tokens (refs.py) numbers every
reference and writes it as ``xtd:link/N``. Each reference keeps the line of the FILE
it stands on: block tokens carry ``map``, and an inline rule that runs first at every
position records where each inline token starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.token import Token

from ..model import Field, Heading
from ..report import Report
from .accessibility import AccessibilityWalk
from .obsidian_blocks import make_callouts, query_notices, take_block_ids, unwrap_lone_embeds
from .markdown_bounds import MAX_NESTING
from .obsidian_syntax import parser
from .refs import RawRef, RefWalk, plain_text, slugify, without_lost_refs
from .sanitize import SUSPECT, make_safe
from .tags_fields import TAGS_KEY, fields_of

__all__ = ["ParsedBody", "RawRef", "parse_markdown", "slugify"]  # what links.py and reader.py import


@dataclass(frozen=True, slots=True)
class ParsedBody:
    html: str
    refs: list[RawRef]
    headings: list[Heading]
    block_ids: list[str]
    first_h1: str | None
    summary: str
    tags: list[str] = field(default_factory=list)  # inline #tags, in order, as written
    fields: list[Field] = field(default_factory=list)  # Dataview fields


SUMMARY_LENGTH = 280


def parse_markdown(
    body: str, first_line: int, breaks: bool, path: str, report: Report, language: str = "en"
) -> ParsedBody:
    """Parse one note's body. ``first_line`` is the file line of the body's first line;
    ``language`` is the one notices written into the body are in, and says which link texts
    say nothing ("ici", "here")."""
    md = parser(bool(breaks))
    env: dict = {}
    tokens = md.parse(body, env)
    if "xtd_too_deep" in env:
        report.warning(path, first_line + env["xtd_too_deep"], "markdown.too-deep",
                       f"lists and quotes nest more than {MAX_NESTING} levels deep here: from "
                       "this line on, the nested text is printed as plain paragraphs")
    fields = fields_of(tokens, first_line)
    for line in query_notices(tokens, language):
        report.info(path, first_line + line, "dataview.query",
                    "a Dataview query is printed as a short notice: its results exist only "
                    "in Obsidian")
    make_callouts(tokens)
    block_ids = take_block_ids(tokens)
    unwrap_lone_embeds(tokens)
    walk = RefWalk(first_line, path, report)
    walk.run(tokens)
    AccessibilityWalk(first_line, path, language, report).run(tokens, walk.refs)
    html = md.renderer.render(tokens, md.options, env)
    def line() -> int:  # of the first thing the allow-list may take out
        suspect = SUSPECT.search(body)
        return first_line + (body.count("\n", 0, suspect.start()) if suspect else 0)

    html, refs = without_lost_refs(make_safe(html, path, report, line), walk.refs)
    return ParsedBody(
        html=html,
        refs=refs,
        headings=walk.headings,
        block_ids=block_ids,
        first_h1=walk.first_h1,
        summary=_summary(tokens),
        tags=env.get(TAGS_KEY, []),
        fields=fields,
    )


def _summary(tokens: list[Token]) -> str:
    for i, token in enumerate(tokens):
        if token.type != "inline" or tokens[i - 1].type != "paragraph_open":
            continue
        if tokens[i - 1].attrGet("class") == "callout-title":
            continue
        text = plain_text(token.children or [])
        if text:
            return _cut(text, SUMMARY_LENGTH)
    return ""


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + "…"
