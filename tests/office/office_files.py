"""Reading the .docx and .odt files the office renderer writes, with lxml, as the tests need them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "mml": "http://www.w3.org/1998/Math/MathML",
}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
IMAGE_MAGIC = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg"}


def xml(path: Path, member: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(member), PARSER)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def headings(path: Path) -> list[tuple[int, str]]:
    """(level, text) of every heading of the document."""
    if path.suffix == ".docx":
        found = []
        for paragraph in xml(path, "word/document.xml").iter(f"{{{W}}}p"):
            style = paragraph.find("w:pPr/w:pStyle", NS)
            name = style.get(f"{{{W}}}val") if style is not None else ""
            if name.startswith("Heading") and name[7:].isdigit():
                found.append((int(name[7:]), text_of(paragraph)))
        return found
    return [(int(h.get(f"{{{NS['text']}}}outline-level")), text_of(h))
            for h in xml(path, "content.xml").iter(f"{{{NS['text']}}}h")]


def bookmarks(path: Path) -> set[str]:
    if path.suffix == ".docx":
        return {b.get(f"{{{W}}}name") for b in xml(path, "word/document.xml").iter(f"{{{W}}}bookmarkStart")}
    root = xml(path, "content.xml")
    names = set()
    for tag in ("bookmark", "bookmark-start"):
        names |= {b.get(f"{{{NS['text']}}}name") for b in root.iter(f"{{{NS['text']}}}{tag}")}
    return names


def internal_links(path: Path) -> list[tuple[str, str]]:
    """(target bookmark, link text) of every link inside the document."""
    if path.suffix == ".docx":
        root = xml(path, "word/document.xml")
        return [(a.get(f"{{{W}}}anchor"), text_of(a)) for a in root.iter(f"{{{W}}}hyperlink")
                if a.get(f"{{{W}}}anchor")]
    root = xml(path, "content.xml")
    return [(a.get(f"{{{NS['xlink']}}}href")[1:], text_of(a)) for a in root.iter(f"{{{NS['text']}}}a")
            if (a.get(f"{{{NS['xlink']}}}href") or "").startswith("#")]


def external_links(path: Path) -> list[str]:
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"), PARSER)
        return [r.get("Target") for r in rels if r.get("TargetMode") == "External"]
    return [a.get(f"{{{NS['xlink']}}}href") for a in xml(path, "content.xml").iter(f"{{{NS['text']}}}a")
            if not (a.get(f"{{{NS['xlink']}}}href") or "#").startswith("#")]


def media(path: Path) -> dict[str, str]:
    """Every embedded picture: member name → its kind from its first bytes (png, jpeg, other)."""
    folder = "word/media/" if path.suffix == ".docx" else "Pictures/"
    found = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith(folder):
                head = archive.read(name)[:4]
                found[name] = next((k for m, k in IMAGE_MAGIC.items() if head.startswith(m)), "other")
    return found


def image_alts(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return [d.get("descr") for d in xml(path, "word/document.xml").iter(f"{{{NS['wp']}}}docPr")]
    root = xml(path, "content.xml")
    alts = []
    for frame in root.iter(f"{{{NS['draw']}}}frame"):
        if frame.find("draw:image", NS) is not None:
            title = frame.find("svg:title", NS)
            alts.append(title.text if title is not None else None)
    return alts


def paragraph_styles(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return [s.get(f"{{{W}}}val") for s in xml(path, "word/document.xml").iter(f"{{{W}}}pStyle")]
    return [p.get(f"{{{NS['text']}}}style-name") for p in xml(path, "content.xml").iter(f"{{{NS['text']}}}p")]


def defined_styles(path: Path) -> set[str]:
    if path.suffix == ".docx":
        return {s.get(f"{{{W}}}styleId") for s in xml(path, "word/styles.xml").iter(f"{{{W}}}style")}
    return {s.get(f"{{{NS['style']}}}name") for s in xml(path, "styles.xml").iter(f"{{{NS['style']}}}style")}


def equations(path: Path) -> int:
    if path.suffix == ".docx":
        return sum(1 for _ in xml(path, "word/document.xml").iter(f"{{{NS['m']}}}oMath"))
    with zipfile.ZipFile(path) as archive:
        formulas = [n for n in archive.namelist() if n.startswith("Formula-") and n.endswith("content.xml")]
        return sum(1 for n in formulas if etree.fromstring(archive.read(n), PARSER).tag == f"{{{NS['mml']}}}math")


def languages(path: Path) -> set[str]:
    """Every language the document declares (its properties and its styles)."""
    if path.suffix == ".docx":
        found = {e.text for e in xml(path, "docProps/core.xml").iter(f"{{{NS['dc']}}}language")}
        found |= {e.get(f"{{{W}}}val") for e in xml(path, "word/styles.xml").iter(f"{{{W}}}lang")}
        return found
    found = {e.text for e in xml(path, "meta.xml").iter(f"{{{NS['dc']}}}language")}
    for member in ("styles.xml", "content.xml"):
        found |= {e.get(f"{{{NS['fo']}}}language") for e in xml(path, member).iter()
                  if e.get(f"{{{NS['fo']}}}language")}
    return found
