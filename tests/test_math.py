"""Math in every output: MathML in the EPUB (EPUBCheck) and the feeds (through nh3), vector
drawings in the PDF (no TeX in its text), the source and one warning for a formula that
cannot be typeset; and Obsidian's help vault, whose note on math is the reference."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import pytest
from conftest import SHARED, write_vault
from epub.epubcheck import problems, run_epubcheck
from lxml import etree
from pypdf import PdfReader

from xtdpublish.config import load_config
from xtdpublish.render.epub import book as epub_renderer
from xtdpublish.render.feeds import jsonfeed
from xtdpublish.render.math import MathError, math_as_text, mathml
from xtdpublish.render.pdf import book as pdf_renderer
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

HELP_VAULT = SHARED / "vaults" / "obsidian-help-en"
MATHML = "http://www.w3.org/1998/Math/MathML"
NS = {"x": "http://www.w3.org/1999/xhtml", "m": MATHML, "opf": "http://www.idpf.org/2007/opf"}

# Each case of the issue in a note of its own; "Plain.md" has none.
VAULT = {
    "xtdpublish.toml": '[site]\ntitle = "Math"\nlanguage = "fr"\nbase_url = "https://example.org"\n',
    "Inline.md": "---\ndate: 2024-01-01\n---\nEuler $e^{2i\\pi} = 1$ et $M = \\,^TM$ ici ; $a : b$.\n",
    "Display.md": textwrap.dedent("""\
        ---
        date: 2024-01-02
        ---
        $$
        \\begin{vmatrix}a & b\\\\
        c & d
        \\end{vmatrix}=ad-bc
        $$
        """),
    "Money.md": "---\ndate: 2024-01-03\n---\nIl coûte $5 et $6, ou \\$7.\n",
    "Places.md": textwrap.dedent("""\
        ---
        title: 'Loi $\\mathcal{N}(\\mu, \\sigma^2)$'
        date: 2024-01-04
        ---
        # Le $\\sqrt{2}$ irrationnel

        | n | valeur |
        |---|--------|
        | 1 | $\\frac{1}{2}$ |

        > [!note] Une somme $\\sum_i x_i$
        > $$\\int_0^1 x^2\\,\\mathrm{d}x = \\frac{1}{3}$$
        """),
    "Broken.md": "---\ndate: 2024-01-05\n---\nUne ligne.\n\nCassée : $\\frac{a}{b$ et $\\ce{H2O}$.\n",
    "Plain.md": "---\ndate: 2024-01-06\n---\nRien à calculer.\n",
    "Hostile.md": "---\ndate: 2024-01-07\n---\nLien $\\href{javascript:alert(1)}{x}$ et "
                  '<math><mi xlink:href="javascript:alert(2)">brut</mi></math>.\n',
}
TYPESET = ["e^{2i\\pi} = 1", "M = \\,^TM", "a : b", "\\frac{1}{2}", "\\sum_i x_i",
           "\\int_0^1 x^2\\,\\mathrm{d}x = \\frac{1}{3}", "\\sqrt{2}"]
FAILED = [("Broken.md", 6, "\\ce{H2O}"), ("Broken.md", 6, "\\frac{a}{b")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The vault's model, and its EPUB, PDF and JSON Feed, each with its own report."""
    root = tmp_path_factory.mktemp("math")
    vault = write_vault(root / "vault", VAULT)
    config = load_config(vault)
    model = read_vault(vault, config, Report())
    outputs = {}
    for name, renderer in (("epub", epub_renderer), ("pdf", pdf_renderer), ("json", jsonfeed)):
        report = Report()
        paths = renderer.render(model, config, root / name, report)
        outputs[name] = (paths[0], report)
    return model, outputs


FILL = re.compile(rb"(?m)^f\*?$")


def failures(report: Report) -> list[tuple[str, int, str]]:
    found = [(d.path, d.line, d.message.split("'")[1].replace("\\\\", "\\"))
             for d in report.diagnostics if d.code == "math.failed"]
    return sorted(found)


def chapter_of(book: Path, note: str) -> etree._Element:
    with zipfile.ZipFile(book) as epub:
        for name in epub.namelist():
            if name.endswith(".xhtml") and f'id="n-{note}"'.encode() in epub.read(name):
                return etree.fromstring(epub.read(name))
    raise AssertionError(f"no chapter for {note}")


# --- EPUB -----------------------------------------------------------------------------


