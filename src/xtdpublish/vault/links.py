"""LinkIndex: resolving references like Obsidian; backlinks; suggestions (embed cycles:
embed_cycles.py).

A reference names a note by path (``Notes/Foo``) or by file name (``Foo``), exactly
first, then ignoring case and Unicode normalisation, then by alias. Never by
substring: ``Le projet DOORS`` does not match ``MuseumXTD - Le projet DOORS``.
Files (images, PDFs) resolve against the note's folder, the vault root, and, for a
bare name, anywhere in the vault (Obsidian's attachments), the shortest path first.
"""

from __future__ import annotations

import bisect
import difflib
import math
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Heading, Link, LinkStatus
from ..report import Report
from .markdown import RawRef, slugify
from .refs import APP_PREFIX

WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")
FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
SUGGESTION_CUTOFF = 0.8


@dataclass(frozen=True)
class NoteTarget:
    """What the resolver knows of a note it may link to."""

    id: str
    path: str
    title: str
    aliases: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    block_ids: tuple[str, ...] = ()
    published: bool = True
    reason: str | None = None  # why it is not published
    drawing: bool = False  # an Excalidraw drawing: a link to it shows its image
    image: str | None = None  # the drawing's exported image (vault path), if there is one


def fold(text: str) -> str:
    """The key for "ignoring case and Unicode normalisation" (’ and ' stay different)."""
    return unicodedata.normalize("NFC", text).casefold()


def _stem(path: str) -> str:
    return posixpath.basename(path).removesuffix(".md")


def _by_shortest(paths: Iterable[str]) -> list[str]:
    return sorted(set(paths), key=lambda p: (len(p), p))


@dataclass
class _Index:
    by_path: dict[str, list[NoteTarget]] = field(default_factory=lambda: defaultdict(list))
    by_stem: dict[str, list[NoteTarget]] = field(default_factory=lambda: defaultdict(list))


