"""Callouts in Word and LibreOffice: each its own box, code inside it, a callout inside a
callout set in (issue 16's follow-ups).

Word and LibreOffice draw one box round neighbouring paragraphs that have the same borders,
so two callouts in a row read as one; and pandoc writes a code block in its own style,
outside the callout's. Both are read back from the documents' XML.
"""

from __future__ import annotations

import pytest

from conftest import write_vault
from office_files import NS, W, paragraph_styles, text_of, xml
from test_office import build

KINDS = ["docx", "odt"]
CALLOUTS = """\
# Encadrés

> [!note] Premier
> Un paragraphe.

> [!warning] Second
> Avant le code.
>
> ```python
> def f():
>     return 1
> ```
>
> Après le code.

Entre les deux.

> [!tip] Troisième
> Seul.
>
> > [!note] Dedans
> > Imbriqué.
>
> Fin du troisième.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("callouts")
    many = "\n\n".join(f"> [!note] N{i}\n> Texte {i}." for i in range(400))
    vault = write_vault(root / "vault", {
        "xtdpublish.toml": '[site]\ntitle = "Encadrés"\nlanguage = "fr"\n',
        "index.md": CALLOUTS, "many.md": f"# Beaucoup\n\n{many}\n"})
    done = build(vault, root / "out")
    assert done.returncode == 0, done.stderr
    return root / "out"


def styles_between(styles: list[str], first: str, last: str) -> list[str]:
    return styles[styles.index(first):styles.index(last) + 1]


@pytest.mark.parametrize("kind", KINDS)
def test_two_callouts_in_a_row_are_two_boxes(built, kind):
    path = built / f"guide.{kind}"
    styles = paragraph_styles(path)
    runs = "".join(("G" if s == "CalloutGap" else "T" if s == "CalloutTitle" else
                    "C" if s == "Callout" else "n" if s == "CalloutNestedTitle" else
                    "N" if s == "CalloutNested" else "-") for s in styles)
    # Premier (title, text), a gap, Second (title, text, code, text), text, Troisième (title,
    # text, a callout inside it set in (N), its text again)
    assert "TCGTCCC-TCnNC" in runs, runs
    assert runs.count("G") == 1 + 399  # one between each two neighbours, none elsewhere
    assert "GG" not in runs and not runs.startswith("G") and "-G" not in runs and "G-" not in runs


@pytest.mark.parametrize("kind", KINDS)
def test_code_in_a_callout_stays_in_its_box_with_its_indentation(built, kind):
    path = built / f"guide.{kind}"
    member = "word/document.xml" if kind == "docx" else "content.xml"
    root = xml(path, member)
    tag, style_of = ((f"{{{W}}}p", lambda p: p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val"))
                     if kind == "docx" else
                     (f"{{{NS['text']}}}p", lambda p: p.get(f"{{{NS['text']}}}style-name")))
    [code] = [p for p in root.iter(tag) if "def f():" in text_of(p)]
    assert style_of(code) == "Callout"
    assert "\u00a0" * 4 + "return 1" in "".join(code.itertext())  # the indentation, not collapsed
    if kind == "docx":
        assert code.find(".//w:rStyle[@w:val='VerbatimChar']", NS) is not None  # monospaced
        assert code.find(".//w:br", NS) is not None  # its two lines
    else:
        assert code.find(".//text:line-break", NS) is not None
