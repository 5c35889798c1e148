"""The model's math for the renderers: each formula found, typeset as MathML, or shown as its source.

A body holds math as ``<span class="xtd-math" data-display="inline">TEX</span>`` (``div`` on
lines of its own, ``data-display="block"`` for display math; ``data-line`` its line in the
note). latex2mathml turns the TeX into MathML once per distinct formula (``mathml``); the
MathML is checked (braces that close, no command latex2mathml did not know, well-formed) and
kept to the elements and attributes of ``MATHML_ATTRIBUTES``, so no ``\\href`` or ``\\style``
reaches a reader. Each renderer replaces the elements with ``replace_formulas``: what it makes
of a formula (MathML for the EPUB and the feeds, a drawing for the PDF), or, when a formula
cannot be typeset, its source in code style and a warning naming the note and line.
Titles are plain text: ``math_as_text`` writes their formulas as Unicode text (``α``, ``x²``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree

from latex2mathml.converter import convert
from lxml import etree, html

from ..mathsyntax import split_math
from ..model import Note
from ..report import Report

MATH_CLASS = "xtd-math"
MATHML = "http://www.w3.org/1998/Math/MathML"
_COMMON = {"mathvariant", "mathcolor", "mathbackground", "mathsize", "displaystyle", "scriptlevel", "dir"}
# Every element latex2mathml writes, with the attributes a reader may get (nothing with a URL,
# no style, no handler). A formula whose MathML holds another element is refused.
MATHML_ATTRIBUTES: dict[str, set[str]] = {
    "math": {"display", "alttext"},
    "mrow": set(), "mi": set(), "mn": set(), "mtext": set(), "ms": set(),
    "mo": {"stretchy", "fence", "form", "separator", "lspace", "rspace", "largeop", "movablelimits",
           "accent", "symmetric", "minsize", "maxsize"},
    "mspace": {"width", "height", "depth", "linebreak"},
    "msub": set(), "msup": set(), "msubsup": set(), "mfrac": {"linethickness", "bevelled"},
    "msqrt": set(), "mroot": set(), "mstyle": set(), "merror": set(), "mphantom": set(),
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "munder": {"accentunder"}, "mover": {"accent"}, "munderover": {"accent", "accentunder"},
    "mmultiscripts": set(), "mprescripts": set(), "none": set(),
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
               "frame", "framespacing", "equalrows", "equalcolumns", "width"},
    "mtr": {"columnalign", "rowalign"}, "mtd": {"columnalign", "rowalign", "columnspan", "rowspan"},
    "mlabeledtr": set(), "menclose": {"notation"},
    "semantics": set(), "annotation": {"encoding"},
}
for _attributes in MATHML_ATTRIBUTES.values():
    _attributes |= _COMMON
COMMAND = re.compile(r"\\[A-Za-z]+")
FENCES = {"p": "()", "b": "[]", "B": ("\\{", "\\}"), "v": "||", "V": ("\\|", "\\|")}
# What MathJax (Obsidian's typesetter) reads and latex2mathml 3.8 does not, said its way.
REWRITES = [
    (re.compile(r"\\(begin|end)\{aligned(?:at)?\}(?:\{\d+\})?"), r"\\\1{split}"),
    (re.compile(r"\\(begin|end)\{(?:alignat\*?|eqnarray\*?)\}(?:\{\d+\})?"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{[dr]cases\}"), r"\\\1{cases}"),
    (re.compile(r"\\mathrm\{"), r"\\mathrm {"),  # else \mathrm{d} is an italic d
    # A matrix's delimiters as \left…\right, so that readers stretch both to its height.
    (re.compile(r"\\begin\{([pbBvV])matrix\}"), lambda m: rf"\left{FENCES[m.group(1)][0]}\begin{{matrix}}"),
    (re.compile(r"\\end\{([pbBvV])matrix\}"), lambda m: rf"\end{{matrix}}\right{FENCES[m.group(1)][1]}"),
    (re.compile(r"\\label\{[^{}]*\}|\\nonumber\b|\\notag\b|\\nolimits\b"), ""),
]


class MathError(ValueError):
    """A formula that cannot be typeset; the message says why, in the editor's terms."""


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool
    path: str  # the note that holds it (an embed's copy names the embedded note)
    line: int | None


