"""A note's body as a feed item: HTML a partner site can inject, and a plain-text summary.

Feed readers and partner widgets show the item away from the site, so every URL must be
absolute: links to notes go to their pages on the live site, assets to their vault path
under ``site.base_url``, and what is still relative resolves against the note's own page.
Iframes become a link to the video. The result goes through nh3 (Ammonia), which keeps a
fixed set of harmless tags and attributes and drops scripts, styles, frames, event handlers
and any URL scheme other than http, https and mailto.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from html import unescape
from urllib.parse import quote

import nh3
from lxml import etree, html

from ...htmlfragment import parse_fragment, serialize_fragment
from ...model import Link, Model, Note
from ...report import Report
from ..body import BodyPolicy, Video, render_body
from ..math import MATH_CLASS, mathml_html, replace_formulas

URL_SCHEMES = {"http", "https", "mailto"}
# Partner sites inject this HTML into their own pages: links leave the page without
# giving it a handle on the opener. Referrers are kept so the museum sees its readers.
LINK_REL = "noopener"
# Where an iframe stands as a block, its replacement link gets a paragraph of its own.
BLOCK_CONTAINERS = {"div", "section", "article", "aside", "blockquote", "figure", "li", "td", "th", "details"}


def item_html(model: Model, note: Note, report: Report | None = None,
              too_deep: Callable[[Note, int], None] | None = None) -> str:
    """The note's body for a feed: absolute URLs only, formulas as MathML, sanitized for
    embedding. A formula that cannot be typeset is its source, and ``report`` is told."""
    base_url = _base(model)
    page = model.note_url(note) or base_url + "/"
    policy = BodyPolicy(
        note_href=lambda _note, link: _note_href(model, link),
        asset_src=lambda link: asset_url(base_url, link.asset) if link.asset else None,
        frame=_video_link,
        transclude=False,  # an embedded note is a link to its page, not a copy of it
        too_deep=too_deep,
    )
    cleaner = nh3.Cleaner(
        url_schemes=URL_SCHEMES,
        url_relative=("rewrite_with_base", page),
        link_rel=LINK_REL,
    )
    body = render_body(model, note, policy)
    if MATH_CLASS not in body:
        return cleaner.clean(body).strip()
    return _with_formulas(body, note, cleaner, report or Report())


def _with_formulas(body: str, note: Note, cleaner: nh3.Cleaner, report: Report) -> str:
    """The body cleaned, then its formulas put in as MathML: the cleaner keeps no MathML
    a note's own HTML may hold, while ours is made from the TeX and holds only text and
    the attributes render/math.py keeps. Each formula waits as a marker no note can write."""
    root = parse_fragment(body)
    made: list[str] = []
    marker = f"xtd-formula-{uuid.uuid4().hex}-"

    def placeholder(formula):
        made.append(etree.tostring(mathml_html(formula.tex, formula.display), encoding="unicode", method="html"))
        holder = html.Element("span")
        holder.text = f"{marker}{len(made) - 1}."  # the cleaner keeps the text alone
        return holder

    replace_formulas(root, note, placeholder, report)
    cleaned = cleaner.clean(serialize_fragment(root)).strip()
    return re.sub(f"<span>{re.escape(marker)}(\\d+)\\.</span>", lambda m: made[int(m.group(1))], cleaned)


def asset_url(base_url: str, vault_path: str) -> str:
    """Where the live site serves a file of the vault: its vault path under the base URL."""
    return base_url.rstrip("/") + "/" + quote(vault_path.lstrip("/"), safe="/")


def plain_text(text: str) -> str:
    """``text`` with any markup taken out, for fields that must be plain text.

    Entities are decoded once more after each pass, so ``&lt;b&gt;`` cannot come back as a tag.
    """
    text = text or ""
    for _ in range(3):
        cleaned = unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return " ".join(text.split())


def summary_of(note: Note, content_html: str, length: int = 300) -> str:
    """The note's summary as plain text; from the item's HTML when the model has none."""
    text = plain_text(note.summary)
    if not text and content_html:
        # The item's text, through plain_text too: code in it (``<script>`` shown as code)
        # is text in HTML but would be markup in a summary that readers take as plain text.
        text = plain_text(parse_fragment(content_html).text_content())
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0] + "…"
    return text


def link_urls(model: Model, note: Note) -> list[str | None]:
    """Where each of the note's links points in its item: all an item reads of another note
    (a link's label is the note's own; embeds are links, not copies)."""
    return [_note_href(model, link) for link in note.links]


def _note_href(model: Model, link: Link) -> str | None:
    target = model.get(link.target)
    url = model.note_url(target) if target is not None else None
    if url is None:
        return None  # an unpublished target: the label stays, as plain text
    return f"{url}#{quote(link.anchor)}" if link.anchor else url


def _video_link(element, video: Video):
    if not video.url.startswith(("https://", "http://")):
        return None
    anchor = html.Element("a", {"href": video.url})
    anchor.text = video.title
    parent = element.getparent()
    if parent is None or parent.tag in BLOCK_CONTAINERS:
        paragraph = html.Element("p")
        paragraph.append(anchor)
        return paragraph
    return anchor


def _base(model: Model) -> str:
    if not model.site.base_url:
        raise ValueError("feed items need site.base_url (checked by items.require_base_url)")
    return model.site.base_url.rstrip("/")
