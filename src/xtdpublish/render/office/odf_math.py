"""An ODT formula's MathML as LibreOffice reads it: bars as fences, a fence with one side.

pandoc writes ``\\left| … \\right|`` (and ``vmatrix``, ``cases``, ``\\left. … \\right|``,
``\\middle|``) as MathML 3: stretchy ``<mo>`` at both ends of an ``<mrow>``. LibreOffice
(7.4, the one checked) turns such a pair into its own ``left … right`` and knows no bar
there: each bar prints as « ¿ », and a fence with one side (``cases``' brace) gets a stray
brace at the end. ODF's formulas are MathML 2, whose fences are ``<mfenced>``, and
LibreOffice reads those right, one side empty included. So, in each formula of an .odt:

- an ``<mrow>`` opened and closed by stretchy fences of which one is a bar (``|``, ``‖``)
  or missing becomes ``<mfenced open close separators="">`` round the same content;
- a stretchy bar between them (``\\middle|``) becomes U+2223 DIVIDES, which it reads;
- a bar of its own size (``|x|``, ``\\|v\\|``), which pandoc marks as a fence too, is
  written as text (``<mtext>``): as an operator or an identifier it is « ¿ » again.

Other fences (parentheses, brackets, braces, angles, floors) already print right: they are
left as pandoc wrote them. The Word document is not touched: Word's equations are OMML.
"""

from __future__ import annotations

from lxml import etree

MATHML = "http://www.w3.org/1998/Math/MathML"
MO, MROW, MFENCED, MTEXT = (f"{{{MATHML}}}{name}" for name in ("mo", "mrow", "mfenced", "mtext"))
BARS = {"|": "|", "‖": "‖", "∥": "‖", "∣": "|"}  # LibreOffice's fences know the first two
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def for_libreoffice(xml: str) -> str:
    """The formula's MathML with its bar fences as ``<mfenced>``; unchanged if nothing needs it."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), PARSER)
    except etree.XMLSyntaxError:
        return xml
    changed = False
    for row in list(root.iter(MROW)):
        changed |= _fence(row)
    for mo in list(root.iter(MO)):
        if (mo.text or "").strip() not in BARS:
            continue
        if _stretchy(mo, "infix"):
            mo.text = "∣"
            changed = True
        elif mo.get("stretchy") == "false" and mo.get("form") in ("prefix", "postfix"):
            mo.tag, mo.text = MTEXT, BARS[mo.text.strip()]  # |x|, \|v\|: the bar as text
            mo.attrib.clear()
            changed = True
    if not changed:
        return xml
    return etree.tostring(root, encoding="unicode", xml_declaration=False)


def _stretchy(element, form: str) -> bool:
    return (element.tag == MO and element.get("stretchy") == "true" and element.get("form") == form)


def _fence(row) -> bool:
    children = list(row)
    if not children:
        return False
    opening = children[0] if _stretchy(children[0], "prefix") else None
    closing = children[-1] if len(children) > 1 and _stretchy(children[-1], "postfix") else None
    if opening is None and closing is None:
        return False
    left = (opening.text or "").strip() if opening is not None else ""
    right = (closing.text or "").strip() if closing is not None else ""
    if not (left in BARS or right in BARS or not left or not right):
        return False  # parentheses, brackets, braces…: LibreOffice prints those as they are
    inner = [c for c in children if c is not opening and c is not closing]
    fenced = etree.Element(MFENCED, {"open": BARS.get(left, left), "close": BARS.get(right, right),
                                     "separators": ""})
    content = etree.SubElement(fenced, MROW)
    for child in inner:
        content.append(child)  # moves it, its tail with it
    tail = closing.tail if closing is not None else None
    for child in list(row):
        row.remove(child)
    row.append(fenced)
    fenced.tail = tail
    return True