class LinkIndex:
    def __init__(
        self,
        notes: Sequence[NoteTarget],
        assets: Mapping[str, object],
        report: Report,
    ) -> None:
        self.report = report
        self.notes = {note.path: note for note in notes}
        self._exact = _Index()
        self._folded = _Index()
        self._aliases: dict[str, list[NoteTarget]] = defaultdict(list)
        for note in sorted(notes, key=lambda n: n.path):
            key = note.path.removesuffix(".md")
            self._exact.by_path[key].append(note)
            self._folded.by_path[fold(key)].append(note)
            self._exact.by_stem[_stem(note.path)].append(note)
            self._folded.by_stem[fold(_stem(note.path))].append(note)
            for alias in note.aliases:
                self._aliases[fold(alias.strip())].append(note)
        self.assets = sorted(assets)
        self._asset_set = set(self.assets)
        self._assets_folded: dict[str, str] = {}
        self._assets_by_name: dict[str, list[str]] = defaultdict(list)
        for path in self.assets:
            self._assets_folded.setdefault(fold(path), path)
            self._assets_by_name[fold(posixpath.basename(path))].append(path)
        published = [n for n in notes if n.published]
        # By length: a name much shorter or longer than the text can never reach the cutoff.
        self._suggestions = sorted(
            {n.title for n in published} | {_stem(n.path) for n in published},
            key=lambda name: (len(name), name),
        )
        self._suggestion_lengths = [len(name) for name in self._suggestions]
        self._suggested: dict[str, str | None] = {}

    # --- one reference -----------------------------------------------------------------

    def resolve(self, source: NoteTarget, ref: RawRef) -> Link:
        base = dict(
            line=ref.line, raw=ref.raw, target_text=ref.target_text, label=ref.label,
            fragment=ref.fragment, embed=ref.embed,
        )
        text = ref.target_text.strip()
        if text.startswith(APP_PREFIX):
            return self._app_file(source, ref, text[len(APP_PREFIX):], base)
        if _outside(text):
            self._warn(source, ref, "link.outside",
                       f"link {ref.raw} points outside the vault; only files inside the vault "
                       "can be published")
            return Link(**base, status=LinkStatus.MISSING_ASSET)
        if not text and ref.kind != "file":
            return self._note_link(source, ref, [source], base)
        if ref.kind in ("note", "either"):
            candidates = self._find_note(source, text)
            if candidates:
                return self._note_link(source, ref, candidates, base)
        if ref.kind in ("file", "either"):
            found = self._find_asset(source, text)
            if found == "outside":
                self._warn(source, ref, "link.outside",
                           f"link {ref.raw} points outside the vault; only files inside the "
                           "vault can be published")
                return Link(**base, status=LinkStatus.MISSING_ASSET)
            if found:
                return Link(**base, status=LinkStatus.ASSET, asset=found)
            if ref.kind == "file" or _looks_like_file(text):
                self._warn(source, ref, "link.missing-asset",
                           f"{ref.raw}: no file {text!r} in the vault")
                return Link(**base, status=LinkStatus.MISSING_ASSET)
        message = f"link {ref.raw} has no target"
        suggestion = self.suggest(_stem(text.removesuffix(".md")) if "/" in text else
                                  text.removesuffix(".md"))
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        self._warn(source, ref, "link.dangling", message)
        return Link(**base, status=LinkStatus.DANGLING)

    def _app_file(self, source: NoteTarget, ref: RawRef, absolute: str, base: dict) -> Link:
        """``app://local/C:/Users/me/Vault/img/x.png``: the file of the vault whose path is the
        longest tail of that absolute path (the vault's own folder is not known)."""
        parts = [part for part in re.split(r"[\\/]+", absolute) if part]
        tails = ["/".join(parts[start:]) for start in range(len(parts))]
        for tail in tails:
            found = tail if tail in self._asset_set else self._assets_folded.get(fold(tail))
            if not found and tail == tails[-1]:  # the bare name, anywhere (an attachment)
                found = next(iter(_by_shortest(self._assets_by_name.get(fold(tail), []))), None)
            if found:
                self.report.info(source.path, ref.line, "link.app-url",
                                 f"{ref.raw} is an absolute address of the Obsidian app; read "
                                 f"as the vault's {found} (write ![[{posixpath.basename(found)}]])")
                return Link(**base, status=LinkStatus.ASSET, asset=found)
        self._warn(source, ref, "link.missing-asset",
                   f"{ref.raw}: an absolute address of the Obsidian app, and no file of the "
                   f"vault ends with {'/'.join(parts[-2:]) or absolute!r}")
        return Link(**base, status=LinkStatus.MISSING_ASSET)

    def suggest(self, text: str) -> str | None:
        """The closest published title or file name, once per text (vaults repeat their
        dangling links). difflib's ratio is at most 2·min(a, b)/(a + b), so only names whose
        length is within that bound of the text's can match: the others are not compared."""
        if text not in self._suggested:
            # rounded outwards: a float error must never leave out a name that could match
            low = math.floor(len(text) * SUGGESTION_CUTOFF / (2 - SUGGESTION_CUTOFF))
            high = math.ceil(len(text) * (2 - SUGGESTION_CUTOFF) / SUGGESTION_CUTOFF)
            pool = self._suggestions[bisect.bisect_left(self._suggestion_lengths, low):
                                     bisect.bisect_right(self._suggestion_lengths, high)]
            matches = difflib.get_close_matches(text, pool, n=1, cutoff=SUGGESTION_CUTOFF)
            self._suggested[text] = matches[0] if matches else None
        return self._suggested[text]

    def _note_link(self, source: NoteTarget, ref: RawRef, candidates: list[NoteTarget],
                   base: dict) -> Link:
        published = [c for c in candidates if c.published]
        pool = published or candidates
        chosen, why = _choose(source, ref.target_text, pool)
        if chosen.drawing:  # no warning here: the reader warns once per drawing without image
            status = LinkStatus.ASSET if chosen.image else LinkStatus.MISSING_ASSET
            return Link(**base, status=status, target=chosen.id, asset=chosen.image)
        if not chosen.published:
            self.report.info(source.path, ref.line, "link.unpublished",
                             f"link {ref.raw} points to {chosen.path}, which is not published "
                             f"({chosen.reason or 'excluded'}); it is printed as plain text")
            return Link(**base, status=LinkStatus.UNPUBLISHED, target=chosen.id)
        status = LinkStatus.RESOLVED
        if len(pool) > 1:
            status = LinkStatus.AMBIGUOUS
            others = ", ".join(c.path for c in sorted(pool, key=lambda n: (len(n.path), n.path)))
            self._warn(source, ref, "link.ambiguous",
                       f"link {ref.raw} matches several notes ({others}); using {chosen.path}, "
                       f"{why}, as Obsidian does. Write the folder to choose another")
        anchor = None
        if ref.fragment:
            anchor = self._anchor(chosen, ref.fragment)
            if anchor is None:
                self._warn(source, ref, "link.fragment",
                           f"link {ref.raw}: no heading or block {ref.fragment!r} in "
                           f"{chosen.path}")
        return Link(**base, status=status, target=chosen.id, anchor=anchor)

    def _warn(self, source: NoteTarget, ref: RawRef, code: str, message: str) -> None:
        self.report.warning(source.path, ref.line, code, message)

    # --- notes ---------------------------------------------------------------------------

    def _find_note(self, source: NoteTarget, text: str) -> list[NoteTarget]:
        name = text.removesuffix(".md").removesuffix(".MD").strip()
        if not name:
            return []
        if "/" in name:
            return self._find_by_path(source, name)
        for index, key in ((self._exact, name), (self._folded, fold(name))):
            found = index.by_stem.get(key)
            if found:
                return found
        return self._aliases.get(fold(name), [])

    def _find_by_path(self, source: NoteTarget, name: str) -> list[NoteTarget]:
        keys = []
        if name.startswith("/"):
            keys.append(posixpath.normpath(name.lstrip("/")))
        else:
            folder = posixpath.dirname(source.path)
            keys.append(posixpath.normpath(posixpath.join(folder, name)))
            keys.append(posixpath.normpath(name))
        for index, transform in ((self._exact, str), (self._folded, fold)):
            for key in keys:
                found = index.by_path.get(transform(key))
                if found:
                    return found
        # Obsidian also takes the end of a path: [[Sub/Note]] for Notes/Sub/Note.md
        suffix = "/" + fold(posixpath.normpath(name).lstrip("./"))
        return [n for n in self.notes.values()
                if fold("/" + n.path.removesuffix(".md")).endswith(suffix)]

    @staticmethod
    def _anchor(note: NoteTarget, fragment: str) -> str | None:
        fragment = fragment.split("#")[-1].strip()
        if fragment.startswith("^"):
            block = fragment[1:]
            return f"block-{block}" if block in note.block_ids else None
        for match in (
            lambda h: h.text == fragment,
            lambda h: fold(h.text) == fold(fragment),
            lambda h: h.anchor == fragment or slugify(h.text) == slugify(fragment),
        ):
            for heading in note.headings:
                if match(heading):
                    return heading.anchor
        return None

    # --- files ---------------------------------------------------------------------------

    def _find_asset(self, source: NoteTarget, text: str) -> str | None:
        if text.startswith("/"):
            candidates = [posixpath.normpath(text.lstrip("/"))]
        else:
            candidates = [
                posixpath.normpath(posixpath.join(posixpath.dirname(source.path), text)),
                posixpath.normpath(text),
            ]
        if all(c == ".." or c.startswith("../") for c in candidates):
            return "outside"
        for candidate in candidates:
            if candidate in self._asset_set:
                return candidate
        for candidate in candidates:
            found = self._assets_folded.get(fold(candidate))
            if found:
                return found
        if "/" not in text:
            by_name = self._assets_by_name.get(fold(text))
            if by_name:
                return _by_shortest(by_name)[0]
        return None


