"""The guide as one pandoc document (JSON AST): title block, contents, parts and notes, tag index.

The same book as the PDF and the EPUB, from the same ``Guide`` (render/guide.py): each
section a heading at its level (part, chapter, sub-note) with its bookmark; under a
note's heading its date and tags, its body (blocks.py), then « Apparaît dans » and the
notes that link to it; at the end the tag index. The words around the notes are in the
vault's language. Styles named here are the reference document's (themes/default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...htmlfragment import parse_fragment
from ...report import Report
from ..guide import Guide, Section, format_date
from . import pandoc_ast as ast
from .blocks import BodyReader

MAX_LEVEL = 6
NOTE_META, BACKLINKS, PART_NUMBER, FAILED = "NoteMeta", "Backlinks", "PartNumber", "RenderFailed"
INTRO, INDEX_TAG, INDEX_ENTRIES = "AppendixIntro", "IndexTag", "IndexEntries"
# A new page before each top-level section: a page break in Word, a paragraph whose style
# (reference.odt's PageBreak) breaks after it in LibreOffice.
PAGE_BREAKS = {
    "docx": ast.node("RawBlock", ["openxml", '<w:p><w:r><w:br w:type="page" /></w:r></w:p>']),
    "odt": ast.node("RawBlock", ["opendocument", '<text:p text:style-name="PageBreak" />']),
}

WORDS = {
    "fr": {"contents": "Table des matières", "part": "Partie", "referenced_by": "Apparaît dans\u202f:",
           "tag_index": "Index des étiquettes", "video": "Vidéo", "embed": "En ligne",
           "scan": "Scannez le code pour regarder", "scan_embed": "Scannez le code pour ouvrir",
           "qr": "Code QR\u202f:", "updated": "Mis à jour le",
           "appendix_intro": "Notes que la navigation du site ne relie pas.",
           "failed": "Cette note n’a pas pu être convertie ; voir le rapport de construction."},
    "de": {"contents": "Inhaltsverzeichnis", "part": "Teil", "referenced_by": "Erwähnt in:",
           "tag_index": "Schlagwortverzeichnis", "video": "Video", "embed": "Online",
           "scan": "Code scannen zum Ansehen", "scan_embed": "Code scannen zum Öffnen",
           "qr": "QR-Code:", "updated": "Aktualisiert am",
           "appendix_intro": "Notizen, die die Navigation der Website nicht erreicht.",
           "failed": "Diese Notiz konnte nicht umgewandelt werden; siehe Build-Bericht."},
    "it": {"contents": "Indice", "part": "Parte", "referenced_by": "Citata in:",
           "tag_index": "Indice delle etichette", "video": "Video", "embed": "Online",
           "scan": "Scansiona il codice per guardare", "scan_embed": "Scansiona il codice per aprire",
           "qr": "Codice QR:", "updated": "Aggiornata il",
           "appendix_intro": "Note che la navigazione del sito non raggiunge.",
           "failed": "Questa nota non ha potuto essere convertita; vedi il rapporto."},
    "en": {"contents": "Contents", "part": "Part", "referenced_by": "Referenced in:",
           "tag_index": "Index of tags", "video": "Video", "embed": "Online",
           "scan": "Scan the code to watch", "scan_embed": "Scan the code to open",
           "qr": "QR code:", "updated": "Updated",
           "appendix_intro": "Notes the site's navigation does not reach.",
           "failed": "This note could not be converted; see the build report."},
}


def words_for(language: str) -> dict[str, str]:
    return WORDS.get(language.split("-")[0].lower(), WORDS["en"])


@dataclass
class Composer:
    """Makes the blocks of one document. ``part_number`` numbers the parts as the whole guide
    does (a split document keeps its part's number); ``pictures``: see InlineReader."""

    guide: Guide
    words: dict[str, str]
    report: Report
    part_number: Callable[[Section], int | None]
    in_document: set[str]  # the anchors of the sections this document holds
    kind: str  # "docx" or "odt"
    pictures: dict[str, tuple[str, str | None]]
    titles: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.titles = {s.anchor: s.title for s in self.guide.walk()}

    def metadata(self, subtitle: str | None = None) -> dict:
        guide = self.guide
        meta = {
            "title": ast.meta_inlines(guide.title),
            "lang": ast.node("MetaString", guide.language),
            "toc-title": ast.meta_inlines(self.words["contents"]),
            "date": ast.meta_inlines(format_date(guide.date, guide.language)),
        }
        shown = guide.subtitle if subtitle is None else subtitle
        if shown:
            meta["subtitle"] = ast.meta_inlines(shown)
            meta["description"] = ast.meta_inlines(shown)
        if guide.author:
            meta["author"] = ast.node("MetaList", [ast.meta_inlines(guide.author)])
        return meta

    def sections(self, sections: tuple[Section, ...]) -> list[dict]:
        blocks: list[dict] = []
        for section in sections:
            blocks += self.section(section)
        return blocks

    def section(self, section: Section) -> list[dict]:
        blocks: list[dict] = [PAGE_BREAKS[self.kind]] if section.level == 1 else []
        number = self.part_number(section) if section.kind == "part" else None
        if number:
            blocks.append(_styled_para(PART_NUMBER, ast.text(f"{self.words['part']} {number}")))
        level = min(section.level, MAX_LEVEL)
        blocks.append(ast.header(level, section.anchor, ast.tidy(ast.text(section.title or "…"))))
        if section.kind == "appendix":
            blocks.append(_styled_para(INTRO, ast.text(self.words["appendix_intro"])))
        if section.note is not None:
            blocks += self.note(section)
        return blocks + self.sections(section.children)

    def note(self, section: Section) -> list[dict]:
        note = section.note
        meta = ast.text(f"{self.words['updated']} {format_date(note.updated, self.guide.language)}")
        for tag in note.tags:
            meta += [ast.SPACE, ast.node("Str", "·"), ast.SPACE, ast.node("Str", f"#{tag}")]
        blocks = [_styled_para(NOTE_META, meta)]
        body = self.body(section)
        blocks += body if body is not None else [_styled_para(FAILED, ast.text(self.words["failed"]))]
        referrers = [f"n-{i}" for i in note.backlinks if i != note.id]
        if referrers:
            links: list[dict] = [ast.node("Strong", ast.text(self.words["referenced_by"])), ast.SPACE]
            for number, anchor in enumerate(referrers):
                if number:
                    links += [ast.node("Str", ","), ast.SPACE]
                links.append(ast.link(ast.text(self.titles.get(anchor, anchor)), "#" + anchor))
            blocks.append(_styled_para(BACKLINKS, links))
        return blocks

    def body(self, section: Section) -> list[dict] | None:
        note = section.note
        if section.error:
            self.report.error(note.path, note.body_line, "office.note",
                              f"this note could not be rendered and is replaced by a notice: {section.error}")
            return None
        try:
            reader = BodyReader(self.pictures)
            return reader.body(parse_fragment(section.body))
        except (Exception, RecursionError) as error:  # one bad note must not cost the document
            self.report.error(note.path, note.body_line, "office.note",
                              f"this note could not be converted for Word and LibreOffice and is "
                              f"replaced by a notice: {error!r}")
            return None

    def tag_index(self, anchor: str) -> list[dict]:
        """Each tag with links to its notes (those of this document); nothing without tags."""
        entries = []
        for tag, sections in self.guide.tags:
            here = [s for s in sections if s.anchor in self.in_document]
            if not here:
                continue
            links: list[dict] = []
            for number, section in enumerate(here):
                if number:
                    links += [ast.SPACE, ast.node("Str", "·"), ast.SPACE]
                links.append(ast.link(ast.tidy(ast.text(section.title)), "#" + section.anchor))
            entries += [_styled_para(INDEX_TAG, ast.text(tag)), _styled_para(INDEX_ENTRIES, links)]
        if not entries:
            return []
        return [PAGE_BREAKS[self.kind], ast.header(1, anchor, ast.text(self.words["tag_index"])), *entries]


def _styled_para(style: str, inlines: list[dict]) -> dict:
    return ast.div(ast.styled(style), [ast.para(ast.tidy(inlines))])
