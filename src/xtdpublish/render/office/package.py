"""pandoc's .docx or .odt finished: the build's dates, the contents written out, alt text, a reproducible zip.

pandoc under ``--sandbox`` knows no clock: it dates every document 1970-01-01, and every
zip entry 1980-01-01. The document's own dates (``docProps/core.xml``, ``meta.xml``) and
the entries' become the build's (``SOURCE_DATE_EPOCH``, else the newest note's), so the
same inputs give the same bytes. Its table of contents is an empty field (Word fills it
when the reader updates it; LibreOffice shows it empty): the entries are written in, as
links to their headings. DOCX carries each image's ``data:`` URI a second time as its
description; ODT carries no alt text at all: both get the image's alt text. An ODT's
formulas get their bar fences in the MathML 2 form LibreOffice reads (odf_math.py).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .odf_math import for_libreoffice


@dataclass(frozen=True)
class Entry:
    level: int
    title: str
    bookmark: str


@dataclass(frozen=True)
class Finishing:
    moment: datetime  # the document's date
    contents_title: str
    contents: tuple[Entry, ...]
    alts: tuple[str, ...]  # every image's alt text, in document order


DOCX_TOC = re.compile(
    r'<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true" />'
    r'(<w:instrText xml:space="preserve">TOC[^<]*</w:instrText>)'
    r'<w:fldChar w:fldCharType="separate" /><w:fldChar w:fldCharType="end" /></w:r></w:p>')
DOCX_DATES = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
DOCX_IMAGE_DESCR = re.compile(r'(<pic:cNvPr descr=")data:[^"]*(")')
ODT_TOC_END = "</text:table-of-content>"
ODT_DATES = re.compile(r"(<(meta:creation-date|dc:date)>)[^<]*(</\2>)")
ODT_FORMULA = re.compile(r"Formula-\d+/content\.xml")
ODT_FRAME = re.compile(r'(<draw:frame draw:name="img(\d+)"[^>]*>\s*<draw:image [^>]*/>)')


def finish(source: Path, target: Path, kind: str, finishing: Finishing) -> None:
    """Copy pandoc's ``source`` to ``target``, entry by entry, finished."""
    stamp = finishing.moment.astimezone(timezone.utc)
    date_time = max((stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second),
                    (1980, 1, 1, 0, 0, 0))
    edits = {"docx": {"docProps/core.xml": _docx_core, "word/document.xml": _docx_document},
             "odt": {"meta.xml": _odt_meta, "content.xml": _odt_content}}[kind]
    with zipfile.ZipFile(source) as pandoc, zipfile.ZipFile(target, "w") as out:
        for item in pandoc.infolist():
            data = pandoc.read(item)
            if item.filename in edits:
                data = edits[item.filename](data.decode("utf-8"), finishing).encode("utf-8")
            elif kind == "odt" and ODT_FORMULA.fullmatch(item.filename):
                data = for_libreoffice(data.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(item.filename, date_time=date_time)
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            stored = item.filename == "mimetype"  # ODF: first, and not compressed
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            out.writestr(entry, data, compresslevel=None if stored else 6)


def _w3c(finishing: Finishing) -> str:
    return finishing.moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _docx_core(xml: str, finishing: Finishing) -> str:
    return DOCX_DATES.sub(lambda m: m.group(1) + _w3c(finishing) + m.group(3), xml)


def _odt_meta(xml: str, finishing: Finishing) -> str:
    return ODT_DATES.sub(lambda m: m.group(1) + _w3c(finishing) + m.group(3), xml)


def _docx_document(xml: str, finishing: Finishing) -> str:
    xml = DOCX_IMAGE_DESCR.sub(r"\1\2", xml)  # the alt text is docPr's, next to it
    match = DOCX_TOC.search(xml)
    if match is None or not finishing.contents:
        return xml
    paragraphs = []
    for number, entry in enumerate(finishing.contents):
        opening = ""
        if number == 0:  # the field starts in the first entry, as Word writes it
            opening = (f'<w:r><w:fldChar w:fldCharType="begin" w:dirty="true" />{match.group(1)}'
                       f'<w:fldChar w:fldCharType="separate" /></w:r>')
        paragraphs.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{entry.level}" /></w:pPr>{opening}'
            f'<w:hyperlink w:anchor={quoteattr(entry.bookmark)} w:history="1"><w:r>'
            f'<w:t xml:space="preserve">{escape(entry.title)}</w:t></w:r></w:hyperlink></w:p>')
    paragraphs.append('<w:p><w:r><w:fldChar w:fldCharType="end" /></w:r></w:p>')
    return xml[: match.start()] + "".join(paragraphs) + xml[match.end():]


def _odt_content(xml: str, finishing: Finishing) -> str:
    frames = ODT_FRAME.findall(xml)
    if frames and len(frames) == len(finishing.alts):
        def titled(match: re.Match) -> str:
            alt = finishing.alts[int(match.group(2)) - 1]
            return match.group(1) + (f"<svg:title>{escape(alt)}</svg:title>" if alt else "")

        xml = ODT_FRAME.sub(titled, xml)
    end = xml.find(ODT_TOC_END)
    if end < 0 or not finishing.contents:
        return xml
    body = [f'<text:index-body><text:index-title text:name="contents-title">'
            f'<text:p text:style-name="Contents_20_Heading">{escape(finishing.contents_title)}'
            f"</text:p></text:index-title>"]
    for entry in finishing.contents:
        body.append(f'<text:p text:style-name="Contents_20_{entry.level}"><text:a xlink:type="simple" '
                    f'xlink:href={quoteattr("#" + entry.bookmark)}>{escape(entry.title)}</text:a></text:p>')
    body.append("</text:index-body>")
    return xml[:end] + "".join(body) + xml[end:]