def formulas(root, note: Note | None) -> list[tuple[etree._Element, Formula]]:
    """The model's math elements under ``root`` (an HTML or XHTML tree), with what they hold."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str) or MATH_CLASS not in (element.get("class") or "").split():
            continue
        line = element.get("data-line")
        path = element.get("data-path") or (note.path if note is not None else "guide")
        found.append((element, Formula(
            tex=element.text or "", display=element.get("data-display") == "block",
            path=path, line=int(line) if line and line.isdigit() else None,
        )))
    return found


def replace_formulas(root, note: Note | None, typeset: Callable[[Formula], etree._Element],
                     report: Report) -> int:
    """Each formula under ``root`` replaced by what ``typeset`` makes of it, or by its source
    with a warning when it raises MathError. Returns how many were typeset."""
    typeset_count = 0
    for element, formula in formulas(root, note):
        try:
            replacement = typeset(formula)
            typeset_count += 1
        except MathError as error:
            # Worded alike by every output, so the build's report says it once.
            report.warning(formula.path, formula.line, "math.failed",
                           f"the formula {_quoted(formula)} cannot be typeset ({error}): "
                           "its source is printed instead")
            replacement = source_element(formula, element.tag)
        replacement.tail = element.tail
        element.getparent().replace(element, replacement)
    return typeset_count


def source_element(formula: Formula, tag: str = "span") -> html.HtmlElement:
    """The formula as the note wrote it, in code style: ``$…$``, or ``$$…$$`` as a block."""
    dollars = "$$" if formula.display else "$"
    code = html.Element("code", {"class": "math-source"})
    code.text = f"{dollars}{formula.tex}{dollars}"
    if tag.rsplit("}", 1)[-1] != "div":
        return code
    block = html.Element("div", {"class": "math-source-block"})
    block.append(code)
    return block


_cache: dict[tuple[str, bool], str | MathError] = {}


def mathml(tex: str, display: bool) -> str:
    """The formula as a checked MathML ``<math>`` element (XML, with ``alttext``); once per
    distinct formula. Raises MathError."""
    key = (tex, display)
    if key not in _cache:
        try:
            _cache[key] = _checked_mathml(tex, display)
        except MathError as error:
            _cache[key] = error
    found = _cache[key]
    if isinstance(found, MathError):
        raise found
    return found


def mathml_element(tex: str, display: bool) -> etree._Element:
    """``mathml`` as an lxml element in the MathML namespace (for XHTML)."""
    return etree.fromstring(mathml(tex, display))


def mathml_html(tex: str, display: bool) -> html.HtmlElement:
    """``mathml`` as HTML elements (``<math>`` with no namespace, as HTML writes it)."""
    return _as_html(mathml_element(tex, display))


def _as_html(element) -> html.HtmlElement:
    copy = html.Element(etree.QName(element).localname, dict(element.attrib))
    copy.text = element.text
    for child in element:
        child_copy = _as_html(child)
        child_copy.tail = child.tail
        copy.append(child_copy)
    return copy


def _checked_mathml(tex: str, display: bool) -> str:
    if not tex.strip():
        raise MathError("it is empty")
    _check_braces(tex)
    said = tex
    for pattern, replacement in REWRITES:
        said = pattern.sub(replacement, said)
    try:
        written = convert(said, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own errors, and sometimes others
        raise MathError(_reason(error)) from None
    try:
        root = ElementTree.fromstring(written)
    except ElementTree.ParseError:
        raise MathError("it is not TeX that can be read (a stray & or <?)") from None
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name not in MATHML_ATTRIBUTES:
            raise MathError(f"it makes <{name}>, which is not kept")
        text = (element.text or "").strip()
        if COMMAND.fullmatch(text) and name != "mtext":
            raise MathError(f"{text} is not a command this tool knows")
        for attribute in list(element.attrib):
            if attribute not in MATHML_ATTRIBUTES[name]:
                del element.attrib[attribute]  # \href's link, \style's CSS, \class
    root.set("alttext", tex)
    ElementTree.register_namespace("", MATHML)
    return ElementTree.tostring(root, encoding="unicode")


def _check_braces(tex: str) -> None:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", tex, re.S):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                raise MathError("a } closes no {")
    if depth:
        raise MathError("a { is never closed")


def _reason(error: Exception) -> str:
    name = type(error).__name__
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error")).lower()
    detail = str(error).strip()
    return f"{words}: {detail}" if detail else words


def _quoted(formula: Formula) -> str:
    text = " ".join(formula.tex.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


# Titles: formulas as plain Unicode text.
SUPERSCRIPTS = dict(zip("0123456789+-=()nioTtx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵒᵀᵗˣ"))
SUBSCRIPTS = dict(zip("0123456789+-=()aeoxijnkmt", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₙₖₘₜ"))


def math_as_text(text: str) -> str:
    """``text`` with each formula written as Unicode text: ``The $\\alpha$ rule`` → ``The α rule``.

    A formula that cannot be typeset stays as written, dollars included."""
    if "$" not in text:
        return text
    parts = []
    for piece, display in split_math(text):
        if display is None:
            parts.append(piece)
            continue
        try:
            parts.append(_linear(ElementTree.fromstring(mathml(piece, False))).strip())
        except MathError:
            dollars = "$$" if display else "$"
            parts.append(f"{dollars}{piece}{dollars}")
    return "".join(parts)


def _linear(element) -> str:
    name = element.tag.rsplit("}", 1)[-1]
    kids = [_linear(child) for child in element]
    if name in {"mi", "mn", "mo", "mtext", "ms"}:
        return (element.text or "").replace("\u00a0", " ")
    if name == "mspace":
        return " "
    if name in {"msup", "mover"} and len(kids) == 2:
        return kids[0] + _script(kids[1], SUPERSCRIPTS, "^")
    if name in {"msub", "munder"} and len(kids) == 2:
        return kids[0] + _script(kids[1], SUBSCRIPTS, "_")
    if name in {"msubsup", "munderover"} and len(kids) == 3:
        return kids[0] + _script(kids[1], SUBSCRIPTS, "_") + _script(kids[2], SUPERSCRIPTS, "^")
    if name == "mfrac" and len(kids) == 2:
        return f"{_grouped(kids[0])}/{_grouped(kids[1])}"
    if name == "msqrt":
        return "√" + _grouped("".join(kids))
    if name == "mroot" and len(kids) == 2:
        return _script(kids[1], SUPERSCRIPTS, "^") + "√" + _grouped(kids[0])
    if name == "mtr":
        return " ".join(kids)
    if name == "mtable":
        return "; ".join(kids)
    return "".join(kids)


def _script(text: str, table: dict[str, str], mark: str) -> str:
    text = text.strip()
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    return mark + _grouped(text)


def _grouped(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 1 or text.isalnum() else f"({text})"
