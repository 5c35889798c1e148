"""A note's ``style`` attributes, read with a CSS tokenizer and kept to what styles its own text.

A note may colour a word, align a cell or size an image; it may not place a box on every
page (``position: fixed``), hide its text, break pages or fetch anything. The value is
read by tinycss2, as a CSS engine reads it, so an escape (``u\\72 l(``, ``posit\\69 on``)
is the property or function it spells, not something that slips past a text search.
Declarations are kept only when the property is in ``PROPERTIES`` and the value holds no
URL and no function but colours and arithmetic.
"""

from __future__ import annotations

import tinycss2

PROPERTIES = frozenset("""
    color background-color
    font-weight font-style font-variant font-family font-size line-height letter-spacing word-spacing
    text-align text-decoration text-decoration-line text-decoration-color text-decoration-style
    text-transform text-indent vertical-align white-space
    width height max-width max-height min-width min-height
    border border-top border-right border-bottom border-left border-color border-style
    border-width border-radius border-collapse border-spacing
    list-style-type
""".split())
FUNCTIONS = frozenset("rgb rgba hsl hsla hwb calc".split())


def clean_style(value: str) -> tuple[str, list[str]]:
    """(the declarations kept, as CSS; the properties dropped, as written lower-cased)."""
    kept: list[str] = []
    dropped: list[str] = []
    for declaration in tinycss2.parse_declaration_list(value, skip_comments=True, skip_whitespace=True):
        if declaration.type != "declaration":
            dropped.append("@" + getattr(declaration, "lower_at_keyword", "rule")
                           if declaration.type == "at-rule" else "invalid CSS")
            continue
        name = declaration.lower_name
        if name not in PROPERTIES or not _harmless(declaration.value):
            dropped.append(name)
            continue
        text = tinycss2.serialize(declaration.value).strip()
        kept.append(f"{name}: {text}{' !important' if declaration.important else ''}")
    return "; ".join(kept), dropped


def _harmless(tokens) -> bool:
    """No URL, no at-keyword, no function but colours and calc(), at any depth."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        kind = token.type
        if kind in ("url", "at-keyword", "bad-url", "error"):
            return False
        if kind == "function":
            if token.lower_name not in FUNCTIONS:
                return False
            stack.extend(token.arguments)
        elif kind in ("() block", "[] block", "{} block"):
            stack.extend(token.content)
    return True