def _choose(source: NoteTarget, written: str, pool: list[NoteTarget]) -> tuple[NoteTarget, str]:
    """The note Obsidian opens among several that a link names, and why (observed with
    ``getFirstLinkpathDest``): the note at exactly that vault path, else one in the linking
    note's own folder (not a parent's), else the shortest path."""
    exact = posixpath.normpath(written.strip().lstrip("/")).removesuffix(".md") + ".md"
    folder = posixpath.dirname(source.path)

    def rank(note: NoteTarget) -> tuple:
        place = 0 if note.path == exact else 1 if posixpath.dirname(note.path) == folder else 2
        return place, len(note.path), note.path

    chosen = min(pool, key=rank)
    why = ("the note at that very path", "the note in the linking note's folder",
           "the shortest path")[rank(chosen)[0]]
    return chosen, why


def _outside(text: str) -> bool:
    lowered = text.lower()
    return lowered.startswith("file:") or bool(WINDOWS_PATH.match(text)) or text.startswith("~")


def _looks_like_file(text: str) -> bool:
    return bool(FILE_EXTENSION.search(text)) and not text.lower().endswith(".md")


# --- the whole vault ---------------------------------------------------------------------


def backlinks(links: Mapping[str, Sequence[Link]]) -> dict[str, tuple[str, ...]]:
    """note id → ids of the notes that link to it (sorted, each once, never itself)."""
    sources: dict[str, set[str]] = defaultdict(set)
    for source, note_links in links.items():
        for link in note_links:
            if link.target and link.target != source and link.status in (
                LinkStatus.RESOLVED, LinkStatus.AMBIGUOUS
            ):
                sources[link.target].add(source)
    return {target: tuple(sorted(ids)) for target, ids in sources.items()}