def test_the_epub_holds_each_formula_as_mathml_with_its_tex(built):
    model, outputs = built
    book, _ = outputs["epub"]
    found = {}
    for note in ("inline", "display", "places"):
        for element in chapter_of(book, note).iter(f"{{{MATHML}}}math"):
            found[element.get("alttext")] = element.get("display")
    assert found["e^{2i\\pi} = 1"] == "inline"
    assert found["\\begin{vmatrix}a & b\\\\\nc & d\n\\end{vmatrix}=ad-bc"] == "block"
    assert found["\\int_0^1 x^2\\,\\mathrm{d}x = \\frac{1}{3}"] == "block"
    assert set(TYPESET) <= set(found)
    assert found["a : b"] == "inline"  # French spacing never enters the TeX


def test_the_epub_says_which_files_hold_mathml_and_epubcheck_accepts_it(built):
    _, outputs = built
    book, _ = outputs["epub"]
    with zipfile.ZipFile(book) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        for item in opf.iterfind(".//opf:item[@media-type='application/xhtml+xml']", NS):
            data = epub.read("EPUB/" + item.get("href"))
            assert ("mathml" in (item.get("properties") or "").split()) == (b"<math " in data), item.get("href")
    assert problems(run_epubcheck(book)) == []


def test_a_formula_that_cannot_be_typeset_is_its_source_in_code_and_one_warning(built):
    _, outputs = built
    book, report = outputs["epub"]
    codes = [c.text for c in chapter_of(book, "broken").iter(f"{{{NS['x']}}}code")]
    assert codes == ["$\\frac{a}{b$", "$\\ce{H2O}$"]
    for name in ("epub", "pdf", "json"):
        assert failures(outputs[name][1]) == FAILED, name
    message = next(d.message for d in report.diagnostics if d.code == "math.failed")
    assert "never closed" in message and "its source is printed instead" in message


def test_money_is_text_in_every_output(built):
    _, outputs = built
    page = etree.tostring(chapter_of(outputs["epub"][0], "money"), encoding="unicode")
    assert "<math" not in page and "$5 et $6, ou $7." in page


def test_titles_show_their_math_as_text(built):
    model, outputs = built
    assert model.get("places").title == "Loi $\\mathcal{N}(\\mu, \\sigma^2)$"
    page = chapter_of(outputs["epub"][0], "places")
    assert page.findtext(".//x:title", namespaces=NS) == "Loi 𝒩(μ,σ²)"
    feed = json.loads(outputs["json"][0].read_text(encoding="utf-8"))
    assert "Loi 𝒩(μ,σ²)" in [item["title"] for item in feed["items"]]


# --- PDF ------------------------------------------------------------------------------


def test_the_pdf_draws_formulas_and_prints_no_tex(built):
    _, outputs = built
    pdf, _ = outputs["pdf"]
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for tex in TYPESET:
        assert tex not in text
    assert not re.search(r"\\(frac|sqrt|sum|int|begin|mathcal|pi)\b", text.replace("\\frac{a}{b", ""))
    assert "$\\frac{a}{b$" in text and "$\\ce{H2O}$" in text  # the ones that failed, as code
    assert "Loi 𝒩(μ,σ²)" in text  # the title, its running head and its line in the contents
    assert "$5 et $6, ou $7." in text
    # WeasyPrint paints an SVG into the page itself: a formula's glyphs are filled paths.
    def fills(words: str) -> int:
        page = next(p for p in PdfReader(pdf).pages if words in p.extract_text())
        return len(FILL.findall(page.get_contents().get_data()))

    assert fills("Rien à calculer") == 0 and fills("Il coûte") == 0  # no formula, no drawing
    assert fills("Euler") >= 12 and fills("irrationnel") >= 20


# --- the MathML itself ----------------------------------------------------------------


def test_mathml_keeps_no_link_or_style_from_the_tex():
    written = mathml("\\href{javascript:alert(1)}{x} + \\style{color:red}{y} + \\class{c}{z}", False)
    assert "javascript" not in written.split('alttext="', 1)[1].split('"', 1)[1]
    assert " href=" not in written and " style=" not in written and " class=" not in written


@pytest.mark.parametrize("tex, reason", [
    ("\\frac{a}{b", "never closed"),
    ("a}", "closes no"),
    ("\\begin{pmatrix} 1 & 2", "missing end"),
    ("\\ce{H2O}", "\\ce is not a command"),
    ("a & b", "stray &"),
    ("  ", "empty"),
])
def test_mathml_refuses_what_it_cannot_typeset(tex, reason):
    with pytest.raises(MathError, match=re.escape(reason)):
        mathml(tex, False)


