"""Bounds the outputs hold to, whatever a vault holds, so that their size and time grow with
the vault and not with what one note claims (the README's "Limits" lists them).

One note with 100,000 tags made a 741-page tag index (157 s, 4 GB), and 1,000 tags on one
note with per-tag feeds wrote each of its 1,000 items in 1,000 feeds (tags × tags). The
guide, the book and the feeds take a note's first ``MAX_NOTE_TAGS`` tags; model.json keeps
them all (data, linear in the vault).
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Model, Note
from ..report import Report

MAX_NOTE_TAGS = 100


def shown_tags(note: Note) -> tuple[str, ...]:
    """The tags of ``note`` an output shows: at most ``MAX_NOTE_TAGS``, in the note's order."""
    return note.tags if len(note.tags) <= MAX_NOTE_TAGS else note.tags[:MAX_NOTE_TAGS]


def with_shown_tags(note: Note) -> Note:
    """``note`` as a laid-out output holds it: its tags bounded (an unchanged note is itself)."""
    return note if len(note.tags) <= MAX_NOTE_TAGS else replace(note, tags=shown_tags(note))


def tell_bounds(model: Model, report: Report) -> None:
    """One warning for each note past a bound; every output says the same words, so a build
    prints each once."""
    for note in model.notes:
        if len(note.tags) > MAX_NOTE_TAGS:
            report.warning(note.path, None, "note.tags",
                           f"this note has {len(note.tags):,} tags: the guide, the book and the "
                           f"feeds show its first {MAX_NOTE_TAGS} (model.json keeps them all)")
