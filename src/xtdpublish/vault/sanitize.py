"""Raw HTML from notes enters the model without anything that runs or restyles the page.

Notes are pasted from web pages and the model is published (model.json, feeds, books),
so scripts, event handlers, ``javascript:`` URLs, ``<style>``, ``<link>`` and ``<meta>``
are removed here, once, for every output; each renderer stays free to be stricter.
Iframes, ``<picture>`` and the rest are kept: renderers decide what they become.
"""

from __future__ import annotations

import re
from collections import Counter


from ..htmlfragment import parse_fragment, remove_keeping_tail, serialize_fragment
from ..report import Report

DROPPED_ELEMENTS = {"script", "style", "link", "meta", "base", "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background",
                  "cite", "xlink:href", "{http://www.w3.org/1999/xlink}href", "srcset"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application", "livescript:")
# What might need make_safe: never narrower than what make_safe removes (an attribute is a
# handler when its name starts with "on", whatever follows: "onÿclick" too).
SUSPECT = re.compile(
    r"<\s*/?\s*(?:script|style|link|meta|base|frame|applet)\b|\son[^\s=>]*\s*=|script\s*:|"
    r"data\s*:\s*(?:text/html|application)|expression\s*\(|url\s*\(|"
    r"&(?:#|colon;|tab;|newline;)",  # entities can spell a scheme that browsers decode
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def make_safe(fragment: str, path: str, line: int, report: Report) -> str:
    """``fragment`` without what runs or restyles; one warning names what was removed."""
    if not SUSPECT.search(fragment):
        return fragment
    root = parse_fragment(fragment)
    removed: Counter[str] = Counter()
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag.lower() in DROPPED_ELEMENTS:
            removed[f"<{element.tag.lower()}>"] += 1
            remove_keeping_tail(element)
            continue
        for name, value in list(element.attrib.items()):
            lowered = name.lower()
            if lowered.startswith("on"):
                removed[f"{lowered} attribute"] += 1
                del element.attrib[name]
            elif lowered in URL_ATTRIBUTES and _unsafe_url(value):
                removed["script URL"] += 1
                del element.attrib[name]
            elif lowered == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                removed["style with url()"] += 1
                del element.attrib[name]
    if not removed:
        return fragment
    what = ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in sorted(removed.items()))
    report.warning(path, line, "html.unsafe",
                   f"removed from the note's HTML: {what} (scripts and page styles are never "
                   "published; the rest of the note is)")
    return serialize_fragment(root)


def _unsafe_url(value: str) -> bool:
    compact = CONTROL.sub("", value).lower()
    return any(scheme in compact for scheme in UNSAFE_SCHEMES)

