"""A note's body as HTML for one output: the model's ``xtd:link/N`` URLs rewritten by policy.

Every renderer (PDF, EPUB, feeds) calls ``render_body`` with its own ``BodyPolicy``:
where a link to a note points, where an image comes from, what an iframe becomes,
and how ids are made unique when several notes share one document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlparse

from lxml import html

from ..htmlfragment import bound_depth, parse_fragment, remove_keeping_tail, serialize_fragment
from ..model import LINK_SCHEME, Link, LinkStatus, Model, Note, sections_at
from ..report import Report
from ..transclusion import EmbedBudget, embedded_html
from ..video_pages import is_video_page
from .math import MATH_CLASS

LINK_URL = re.compile(re.escape(LINK_SCHEME) + r"(\d+)")
# Elements nested in one body, embeds included, that every output lays out: WeasyPrint's
# recursion gives out past ~130 nested divs (~120 elements of lists), e-readers and lxml's
# XML parser past 255. Real notes reach 30 (a ten-level outline).
MAX_DEPTH = 100


@dataclass(frozen=True)
class Video:
    url: str  # where a reader can watch it (for YouTube, the watch page)
    title: str  # the iframe's title, else the url


@dataclass(frozen=True)
class BodyPolicy:
    """How one output writes the references of a body.

    note_href: the href of a link to a note (``link.target`` is set), or None to print
        the label alone. Called for resolved and ambiguous links only.
    asset_src: the URL of an asset link (``link.asset`` is set), or None to drop it.
    frame: what an ``<iframe>``, ``<object>`` or ``<embed>`` becomes: an element, or None
        to drop it. Gets the element and the video it shows.
    id_prefix: prepended to every id of the note, so several notes can share a document.
    transclude: expand ``![[Note]]`` embeds with the target's body (else a plain link).
    too_deep: told ``(note, levels)`` when the body nested deeper than ``MAX_DEPTH`` (embeds
        included) and was flattened past it: ``levels`` is how far past it went.
    """

    note_href: Callable[[Note, Link], str | None]
    asset_src: Callable[[Link], str | None]
    frame: Callable[[html.HtmlElement, Video], html.HtmlElement | None]
    id_prefix: str | Callable[[Note], str] = ""
    transclude: bool = True
    too_deep: Callable[[Note, int], None] | None = None


def anchor_id(note_id: str, anchor: str | None = None) -> str:
    """The id of a note, or of a heading in it, in a document that holds many notes."""
    return f"n-{note_id}" if anchor is None else f"n-{note_id}--{anchor}"


def depth_warning(report: Report) -> Callable[[Note, int], None]:
    """A ``BodyPolicy.too_deep`` that warns in ``report``; the same words from every output,
    so the build prints them once."""
    def tell(note: Note, past: int) -> None:
        report.warning(note.path, note.body_line, "html.depth",
                       f"this note's HTML nests more than {MAX_DEPTH} elements deep (embeds "
                       "included): there its words are published without their structure (the "
                       "lists, links and images nested that deep are flattened into text)")
    return tell


def render_body(model: Model, note: Note, policy: BodyPolicy) -> str:
    """The body of ``note`` as an HTML fragment for the output ``policy`` describes."""
    root = parse_fragment(note.body_html)
    _rewrite(model, note, root, policy, ((note.id, None),), EmbedBudget())
    past = bound_depth(root, MAX_DEPTH)
    if past and policy.too_deep is not None:
        policy.too_deep(note, past)
    return serialize_fragment(root)


def video_of(element: html.HtmlElement) -> Video:
    """The watchable URL and title of an iframe (YouTube embeds become watch links), or of
    an image that shows a video's page."""
    src = element.get("src") or element.get("data") or ""
    title = (element.get("title") or element.get("alt") or "").strip()
    url = src
    parsed = urlparse(src)
    host = parsed.netloc.lower().removeprefix("www.")
    if host in {"youtube.com", "youtube-nocookie.com"} and parsed.path.startswith("/embed/"):
        video_id = parsed.path.split("/")[2]
        url = f"https://www.youtube.com/watch?v={video_id}"
        start = parse_qs(parsed.query).get("start")
        if start:
            url += f"&t={start[0]}"
    elif host == "player.vimeo.com" and parsed.path.startswith("/video/"):
        url = f"https://vimeo.com/{parsed.path.split('/')[2]}"
    if url.startswith("//"):
        url = "https:" + url
    if title.lower() in {"", "youtube video player", "vimeo video player"}:
        title = url
    return Video(url=url, title=title)




