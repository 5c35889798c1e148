"""pandoc's JSON AST (API 1.23), written as plain dicts and lists: the nodes the office renderer uses.

Each function returns one node as ``json.dumps`` gives it to ``pandoc -f json``. ``text``
turns a run of HTML text into ``Str`` nodes (a whole run of words is one ``Str``:
pandoc's writers take spaces inside one, and a document holds ten times fewer nodes), and
keeps no-break spaces (French typography) as they are; ``tidy`` merges what a conversion
leaves (two spaces in a row, spaces at the ends of a paragraph).
"""

from __future__ import annotations

import re

API_VERSION = [1, 23, 1]
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # what HTML collapses; not U+00A0 nor U+202F


def attr(identifier: str = "", classes: list[str] | None = None,
         pairs: list[list[str]] | None = None) -> list:
    return [identifier, classes or [], pairs or []]


def styled(style: str, identifier: str = "") -> list:
    """The attributes of a Div or Span drawn in the reference document's style ``style``."""
    return attr(identifier, [], [["custom-style", style]])


def node(kind: str, content=None) -> dict:
    return {"t": kind} if content is None else {"t": kind, "c": content}


def text(value: str) -> list[dict]:
    if not value:
        return []
    words = HTML_SPACE.split(value)
    run = " ".join(word for word in words if word)
    out: list[dict] = [SPACE] if not words[0] else []
    if run:
        out.append(node("Str", run))
        if len(words) > 1 and not words[-1]:
            out.append(SPACE)
    return out


SPACE = {"t": "Space"}
LINE_BREAK = {"t": "LineBreak"}


def tidy(inlines: list[dict]) -> list[dict]:
    """No two spaces in a row, none at either end."""
    out: list[dict] = []
    for item in inlines:
        if item.get("t") == "Space" and (not out or out[-1].get("t") in ("Space", "LineBreak")):
            continue
        if item.get("t") == "LineBreak" and out and out[-1].get("t") == "Space":
            out.pop()
        out.append(item)
    while out and out[-1].get("t") == "Space":
        out.pop()
    return out


def para(inlines: list[dict]) -> dict:
    return node("Para", inlines)


def plain(inlines: list[dict]) -> dict:
    return node("Plain", inlines)


def header(level: int, identifier: str, inlines: list[dict]) -> dict:
    return node("Header", [level, attr(identifier), inlines])


def div(attributes: list, blocks: list[dict]) -> dict:
    return node("Div", [attributes, blocks])


def span(attributes: list, inlines: list[dict]) -> dict:
    return node("Span", [attributes, inlines])


def link(inlines: list[dict], url: str, title: str = "") -> dict:
    return node("Link", [attr(), inlines, [url, title]])


def image(alt: list[dict], url: str, pairs: list[list[str]] | None = None) -> dict:
    return node("Image", [attr("", [], pairs), alt, [url, ""]])


def math(tex: str, display: bool) -> dict:
    return node("Math", [node("DisplayMath" if display else "InlineMath"), tex])


def code(value: str) -> dict:
    return node("Code", [attr(), value])


def meta_inlines(value: str) -> dict:
    return node("MetaInlines", tidy(text(value)))


def document(meta: dict, blocks: list[dict]) -> dict:
    return {"pandoc-api-version": API_VERSION, "meta": meta, "blocks": blocks}


def plain_text(inlines: list[dict]) -> str:
    """What a run of inlines reads as (a heading's text for the contents, an image's alt)."""
    out = []
    for item in inlines:
        kind = item.get("t")
        if kind == "Str":
            out.append(item["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                      "SmallCaps"):
            out.append(plain_text(item["c"]))
        elif kind in ("Span", "Link", "Quoted"):
            out.append(plain_text(item["c"][1]))
        elif kind in ("Code", "Math"):
            out.append(item["c"][1])
    return "".join(out)
