"""The diagnostics of a run as a person reads them: the same advice once, with a count and the
first few places, instead of the same paragraph for every note (report.html lists them all).

Two kinds of diagnostics share advice: those of a code whose every message is one kind of
fix (``ADVICE``: dangling links, frontmatter read as meant, notes without a date, images
without alternative text), and those whose message is word for word the same in several
places. Anything else is printed alone, and ``--verbose`` prints every diagnostic alone, in
full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Diagnostic

FIRST_FEW = 3  # places shown under a shared piece of advice

# A code → what all its diagnostics have in common, in an editor's words ({n}: how many).
ADVICE = {
    "link.dangling": "{n} links lead to no note of the vault and are printed as plain text: "
                     "correct each link, or write the note it names",
    "link.unpublished": "{n} links lead to notes that are not published (drafts, left out) "
                        "and are printed as plain text",
    "link.missing-asset": "{n} images or files are named in notes but are not in the vault: "
                          "add each file, or remove the reference",
    "link.fragment": "{n} links name a heading or a block that their note does not have: "
                     "each leads to the top of the note",
    "link.ambiguous": "{n} links match several notes and lead to the one Obsidian opens (the "
                      "note at that very path, else the one in the linking note's folder, else "
                      "the shortest path): write the folder in the link to choose another",
    "frontmatter.recovered": "{n} frontmatter values are not valid YAML and were read as "
                             "meant: write each one as its line says",
    "frontmatter.comment-value": "{n} frontmatter values start with # and are comments to "
                                 "YAML, not values: they were read as text; write each one in "
                                 "quotes",
    "feed.date": "{n} notes have no date in their frontmatter and are not in git, so the feeds "
                 "date them by the file's modification time, which changes whenever the file "
                 "is copied: commit the vault to git, or add date: (and uid:) to their frontmatter",
    "pdf.glyph": "{n} notes hold characters that no font of the theme or of this machine has, "
                 "printed as empty boxes: install a font that has them, or name one in the "
                 "theme's CSS",
    "pdf.remote-image": "{n} images are on the web and are not printed: copy each into the "
                        "vault and link the copy",
    "a11y.image-alt": "{n} images have no alternative text, so a reader who cannot see them "
                      "hears their file names: write what each one shows, "
                      "![[image.png|what it shows]]",
    "a11y.link-text": "{n} links have a text that does not say where they lead (\"here\", "
                      "an address): put each link on words that say where it leads",
    "a11y.table-header": "{n} tables have no header, so a screen reader cannot say which "
                         "column a cell belongs to: give each first row the columns' names",
}


@dataclass(frozen=True)
class Told:
    """One thing to print: a diagnostic alone, or advice over the places that share it."""

    first: Diagnostic
    places: tuple[Diagnostic, ...] = ()  # empty: ``first`` alone
    advice: str = ""  # empty: the places share ``first.message`` word for word

    @property
    def shared_message(self) -> bool:
        return all(d.message == self.first.message for d in self.places)


def grouped(diagnostics: Iterable[Diagnostic]) -> list[Told]:
    """``diagnostics`` (in their order) as what to print, each group where its first member is."""
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in diagnostics:
        key = (d.severity, d.code) if d.code in ADVICE else (d.severity, d.code, d.message)
        groups.setdefault(key, []).append(d)
    told = []
    for members in groups.values():
        first = members[0]
        if len(members) == 1:
            told.append(Told(first))
        elif first.code in ADVICE:
            told.append(Told(first, tuple(members), ADVICE[first.code].format(n=len(members))))
        else:
            told.append(Told(first, tuple(members)))
    return told


def lines(told: Told, details: str = "") -> list[str]:
    """The lines of one ``Told``: ``warning: advice [code]``, then the first places indented."""
    d = told.first
    if not told.places:
        return [str(d)]
    n = len(told.places)
    head = told.advice or f"{d.message} ({n} places)"
    out = [f"{d.severity}: {head} [{d.code}]"]
    for place in told.places[:FIRST_FEW]:
        where = f"{place.path}:{place.line}" if place.line else place.path
        out.append(f"  {where}" if told.shared_message else f"  {where}: {place.message}")
    if n > FIRST_FEW:
        out.append(f"  … and {n - FIRST_FEW} more{details}")
    return out
