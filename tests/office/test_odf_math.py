"""An ODT's formulas with their bars as LibreOffice reads them (render/office/odf_math.py).

LibreOffice prints « ¿ » for a bar pandoc writes as a stretchy fence (vmatrix, \\left|,
\\middle|, \\left. … \\right|) or as a fence of its own size (|x|), and a stray brace after
``cases``; looked at by converting the .odt with LibreOffice. Here the MathML is read back.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from conftest import write_vault
from test_office import build
from xtdpublish.render.office.odf_math import MATHML, for_libreoffice

M = f'<math xmlns="{MATHML}" display="block">'
NS = {"m": MATHML}


def parsed(xml: str):
    return etree.fromstring(for_libreoffice(xml).encode())


def test_a_vmatrix_becomes_a_fence_of_bars_round_the_same_table():
    root = parsed(f'{M}<mrow><mo stretchy="true" form="prefix">|</mo><mtable><mtr><mtd><mi>a</mi>'
                  f'</mtd></mtr></mtable><mo stretchy="true" form="postfix">|</mo></mrow></math>')
    [fence] = root.findall(".//m:mfenced", NS)
    assert (fence.get("open"), fence.get("close"), fence.get("separators")) == ("|", "|", "")
    assert fence.find("m:mrow/m:mtable", NS) is not None and not root.findall(".//m:mo", NS)


def test_a_fence_with_one_side_keeps_it_and_the_other_is_empty():
    cases = parsed(f'{M}<mi>f</mi><mo>=</mo><mrow><mo stretchy="true" form="prefix">{{</mo>'
                   f'<mtable/></mrow></math>')
    assert [(f.get("open"), f.get("close")) for f in cases.iter(f"{{{MATHML}}}mfenced")] == [("{", "")]
    evaluated = parsed(f'{M}<msub><mrow><mfrac><mi>a</mi><mi>b</mi></mfrac>'
                       f'<mo stretchy="true" form="postfix">|</mo></mrow><mn>0</mn></msub></math>')
    [fence] = evaluated.iter(f"{{{MATHML}}}mfenced")
    assert (fence.get("open"), fence.get("close")) == ("", "|") and fence.find("m:mrow/m:mfrac", NS) is not None
    assert evaluated.find("m:msub/m:mn", NS).text == "0"  # the subscript is still the row's


def test_norms_middle_bars_and_bars_of_their_own_size():
    root = parsed(f'{M}<mrow><mo stretchy="true" form="prefix">∥</mo><mi>v</mi>'
                  f'<mo stretchy="true" form="infix">|</mo><mi>w</mi>'
                  f'<mo stretchy="true" form="postfix">∥</mo></mrow><mo>+</mo>'
                  f'<mrow><mo stretchy="false" form="prefix">|</mo><mi>x</mi>'
                  f'<mo stretchy="false" form="prefix">|</mo></mrow></math>')
    [fence] = root.iter(f"{{{MATHML}}}mfenced")
    assert (fence.get("open"), fence.get("close")) == ("‖", "‖")
    assert [mo.text for mo in root.iter(f"{{{MATHML}}}mo")] == ["∣", "+"]
    assert [t.text for t in root.iter(f"{{{MATHML}}}mtext")] == ["|", "|"]


@pytest.mark.parametrize("untouched", [
    f'{M}<mrow><mo stretchy="true" form="prefix">(</mo><mi>x</mi><mo stretchy="true" form="postfix">)</mo></mrow></math>',
    f'{M}<mrow><mo stretchy="true" form="prefix">⌊</mo><mi>x</mi><mo stretchy="true" form="postfix">⌋</mo></mrow></math>',
    f'{M}<mi>x</mi><mo>=</mo><mn>1</mn></math>',
    "<math><unclosed>",
])
def test_what_libreoffice_already_prints_right_is_left_as_pandoc_wrote_it(untouched):
    assert for_libreoffice(untouched) == untouched


def test_every_formula_of_a_built_odt_is_rewritten_and_none_is_lost(tmp_path):
    formulas = [r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}",
                r"\begin{Vmatrix} a \end{Vmatrix}", r"\begin{cases} 1 & x \\ 0 & y \end{cases}",
                r"\left\{ x \middle| x > 0 \right\}", r"\left. \frac{a}{b} \right|_0",
                r"\begin{pmatrix} a \end{pmatrix}"]
    body = "\n\n".join(f"$${formulas[i % len(formulas)]}$$" for i in range(600))
    vault = write_vault(tmp_path / "vault", {
        "xtdpublish.toml": '[site]\ntitle = "Math"\nlanguage = "en"\n',
        "index.md": f"# Math\n\nInline $|x|$ and $\\|v\\|$.\n\n{body}\n"})
    done = build(vault, tmp_path / "out", "odt")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "out" / "guide.odt") as odt:
        names = [n for n in odt.namelist() if re.fullmatch(r"Formula-\d+/content\.xml", n)]
        roots = [etree.fromstring(odt.read(n)) for n in names]
    assert len(roots) >= 602
    bar_fences = [mo for root in roots for mo in root.iter(f"{{{MATHML}}}mo")
                  if (mo.text or "").strip() in "|‖∥" and mo.get("form") in ("prefix", "postfix")]
    assert bar_fences == []
    fences = [(f.get("open"), f.get("close")) for root in roots for f in root.iter(f"{{{MATHML}}}mfenced")]
    assert fences.count(("|", "|")) == 100 and fences.count(("‖", "‖")) == 100
    assert fences.count(("{", "")) == 100 and fences.count(("", "|")) == 100
    assert sum(1 for root in roots for t in root.iter(f"{{{MATHML}}}mtable")) == 400  # tables kept
