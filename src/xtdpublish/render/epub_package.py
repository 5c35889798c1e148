"""Finishing pandoc's EPUB: the package metadata, the cover, the theme's CSS, a reproducible zip.

pandoc under ``--sandbox`` reads no file but its input: it refuses ``--css`` and
``--epub-cover-image``, and its clock stands at 1970 (``dcterms:modified``). So the
book pandoc writes is opened here once, completed, checked for well-formedness,
and zipped again with fixed entry dates, so that the same vault gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from lxml import etree

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
XML_SUFFIXES = (".xhtml", ".opf", ".ncx", ".svg", ".xml")
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class EpubError(Exception):
    """pandoc wrote something that is not a valid book (a bug to fix, never the editor's fault)."""


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str  # image/svg+xml, image/png, image/jpeg...
    alt: str  # what the cover shows, for readers who cannot see it
    title: str  # the cover page's title ("Couverture")

    @property
    def name(self) -> str:
        extension = {"image/svg+xml": "svg", "image/jpeg": "jpg"}.get(
            self.media_type, self.media_type.split("/")[-1]
        )
        return f"cover.{extension}"


@dataclass(frozen=True)
class Package:
    """What pandoc could not be told: written into the book after it."""

    modified: datetime
    language: str
    css: bytes
    accessibility: tuple[tuple[str, str], ...]  # (schema property, value), in order
    cover: Cover | None = None
    subtitle: str = ""  # pandoc writes it as a description only


def finish(epub: bytes, package: Package) -> bytes:
    """pandoc's EPUB completed by ``package``, checked, and zipped reproducibly."""
    with zipfile.ZipFile(io.BytesIO(epub)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    opf_path = _opf_path(entries["META-INF/container.xml"])
    base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
    opf = etree.fromstring(entries[opf_path], SAFE_PARSER)
    etree.cleanup_namespaces(opf)  # drop the unused "opf:" prefix, so added metas use the default
    _set_metadata(opf, package)
    for item in opf.iterfind(f"{{{OPF}}}manifest/{{{OPF}}}item[@media-type='text/css']"):
        entries[base + item.get("href")] = package.css
    if package.cover is not None:
        _add_cover(entries, opf, base, package)
    entries[opf_path] = etree.tostring(opf, xml_declaration=True, encoding="UTF-8")
    check_well_formed(entries)
    return _zip(entries, package.modified)


def check_well_formed(entries: dict[str, bytes]) -> None:
    for name, data in entries.items():
        if name.endswith(XML_SUFFIXES):
            try:
                etree.fromstring(data, SAFE_PARSER)
            except etree.XMLSyntaxError as error:
                raise EpubError(f"{name} in the EPUB is not well-formed XML: {error}") from None


def _opf_path(container: bytes) -> str:
    root = etree.fromstring(container, SAFE_PARSER)
    rootfile = root.find(f".//{{{CONTAINER}}}rootfile")
    return rootfile.get("full-path")


def _set_metadata(opf, package: Package) -> None:
    metadata = opf.find(f"{{{OPF}}}metadata")
    for meta in list(metadata.iterfind(f"{{{OPF}}}meta")):
        prop = meta.get("property") or ""
        if prop == "dcterms:modified" or prop.startswith("schema:"):
            metadata.remove(meta)
    modified = etree.SubElement(metadata, f"{{{OPF}}}meta", property="dcterms:modified")
    modified.text = package.modified.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if package.subtitle:
        _add_subtitle(metadata, package.subtitle)
    for prop, value in package.accessibility:
        meta = etree.SubElement(metadata, f"{{{OPF}}}meta", property=prop)
        meta.text = value
    _indent(metadata)


def _add_subtitle(metadata, subtitle: str) -> None:
    main = metadata.find(f"{{{DC}}}title")
    if main is None:
        return
    if not main.get("id"):
        main.set("id", "epub-title-1")
    title_type = etree.SubElement(metadata, f"{{{OPF}}}meta", refines="#" + main.get("id"), property="title-type")
    title_type.text = "main"
    element = etree.Element(f"{{{DC}}}title", id="epub-subtitle")
    element.text = subtitle
    main.addnext(element)
    sub_type = etree.SubElement(metadata, f"{{{OPF}}}meta", refines="#epub-subtitle", property="title-type")
    sub_type.text = "subtitle"


def _add_cover(entries: dict[str, bytes], opf, base: str, package: Package) -> None:
    cover = package.cover
    manifest = opf.find(f"{{{OPF}}}manifest")
    spine = opf.find(f"{{{OPF}}}spine")
    metadata = opf.find(f"{{{OPF}}}metadata")
    css = manifest.find(f"{{{OPF}}}item[@media-type='text/css']")
    entries[base + "media/" + cover.name] = cover.data
    entries[base + "text/cover.xhtml"] = _cover_page(cover, package.language, css is not None and css.get("href"))
    etree.SubElement(manifest, f"{{{OPF}}}item", id="cover-image", href="media/" + cover.name,
                     attrib={"media-type": cover.media_type, "properties": "cover-image"})
    # The page shows the image with <img>, so it needs no "svg" property even for an SVG cover.
    etree.SubElement(manifest, f"{{{OPF}}}item", id="cover_xhtml", href="text/cover.xhtml",
                     attrib={"media-type": "application/xhtml+xml"})
    # EPUB 2 readers still look for this one.
    etree.SubElement(metadata, f"{{{OPF}}}meta", name="cover", content="cover-image")
    itemref = etree.Element(f"{{{OPF}}}itemref", idref="cover_xhtml")
    spine.insert(0, itemref)
    _indent(manifest)
    _indent(spine)
    _indent(metadata)
    nav_item = manifest.find(f"{{{OPF}}}item[@properties='nav']")
    if nav_item is not None:
        nav_name = base + nav_item.get("href")
        entries[nav_name] = _add_landmark(entries[nav_name], "text/cover.xhtml", cover.title)


def _cover_page(cover: Cover, language: str, css_href: str | bool) -> bytes:
    stylesheet = f'<link rel="stylesheet" type="text/css" href="../{escape(css_href)}" />' if css_href else ""
    page = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{escape(language)}" xml:lang="{escape(language)}">
<head>
  <meta charset="utf-8" />
  <title>{escape(cover.title)}</title>
  {stylesheet}
</head>
<body epub:type="cover" class="cover-page">
<section epub:type="cover" class="cover">
<img src="../media/{cover.name}" role="doc-cover" alt="{escape(cover.alt)}" />
</section>
</body>
</html>
"""
    return page.encode("utf-8")


def _add_landmark(nav: bytes, href: str, title: str) -> bytes:
    root = etree.fromstring(nav, SAFE_PARSER)
    landmarks = root.find(f".//{{{XHTML}}}nav[@{{{OPS}}}type='landmarks']/{{{XHTML}}}ol")
    if landmarks is None:
        return nav
    item = etree.Element(f"{{{XHTML}}}li")
    link = etree.SubElement(item, f"{{{XHTML}}}a", href=href)
    link.set(f"{{{OPS}}}type", "cover")
    link.text = title
    item.tail = landmarks.text
    landmarks.insert(0, item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _indent(element) -> None:
    for child in element:
        child.tail = "\n    "
    if len(element):
        element[-1].tail = "\n  "
    element.text = "\n    "


def _zip(entries: dict[str, bytes], moment: datetime) -> bytes:
    utc = moment.astimezone(timezone.utc)
    date_time = max((utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second), (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    names = ["mimetype"] + [name for name in entries if name != "mimetype"]
    with zipfile.ZipFile(out, "w") as book:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 3  # the same bytes whichever system builds it
            info.external_attr = 0o644 << 16
            if name == "mimetype":  # stored, first, no extra field: the OCF rule
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            book.writestr(info, entries[name], compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()