@pytest.mark.parametrize("tex", [
    "\\begin{aligned} a &= b \\\\ &= c \\end{aligned}", "\\begin{alignat}{2} a &= b \\end{alignat}",
    "\\begin{dcases} a & b \\end{dcases}", "x \\label{eq:1} \\nonumber", "\\sum\\nolimits_i",
])
def test_what_mathjax_reads_and_latex2mathml_does_not_is_said_its_way(tex):
    assert "<mtable" in mathml(tex, True) or "<msub" in mathml(tex, True) or "<mi>x" in mathml(tex, True)


def test_math_as_text():
    assert math_as_text("The $\\alpha$ rule") == "The α rule"
    assert math_as_text("$x^2 + y_i$, $\\frac{a+b}{2}$, $\\sqrt{2}$") == "x²+yᵢ, (a+b)/2, √2"
    assert math_as_text("cost $5 and $6") == "cost $5 and $6"
    assert math_as_text("bad $\\frac{a}{b$") == "bad $\\frac{a}{b$"


# --- the feeds ------------------------------------------------------------------------


def test_the_feed_carries_mathml_that_survives_its_sanitizer(built):
    _, outputs = built
    feed = json.loads(outputs["json"][0].read_text(encoding="utf-8"))
    content = {item["url"].rstrip("/").rsplit("/", 1)[-1].lower(): item["content_html"] for item in feed["items"]}
    inline = next(html for url, html in content.items() if "inline" in url)
    assert '<math display="inline" alttext="e^{2i\\pi} = 1">' in inline
    assert "<msup><mi>e</mi>" in inline
    hostile = next(html for url, html in content.items() if "hostile" in url)
    assert hostile.count("<math") == 1 and "brut" not in hostile  # a note's own MathML: never
    assert " href=" not in hostile and "javascript:alert(2)" not in hostile  # (the TeX, in alttext, is text)
    assert "<span><math" not in inline
    broken = next(html for url, html in content.items() if "broken" in url)
    assert "<code>$\\frac{a}{b$</code>" in broken  # the feed keeps no class


# --- Obsidian's help vault ------------------------------------------------------------


@pytest.fixture(scope="module")
def help_vault(tmp_path_factory) -> Path:
    if not HELP_VAULT.is_dir():
        pytest.skip(f"Obsidian's help vault is not here ({HELP_VAULT})")
    copy = tmp_path_factory.mktemp("help") / "obsidian-help-en"
    shutil.copytree(HELP_VAULT, copy)
    return copy


@pytest.mark.slow
def test_the_help_vaults_math_is_mathml_in_an_epub_epubcheck_accepts(help_vault, tmp_path):
    config = load_config(help_vault)
    report = Report()
    model = read_vault(help_vault, config, report)
    book = epub_renderer.render(model, config, tmp_path, report)[0]
    note = next(n for n in model.notes if n.path.endswith("Advanced formatting syntax.md"))
    found = {m.get("alttext"): m.get("display") for m in chapter_of(book, note.id).iter(f"{{{MATHML}}}math")}
    assert found == {"\\begin{vmatrix}a & b\\\\\nc & d\n\\end{vmatrix}=ad-bc": "block",
                     "e^{2i\\pi} = 1": "inline"}
    catalyst = next(n for n in model.notes if n.path.endswith("Catalyst license.md"))
    assert "xtd-math" not in catalyst.body_html  # | **$25** | **$50** | **$100** |: money
    assert [n.path for n in model.notes if "xtd-math" in n.body_html] == [note.path]
    assert [d for d in report.diagnostics if d.code == "math.failed"] == []
    assert problems(run_epubcheck(book)) == []


@pytest.mark.slow
def test_the_help_vaults_math_note_is_drawn_in_the_pdf(help_vault, tmp_path):
    """The two notes alone (a whole help guide is 300 pages): no TeX in the PDF's text."""
    vault = tmp_path / "vault"
    for name in ("Editing and formatting/Advanced formatting syntax.md", "Licenses and payment/Catalyst license.md"):
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(help_vault / name, vault / name)
    config = load_config(vault)
    model = read_vault(vault, config, Report())
    pdf = pdf_renderer.render(model, config, tmp_path / "out", Report())[0]
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "This is an inline math expression ." in text  # $e^{2i\pi} = 1$, drawn
    squeezed = re.sub(r"[\s\x00]+", "", text)  # pypdf reads the code font with NULs between letters
    # Each formula is in the note twice: as markdown in a code block (printed), and as math.
    assert squeezed.count("\\begin{vmatrix}a&b") == 1 and squeezed.count("e^{2i\\pi}=1") == 1
    assert "$25" in text and "$50" in text and "$100" in text
