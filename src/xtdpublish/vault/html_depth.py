"""A body's elements nested no deeper than MAX_DEPTH: deeper tags go, their text stays.

Raw HTML can nest as deep as a note likes (``<div>`` twenty thousand times). libxml2,
which lxml uses in every renderer, silently drops all that lies past 256 levels, the rest
of the note included; html5ever (nh3) takes time in the square of the depth (20,000 levels:
32 s). So the model's HTML never nests deeper than MAX_DEPTH: a start tag that would go
deeper is left out, with its end tag, and what it held stays, one level up.
"""

from __future__ import annotations

from collections import Counter

from .rawhtml import EndTag, RawHtml, StartTag

MAX_DEPTH = 128  # markdown's own nesting stops at 64 (markdown_bounds.py)
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements that a start tag of their own name closes (a list item ends at the next one).
SELF_ENDING = frozenset("p li dt dd tr td th option thead tbody tfoot".split())


def bounded_depth(html: str) -> tuple[str, int]:
    """(``html`` with its elements MAX_DEPTH deep at most, how many tags were left out)."""
    if html.count("<") <= MAX_DEPTH:  # it cannot nest deeper than it has tags
        return html, 0
    stack: list[str] = []
    dropped: Counter[str] = Counter()
    out: list[str] = []
    last = left_out = 0
    for event in RawHtml([html]).scan(0, ends=True):
        if isinstance(event, StartTag):
            if event.name in VOID:
                continue
            if event.name in SELF_ENDING and stack and stack[-1] == event.name:
                stack.pop()
            if len(stack) < MAX_DEPTH:
                stack.append(event.name)
                continue
            dropped[event.name] += 1
        elif isinstance(event, EndTag):
            if not dropped[event.name]:
                if event.name in stack:
                    while stack.pop() != event.name:
                        pass
                continue
            dropped[event.name] -= 1
        else:
            continue
        out.append(html[last:event.start])
        last = event.end
        left_out += 1
    if not left_out:
        return html, 0
    out.append(html[last:])
    return "".join(out), left_out
