"""Every note's HTML enters the model through one allow-list: nothing that runs, restyles,
fetches or reads outside the vault.

The model is published (model.json for partner tools, feeds, books), so each body goes
through nh3 (Ammonia, which parses as a browser does: ``<noscript><p title="</noscript>
<img onerror=…>">`` cannot turn into a live handler on the way) with the elements and
attributes the renderers need: video iframes, ``picture``/``source``, ids, the classes
of the model's own markup (callouts, embeds, math, footnotes, code languages), and URLs
that are ``xtd:link/N``, web or mail links, same-note fragments or inline raster images.
``style`` attributes keep what inline_css.py allows. Fresh and cached bodies go through
it alike: a crafted parse cache cannot put a script into the model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import nh3

from ..htmlfragment import parse_fragment
from ..report import Report
from .html_depth import MAX_DEPTH, bounded_depth
from .inline_css import clean_style

TAGS = nh3.ALLOWED_TAGS | {
    "section", "picture", "source", "iframe", "video", "audio", "track", "object", "embed",
    "figure", "figcaption", "mark", "s", "u", "sub", "sup", "span", "div",
} - {"map", "area"}
GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "style", "data-callout",
                     "data-callout-fold", "data-callout-metadata", "data-link", "data-display",
                     "data-line", "aria-label", "aria-hidden", "role"}
ATTRIBUTES = {
    "*": GLOBAL_ATTRIBUTES,
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "align", "loading", "data-alt"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "frameborder", "scrolling",
               "loading", "name", "referrerpolicy"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted", "preload", "playsinline"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "track": {"src", "kind", "srclang", "label"},
    "object": {"data", "type", "width", "height"},
    "embed": {"src", "type", "width", "height"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "td": {"colspan", "rowspan", "align", "headers"}, "th": {"colspan", "rowspan", "align", "scope", "headers"},
    "col": {"span"}, "colgroup": {"span"}, "time": {"datetime"}, "details": {"open"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "abbr": set(), "bdo": {"dir"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "xtd", "obsidian", "data"}
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "data", "cite"}
# The classes the model's own markup uses (see model.py): any other class is an editor's or
# a web page's, and could meet a theme's (".cover" is the PDF's cover page).
OWN_CLASSES = re.compile(r"callout(-title)?|xtd-[a-z-]+|footnotes?(-[a-z]+)?|language-[\w+#.-]+")
INLINE_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);", re.I)
FRAGMENT = re.compile(r"#[^\s]*")
# What might be taken out, for the warning that names it (the allow-list applies whatever).
SUSPECT = re.compile(
    r"<\s*/?\s*(?:script|style|link|meta|base|frame|applet|svg|math|form|input|button|select"
    r"|canvas|template)\b|\son[^\s=>]*\s*=|script\s*:|srcdoc|data\s*:\s*(?:text/html|application)"
    r"|expression\s*\(|url\s*\(|&(?:#|colon;|tab;|newline;)",
    re.IGNORECASE,
)
DROPPED_ELEMENTS = {"script", "style", "link", "meta", "base", "frame", "frameset", "applet",
                    "svg", "math", "form", "input", "button", "select", "canvas", "template"}
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application", "livescript:")

_style_drops: list[str] = []  # what clean_style took out, during one clean (one thread)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        kept, dropped = clean_style(value)
        _style_drops.extend(dropped)
        return kept or None
    if attribute == "class":
        return " ".join(c for c in value.split() if OWN_CLASSES.fullmatch(c)) or None
    if attribute in URL_ATTRIBUTES:
        return value if _allowed_url(tag, attribute, value) else None
    return value


def _allowed_url(tag: str, attribute: str, value: str) -> bool:
    """nh3 has checked the scheme; a relative URL must be a fragment (every local target is
    ``xtd:link/N`` by now), and ``data:`` only an inline raster image."""
    url = value.strip()
    if attribute == "srcset":
        return all(_allowed_url(tag, "src", c.strip().split(" ")[0]) for c in url.split(",") if c.strip())
    scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
    if scheme == "data":
        return tag in ("img", "source") and attribute == "src" and bool(INLINE_IMAGE.match(url))
    if scheme:
        return True
    return attribute == "href" and bool(FRAGMENT.fullmatch(url))


CLEANER = nh3.Cleaner(
    tags=TAGS, clean_content_tags={"script", "style"}, attributes=ATTRIBUTES,
    attribute_filter=_filter, url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True,
)


def clean_html(fragment: str) -> tuple[str, list[str], int]:
    """``fragment`` no deeper than html_depth.MAX_DEPTH and through the allow-list; the style
    properties it took out; how many tags too deep were left out."""
    fragment, too_deep = bounded_depth(fragment)
    _style_drops.clear()
    cleaned = CLEANER.clean(fragment)
    return cleaned, list(_style_drops), too_deep


def make_safe(fragment: str, path: str, report: Report, line: Callable[[], int] = lambda: 1) -> str:
    """``fragment`` through the allow-list; one warning names what was taken out of it, at
    ``line()`` (asked only then: finding it costs a search of the note)."""
    cleaned, styles, too_deep = clean_html(fragment)
    if too_deep:
        report.warning(path, line(), "html.too-deep",
                       f"the note's HTML nests more than {MAX_DEPTH} elements deep: {too_deep:,} "
                       "tags deeper are left out (their text is kept, one level up)")
    removed = _unsafe_parts(fragment) if SUSPECT.search(fragment) else Counter()
    removed.update(f"style {name}" for name in styles)
    if removed:
        what = ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in sorted(removed.items()))
        report.warning(path, line(), "html.unsafe",
                       f"removed from the note's HTML: {what} (scripts, page styles, drawings "
                       "and forms are never published; the rest of the note is)")
    return cleaned


def _unsafe_parts(fragment: str) -> Counter[str]:
    """What of ``fragment`` the allow-list takes out, by kind, for the warning alone."""
    removed: Counter[str] = Counter()
    for element in parse_fragment(fragment).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in DROPPED_ELEMENTS:
            removed[f"<{tag}>"] += 1
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                removed[f"{lowered} attribute"] += 1
            elif lowered == "srcdoc":
                removed["srcdoc attribute"] += 1
            elif lowered in URL_ATTRIBUTES | {"action", "formaction", "xlink:href"} and _unsafe_url(value):
                removed["script URL"] += 1
    return removed


def _unsafe_url(value: str) -> bool:
    compact = CONTROL.sub("", value).lower()
    return any(scheme in compact for scheme in UNSAFE_SCHEMES)
