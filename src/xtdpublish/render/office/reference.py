"""The default theme's reference documents, made from pandoc's own with the guide's fonts and colours.

``python -m xtdpublish.render.office.reference themes/default`` writes ``reference.docx``
and ``reference.odt``: pandoc's default reference documents (``--print-default-data-file``)
with the PDF's type (Charis SIL for text, Lato for headings; a reader without them gets
the nearest serif and sans-serif) and colours (ink #1d1d1b, accent #8a1c2b, muted
#6b6b66), and the paragraph styles the office renderer names (callouts, note dates, « Apparaît
dans », part numbers, the contents). The files are committed (about 10 and 15 kB) so that
a theme's author can open them in Word or LibreOffice, change a style and save;
``tests/office/test_reference.py`` checks that they are what this script makes.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree

from .pandoc_run import pandoc_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
SERIF, SANS = "Charis SIL", "Lato"
INK, ACCENT, MUTED, RULE, PAPER = "1D1D1B", "8A1C2B", "6B6B66", "C9C4B8", "F7F4EE"
# The order Word's schema wants for the children of pPr and rPr (it refuses others).
P_ORDER = ("pStyle keepNext keepLines pageBreakBefore widowControl numPr pBdr shd tabs spacing ind "
           "contextualSpacing jc outlineLvl rPr").split()
R_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike color spacing kern sz szCs highlight u "
           "shd vertAlign lang").split()

# id: (name, based on, paragraph properties, run properties), as WordprocessingML.
DOCX_STYLES = {
    "Callout": ("Callout", "BodyText",
                f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{ACCENT}"/></w:pBdr>'
                f'<w:shd w:val="clear" w:color="auto" w:fill="{PAPER}"/><w:spacing w:before="60" w:after="60"/>'
                '<w:ind w:left="227" w:right="113"/>', ""),
    "CalloutTitle": ("CalloutTitle", "Callout", '<w:keepNext/>',
                     f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:b/><w:color w:val="{ACCENT}"/>'),
    "CalloutNested": ("CalloutNested", "Callout", '<w:ind w:left="567" w:right="227"/>', ""),
    "CalloutNestedTitle": ("CalloutNestedTitle", "CalloutTitle", '<w:ind w:left="567" w:right="227"/>', ""),
    "CalloutGap": ("CalloutGap", "Normal", '<w:spacing w:before="0" w:after="0" w:line="80" w:lineRule="exact"/>',
                   '<w:sz w:val="4"/><w:szCs w:val="4"/>'),
    "Embed": ("Embed", "BodyText",
              f'<w:pBdr><w:left w:val="single" w:sz="6" w:space="8" w:color="{RULE}"/></w:pBdr><w:ind w:left="227"/>', ""),
    "Video": ("Video", "BodyText",
              f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/>'
              f'<w:left w:val="single" w:sz="18" w:space="8" w:color="{ACCENT}"/>'
              f'<w:bottom w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/>'
              f'<w:right w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
              '<w:shd w:val="clear" w:color="auto" w:fill="FAF8F3"/><w:ind w:left="227" w:right="113"/>',
              f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
    "NoteMeta": ("NoteMeta", "Normal", '<w:keepNext/><w:spacing w:before="0" w:after="120"/>',
                 f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:color w:val="{MUTED}"/>'
                 '<w:sz w:val="16"/><w:szCs w:val="16"/>'),
    "Backlinks": ("Backlinks", "Normal",
                  f'<w:keepLines/><w:pBdr><w:top w:val="single" w:sz="4" w:space="3" w:color="{RULE}"/></w:pBdr>'
                  '<w:spacing w:before="200" w:after="200"/>',
                  f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:color w:val="{MUTED}"/>'
                  '<w:sz w:val="16"/><w:szCs w:val="16"/>'),
    "PartNumber": ("PartNumber", "Normal", '<w:keepNext/><w:spacing w:before="1800" w:after="60"/>',
                   f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:b/><w:caps/>'
                   f'<w:color w:val="{ACCENT}"/><w:spacing w:val="30"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
    "RenderFailed": ("RenderFailed", "BodyText",
                     f'<w:pBdr><w:top w:val="dashed" w:sz="4" w:space="4" w:color="{ACCENT}"/>'
                     f'<w:left w:val="dashed" w:sz="4" w:space="4" w:color="{ACCENT}"/>'
                     f'<w:bottom w:val="dashed" w:sz="4" w:space="4" w:color="{ACCENT}"/>'
                     f'<w:right w:val="dashed" w:sz="4" w:space="4" w:color="{ACCENT}"/></w:pBdr>', "<w:i/>"),
    "AppendixIntro": ("AppendixIntro", "BodyText", "", f'<w:i/><w:color w:val="{MUTED}"/>'),
    "IndexTag": ("IndexTag", "Normal", '<w:keepNext/><w:spacing w:before="160" w:after="20"/>',
                 f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:b/><w:color w:val="{ACCENT}"/>'),
    "IndexEntries": ("IndexEntries", "Normal", '<w:spacing w:before="0" w:after="60"/>',
                     '<w:sz w:val="18"/><w:szCs w:val="18"/>'),
    "TOC1": ("toc 1", "Normal", '<w:keepNext/><w:spacing w:before="120" w:after="20"/>',
             f'<w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:b/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
    "TOC2": ("toc 2", "Normal", '<w:spacing w:before="0" w:after="20"/><w:ind w:left="284"/>',
             '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
}
# Existing styles of pandoc's reference.docx: font, colour, size (half-points), page break before.
DOCX_CHANGES = {
    "Title": (SANS, ACCENT, 60, False), "Subtitle": (SANS, MUTED, 28, False),
    "Author": (SANS, INK, 22, False), "Date": (SANS, MUTED, 20, False),
    "TOCHeading": (SANS, ACCENT, 36, True),
    "Heading1": (SANS, INK, 40, False), "Heading2": (SANS, ACCENT, 30, False),
    "Heading3": (SANS, INK, 24, False), "Heading4": (SANS, INK, 22, False),
    "Heading5": (SANS, MUTED, 22, False), "Heading6": (SANS, MUTED, 20, False),
    "Hyperlink": (None, ACCENT, None, False),
}

# name: (parent, paragraph properties, text properties), as ODF fo:/style: attributes.
ODT_STYLES = {
    "Callout": ("Text_20_body", {"fo:background-color": f"#{PAPER.lower()}", "fo:border-left": f"1.5pt solid #{ACCENT.lower()}",
                                 "fo:padding-left": "0.25cm", "fo:margin-left": "0.3cm", "fo:margin-right": "0.2cm"}, {}),
    "CalloutTitle": ("Callout", {"fo:keep-with-next": "always"},
                     {"style:font-name": SANS, "fo:font-weight": "bold", "fo:color": f"#{ACCENT.lower()}"}),
    "CalloutNested": ("Callout", {"fo:margin-left": "0.9cm", "fo:margin-right": "0.4cm"}, {}),
    "CalloutNestedTitle": ("CalloutTitle", {"fo:margin-left": "0.9cm", "fo:margin-right": "0.4cm"}, {}),
    "CalloutGap": ("Standard", {"fo:margin-top": "0cm", "fo:margin-bottom": "0cm", "fo:line-height": "4pt"},
                   {"fo:font-size": "2pt"}),
    "Embed": ("Text_20_body", {"fo:border-left": f"0.5pt solid #{RULE.lower()}", "fo:padding-left": "0.25cm",
                               "fo:margin-left": "0.3cm"}, {}),
    "Video": ("Text_20_body", {"fo:background-color": "#faf8f3", "fo:border": f"0.5pt solid #{RULE.lower()}",
                               "fo:border-left": f"2pt solid #{ACCENT.lower()}", "fo:padding": "0.2cm"},
              {"style:font-name": SANS, "fo:font-size": "9pt"}),
    "NoteMeta": ("Standard", {"fo:keep-with-next": "always", "fo:margin-top": "0cm", "fo:margin-bottom": "0.2cm"},
                 {"style:font-name": SANS, "fo:font-size": "8pt", "fo:color": f"#{MUTED.lower()}"}),
    "Backlinks": ("Standard", {"fo:border-top": f"0.5pt solid #{RULE.lower()}", "fo:padding-top": "0.1cm",
                               "fo:margin-top": "0.35cm", "fo:margin-bottom": "0.35cm"},
                  {"style:font-name": SANS, "fo:font-size": "8pt", "fo:color": f"#{MUTED.lower()}"}),
    "PartNumber": ("Standard", {"fo:keep-with-next": "always", "fo:margin-top": "3cm", "fo:margin-bottom": "0.1cm"},
                   {"style:font-name": SANS, "fo:font-size": "9pt", "fo:font-weight": "bold",
                    "fo:text-transform": "uppercase", "fo:letter-spacing": "0.05cm", "fo:color": f"#{ACCENT.lower()}"}),
    "RenderFailed": ("Text_20_body", {"fo:border": f"0.5pt dashed #{ACCENT.lower()}", "fo:padding": "0.15cm"},
                     {"fo:font-style": "italic"}),
    "AppendixIntro": ("Text_20_body", {}, {"fo:font-style": "italic", "fo:color": f"#{MUTED.lower()}"}),
    "IndexTag": ("Standard", {"fo:keep-with-next": "always", "fo:margin-top": "0.3cm", "fo:margin-bottom": "0.03cm"},
                 {"style:font-name": SANS, "fo:font-weight": "bold", "fo:color": f"#{ACCENT.lower()}"}),
    "IndexEntries": ("Standard", {"fo:margin-bottom": "0.1cm"}, {"fo:font-size": "9pt"}),
    "PageBreak": ("Standard", {"fo:break-after": "page", "fo:margin-top": "0cm", "fo:margin-bottom": "0cm",
                               "fo:line-height": "1pt"}, {"fo:font-size": "1pt"}),
    "Title": ("Heading", {"fo:text-align": "center", "fo:margin-top": "4cm"},
              {"style:font-name": SANS, "fo:font-size": "30pt", "fo:color": f"#{ACCENT.lower()}"}),
    "Subtitle": ("Heading", {"fo:text-align": "center"},
                 {"style:font-name": SANS, "fo:font-size": "15pt", "fo:font-weight": "normal",
                  "fo:color": f"#{MUTED.lower()}"}),
    "Contents_20_Heading": ("Heading", {"fo:break-before": "page"},
                            {"style:font-name": SANS, "fo:font-size": "18pt", "fo:color": f"#{ACCENT.lower()}"}),
    "Contents_20_1": ("Standard", {"fo:margin-top": "0.2cm", "fo:margin-bottom": "0.03cm", "fo:keep-with-next": "always"},
                      {"style:font-name": SANS, "fo:font-weight": "bold", "fo:font-size": "10pt"}),
    "Contents_20_2": ("Standard", {"fo:margin-left": "0.5cm", "fo:margin-bottom": "0.03cm"}, {"fo:font-size": "10pt"}),
}
ODT_CHANGES = {  # existing styles: text properties
    "Standard": {"style:font-name": SERIF, "fo:font-size": "11pt", "fo:color": f"#{INK.lower()}"},
    "Heading": {"style:font-name": SANS, "fo:font-weight": "bold"},
    "Heading_20_1": {"fo:font-size": "20pt", "fo:color": f"#{INK.lower()}", "fo:font-style": "normal"},
    "Heading_20_2": {"fo:font-size": "15pt", "fo:color": f"#{ACCENT.lower()}", "fo:font-style": "normal"},
    "Heading_20_3": {"fo:font-size": "12pt", "fo:color": f"#{INK.lower()}"},
    "Internet_20_link": {"fo:color": f"#{ACCENT.lower()}"},
}


def write_references(folder: Path) -> list[Path]:
    written = []
    for kind, restyle in (("docx", _restyle_docx), ("odt", _restyle_odt)):
        default = subprocess.run([pandoc_path(), "--print-default-data-file", f"reference.{kind}"],
                                 capture_output=True, check=True).stdout
        target = folder / f"reference.{kind}"
        _rezip(default, target, restyle)
        written.append(target)
    return written


def _rezip(data: bytes, target: Path, restyle) -> None:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as out:
        names = sorted(source.namelist(), key=lambda name: (name != "mimetype", name))
        for name in names:
            content = restyle(name, source.read(name))
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.create_system, entry.external_attr = 3, 0o644 << 16
            entry.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            out.writestr(entry, content)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _restyle_docx(name: str, data: bytes) -> bytes:
    if name != "word/styles.xml":
        return data
    root = etree.fromstring(data)
    defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    _set_run(defaults, SERIF, None, 22)
    for style_id, (font, color, size, page_break) in DOCX_CHANGES.items():
        style = root.find(f"{_w('style')}[@{_w('styleId')}='{style_id}']")
        _set_run(_child(style, "rPr"), font, color, size)
        if page_break:
            _child(style, "pPr").append(etree.Element(_w("pageBreakBefore")))
            _order(_child(style, "pPr"), P_ORDER)
    for style_id, (shown, based_on, paragraph, run) in DOCX_STYLES.items():
        old = root.find(f"{_w('style')}[@{_w('styleId')}='{style_id}']")
        if old is not None:
            root.remove(old)
        root.append(etree.fromstring(
            f'<w:style xmlns:w="{W}" w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{shown}"/><w:basedOn w:val="{based_on}"/><w:qFormat/>'
            f"<w:pPr>{paragraph}</w:pPr><w:rPr>{run}</w:rPr></w:style>"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(parent, name: str):
    found = parent.find(_w(name))
    if found is None:
        found = etree.SubElement(parent, _w(name))
        _order(parent, ["name", "basedOn", "next", "link", "uiPriority", "semiHidden", "unhideWhenUsed",
                        "qFormat", "rsid", "pPr", "rPr"])
    return found


def _set_run(rpr, font: str | None, color: str | None, size: int | None) -> None:
    for tag, value in (("rFonts", font), ("color", color), ("sz", size), ("szCs", size)):
        if value is None:
            continue
        for old in rpr.findall(_w(tag)):
            rpr.remove(old)
        element = etree.SubElement(rpr, _w(tag))
        if tag == "rFonts":
            for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
                element.set(_w(attribute), value)
        else:
            element.set(_w("val"), str(value))
    _order(rpr, R_ORDER)


def _order(parent, order: list[str]) -> None:
    rank = {name: n for n, name in enumerate(order)}
    children = sorted(parent, key=lambda c: rank.get(etree.QName(c).localname, len(rank)))
    parent[:] = children


def _restyle_odt(name: str, data: bytes) -> bytes:
    if name != "styles.xml":
        return data
    root = etree.fromstring(data)
    ns = {"style": STYLE, "office": OFFICE}
    faces = root.find("office:font-face-decls", ns)
    for font, generic in ((SERIF, "roman"), (SANS, "swiss")):
        face = etree.SubElement(faces, f"{{{STYLE}}}font-face")
        face.set(f"{{{STYLE}}}name", font)
        face.set(f"{{{SVG}}}font-family", f"'{font}'")
        face.set(f"{{{STYLE}}}font-family-generic", generic)
        face.set(f"{{{STYLE}}}font-pitch", "variable")
    styles = root.find("office:styles", ns)
    for style_name, text in ODT_CHANGES.items():
        style = styles.find(f"style:style[@style:name='{style_name}']", ns)
        _odt_properties(style, "text-properties", text)
    for style_name, (parent, paragraph, text) in ODT_STYLES.items():
        old = styles.find(f"style:style[@style:name='{style_name}']", ns)
        if old is not None:
            styles.remove(old)
        style = etree.SubElement(styles, f"{{{STYLE}}}style")
        style.set(f"{{{STYLE}}}name", style_name)
        style.set(f"{{{STYLE}}}display-name", style_name.replace("_20_", " "))
        style.set(f"{{{STYLE}}}family", "paragraph")
        style.set(f"{{{STYLE}}}parent-style-name", parent)
        _odt_properties(style, "paragraph-properties", paragraph)
        _odt_properties(style, "text-properties", text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _odt_properties(style, kind: str, values: dict[str, str]) -> None:
    if not values:
        return
    properties = style.find(f"{{{STYLE}}}{kind}")
    if properties is None:
        properties = etree.SubElement(style, f"{{{STYLE}}}{kind}")
        if kind == "paragraph-properties" and len(style) > 1:  # paragraph before text properties
            style.remove(properties)
            style.insert(0, properties)
    spaces = {"fo": FO, "style": STYLE}
    for key, value in values.items():
        prefix, local = key.split(":")
        properties.set(f"{{{spaces[prefix]}}}{local}", value)


if __name__ == "__main__":
    for path in write_references(Path(sys.argv[1] if len(sys.argv) > 1 else "themes/default")):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