def _link_of(note: Note, value: str | None) -> Link | None:
    match = LINK_URL.fullmatch((value or "").strip())
    if not match:
        return None
    index = int(match.group(1))
    return note.links[index] if index < len(note.links) else None


def _rewrite(model: Model, note: Note, root, policy: BodyPolicy,
             embedding: tuple[tuple[str, str | None], ...], budget: EmbedBudget,
             around: frozenset[tuple[str, str]] = frozenset()) -> None:
    """``embedding``: the (note id, anchor) shown, outermost first, one a level of embeds;
    ``budget``: what this note's embeds may still print (transclusion.py); ``around``: the
    sections the embeds that led here stand in (see ``_shows_itself``)."""
    prefix = policy.id_prefix(note) if callable(policy.id_prefix) else policy.id_prefix
    leading_nowhere = []  # links unwrapped after the walk, all of one parent's at once
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.get("class", "").startswith("xtd-embed"):
            _expand_embed(model, note, element, policy, embedding, budget, around)
            continue
        if element.tag in {"iframe", "object", "embed"} or (
                element.tag == "img" and is_video_page(element.get("src"))):
            _replace_frame(element, policy)
            continue
        if element.get("id") and prefix:
            element.set("id", prefix + element.get("id"))
        if element.tag == "a" and element.get("href") is not None:
            if not _rewrite_anchor(note, element, policy, unwrap=False):
                leading_nowhere.append(element)
        for attribute in ("src", "poster"):
            if element.get(attribute) is not None:
                _rewrite_source(note, element, attribute, policy)
        if element.get("srcset") is not None:
            _rewrite_srcset(note, element, policy)
    _unwrap_all(leading_nowhere)


def _rewrite_anchor(note: Note, element, policy: BodyPolicy, unwrap: bool = True) -> bool:
    """Point the link where the output has its target; False when it leads nowhere there (it
    is then unwrapped, unless ``unwrap`` is False: the caller unwraps it)."""
    link = _link_of(note, element.get("href"))
    if link is None and not element.get("href", "").startswith(LINK_SCHEME):
        return True
    href = None
    if link is not None and link.target and link.status in (LinkStatus.RESOLVED, LinkStatus.AMBIGUOUS):
        href = policy.note_href(note, link)
    elif link is not None and link.asset:
        href = policy.asset_src(link)
    if href is None:
        if unwrap:
            _unwrap(element)
        return False
    element.set("href", href)
    return True


def _rewrite_source(note: Note, element, attribute: str, policy: BodyPolicy) -> None:
    value = element.get(attribute)
    if not value.startswith(LINK_SCHEME):
        return
    link = _link_of(note, value)
    src = policy.asset_src(link) if link is not None and link.asset else None
    if src is not None:
        element.set(attribute, src)
    elif element.tag == "img":
        _drop_keeping_alt(element)
    else:
        del element.attrib[attribute]


def _rewrite_srcset(note: Note, element, policy: BodyPolicy) -> None:
    kept = []
    for candidate in element.get("srcset").split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        if url.startswith(LINK_SCHEME):
            link = _link_of(note, url)
            url = policy.asset_src(link) if link is not None and link.asset else None
        if url:
            kept.append(f"{url} {descriptor}".strip())
    if kept:
        element.set("srcset", ", ".join(kept))
    else:
        del element.attrib["srcset"]


def _replace_frame(element, policy: BodyPolicy) -> None:
    replacement = policy.frame(element, video_of(element))
    if replacement is None:
        remove_keeping_tail(element)
    else:
        replacement.tail = element.tail
        element.getparent().replace(element, replacement)


