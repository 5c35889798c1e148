"""The EPUB container: a reproducible zip written file by file, and its package document.

``BookWriter`` opens the zip with the ``mimetype`` entry first and stored (the OCF rule),
takes each file as it is made (a chapter is written and forgotten), records it in the
manifest and, for pages, in the spine, and ends with ``content.opf``. Every entry has the
same date, system and permissions, so the same inputs give the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
PACKAGE_FOLDER = "EPUB/"
PACKAGE_FILE = "content.opf"
XHTML_TYPE = "application/xhtml+xml"
CONTAINER = f"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="{CONTAINER_NS}">
  <rootfiles>
    <rootfile full-path="{PACKAGE_FOLDER}{PACKAGE_FILE}" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
""".encode()


@dataclass(frozen=True)
class Package:
    """The book's metadata, as the package document states it."""

    identifier: str  # urn:uuid:...
    title: str
    subtitle: str
    author: str
    language: str
    date: datetime  # dc:date: the newest note's date
    modified: datetime  # dcterms:modified
    accessibility: tuple[tuple[str, str], ...]  # (schema property, value), in order
    cover_id: str | None = None  # the manifest id of the cover image


@dataclass(frozen=True)
class _Item:
    id: str
    href: str
    media_type: str
    properties: str


class BookWriter:
    """An EPUB being written: ``add`` each file, then ``close`` with the package's metadata."""

    def __init__(self, path: Path, moment: datetime) -> None:
        utc = moment.astimezone(timezone.utc)
        stamp = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
        self._date_time = min(max(stamp, (1980, 1, 1, 0, 0, 0)), (2107, 12, 31, 23, 59, 58))  # zip's range
        self._zip = zipfile.ZipFile(path, "w")
        self._items: list[_Item] = []
        self._spine: list[str] = []
        self._entry("mimetype", b"application/epub+zip", stored=True)
        self._entry("META-INF/container.xml", CONTAINER)

    def add(self, href: str, data: bytes, media_type: str, *, properties: str = "",
            in_spine: bool = False, item_id: str | None = None) -> str:
        """Write ``href`` (relative to the package document); returns its manifest id."""
        identifier = item_id or _item_id(href)
        self._entry(PACKAGE_FOLDER + href, data)
        self._items.append(_Item(identifier, href, media_type, properties))
        if in_spine:
            self._spine.append(identifier)
        return identifier

    def close(self, package: Package) -> None:
        self._entry(PACKAGE_FOLDER + PACKAGE_FILE, package_document(package, self._items, self._spine))
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()

    def _entry(self, name: str, data: bytes, stored: bool = False) -> None:
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.create_system = 3  # the same bytes whichever system builds it
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data, compresslevel=None if stored else 6)


def package_document(package: Package, items: list[_Item], spine: list[str]) -> bytes:
    root = etree.Element(f"{{{OPF}}}package", nsmap={None: OPF}, version="3.0",
                         attrib={"unique-identifier": "book-id",
                                 "{http://www.w3.org/XML/1998/namespace}lang": package.language})
    metadata = etree.SubElement(root, f"{{{OPF}}}metadata", nsmap={"dc": DC})
    _dc(metadata, "identifier", package.identifier, id="book-id")
    _dc(metadata, "title", package.title, id="title")
    _meta(metadata, "title-type", "main", refines="#title")
    if package.subtitle:
        _dc(metadata, "title", package.subtitle, id="subtitle")
        _meta(metadata, "title-type", "subtitle", refines="#subtitle")
        _dc(metadata, "description", package.subtitle)
    _dc(metadata, "language", package.language)
    if package.author:
        _dc(metadata, "creator", package.author, id="creator")
        _meta(metadata, "role", "aut", refines="#creator", scheme="marc:relators")
    _dc(metadata, "date", package.date.astimezone(timezone.utc).strftime("%Y-%m-%d"))
    modified = package.modified.astimezone(timezone.utc)
    _meta(metadata, "dcterms:modified", modified.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for prop, value in package.accessibility:
        if prop == "dcterms:conformsTo":
            _meta(metadata, prop, value, id="conformance")
        elif prop == "a11y:certifiedBy":  # who says the book conforms
            _meta(metadata, prop, value, refines="#conformance")
        else:
            _meta(metadata, prop, value)
    if package.cover_id:  # EPUB 2 readers still look for this one
        etree.SubElement(metadata, f"{{{OPF}}}meta", name="cover", content=package.cover_id)
    manifest = etree.SubElement(root, f"{{{OPF}}}manifest")
    for item in items:
        attributes = {"id": item.id, "href": item.href, "media-type": item.media_type}
        if item.properties:
            attributes["properties"] = item.properties
        etree.SubElement(manifest, f"{{{OPF}}}item", attributes)
    spine_element = etree.SubElement(root, f"{{{OPF}}}spine")
    for identifier in spine:
        etree.SubElement(spine_element, f"{{{OPF}}}itemref", idref=identifier)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _dc(metadata, name: str, text: str, **attributes) -> None:
    etree.SubElement(metadata, f"{{{DC}}}{name}", attributes).text = text


def _meta(metadata, prop: str, text: str, **attributes) -> None:
    etree.SubElement(metadata, f"{{{OPF}}}meta", {"property": prop, **attributes}).text = text


def _item_id(href: str) -> str:
    """``text/ch001.xhtml`` → ``ch001_xhtml``: an XML name, unique as the file names are."""
    return "f-" + re.sub(r"[^A-Za-z0-9]", "_", href.rsplit("/", 1)[-1])