def _expand_embed(model: Model, note: Note, element, policy: BodyPolicy, embedding,
                  budget: EmbedBudget, around: frozenset[tuple[str, str]]) -> None:
    link = _link_of(note, element.get("data-link") and LINK_SCHEME + element.get("data-link"))
    target = model.get(link.target) if link is not None else None
    shown = (target is not None and policy.transclude
             and not _shows_itself(target.id, link.anchor, {*embedding, *around, *_around(note, link)}))
    html = embedded_html(target, link.anchor) if shown else None
    if html is None or not budget.allows(html, len(embedding)):
        # Not expandable (a cycle, too deep, past the budget: see transclusion.py): keep the
        # fallback link inside, rewritten like any link.
        for anchor in element.iter("a"):
            _rewrite_anchor(note, anchor, policy)
        return
    inner = parse_fragment(html)
    # Embedded content appears twice in a book: its ids must not clash with the original.
    for child in inner.iter():
        if isinstance(child.tag, str) and "id" in child.attrib:
            del child.attrib["id"]
        if isinstance(child.tag, str) and MATH_CLASS in (child.get("class") or "") and not child.get("data-path"):
            child.set("data-path", target.path)  # a formula that fails is the embedded note's to fix
    _rewrite(model, target, inner, _without_ids(policy), embedding + ((target.id, link.anchor),),
             budget, around | _around(note, link))
    element.tag = "div"
    element.attrib.clear()
    element.set("class", "embed")
    element.text = None
    for child in list(element):
        element.remove(child)
    for child in list(inner):
        element.append(child)
    element.text = inner.text


def _shows_itself(target: str, anchor: str | None, shown: set[tuple[str, str | None]]) -> bool:
    """Whether expanding an embed of ``target`` (its section ``anchor``) shows again what is
    being shown: an embed cycle. ``shown`` holds the notes and sections expanded on the way
    here and the sections the embeds on the way stand in, this one's included; so
    ``![[#Part]]`` of the same note is expanded unless it stands inside Part."""
    if anchor is None:
        return any(note == target for note, _ in shown)
    return (target, anchor) in shown


def _around(note: Note, link: Link) -> set[tuple[str, str]]:
    """The sections of ``note`` that ``link`` stands in."""
    return {(note.id, anchor) for anchor in sections_at(note.headings, link.line)}


def _without_ids(policy: BodyPolicy) -> BodyPolicy:
    return replace(policy, id_prefix="")


def _unwrap(element) -> None:
    """Replace an element by its content (a link that leads nowhere prints its label)."""
    parent = element.getparent()
    if parent is None:
        return
    element.drop_tag()


def _unwrap_all(elements: list) -> None:
    """``_unwrap`` each of ``elements``, in one pass over each parent's children: lxml's
    drop_tag finds an element's place among its siblings, so a paragraph of 50,000 links that
    lead nowhere took the square of that (minutes); the texts are joined once, not each time."""
    by_parent: dict[int, tuple[object, set[int]]] = {}
    for element in elements:
        parent = element.getparent()
        if parent is None:
            continue
        by_parent.setdefault(id(parent), (parent, set()))[1].add(id(element))
    for parent, dropped in by_parent.values():
        pieces = [parent.text or ""]
        kept = None  # the last child kept: the joined texts are its tail
        for child in list(parent):
            if id(child) in dropped:
                pieces.append(child.text or "")
                inner = list(child)  # a label with markup of its own: <a><em>…</em></a>
                if inner:
                    _set_text_before(parent, kept, "".join(pieces))
                    for grandchild in inner:
                        child.addprevious(grandchild)  # its tail comes with it
                    kept, pieces = inner[-1], [inner[-1].tail or ""]
                pieces.append(child.tail or "")
                parent.remove(child)
                continue
            _set_text_before(parent, kept, "".join(pieces))
            kept, pieces = child, [child.tail or ""]
        _set_text_before(parent, kept, "".join(pieces))


def _set_text_before(parent, kept, text: str) -> None:
    if kept is None:
        parent.text = text or None
    else:
        kept.tail = text or None


def _drop_keeping_alt(element) -> None:
    alt = (element.get("alt") or "").strip()
    parent = element.getparent()
    if parent is None:
        return
    if alt:
        span = html.Element("span", {"class": "missing-image"})
        span.text = alt
        span.tail = element.tail
        parent.replace(element, span)
    else:
        remove_keeping_tail(element)
