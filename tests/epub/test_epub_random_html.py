"""Random raw HTML and markdown in notes never make an EPUB that EPUBCheck refuses.

Notes mix markdown with raw HTML nested any way editors paste it (blocks in inline
elements, lists and tables with stray content, headings with blocks inside...). One vault
of many such notes, one book, one EPUBCheck run: a content model the EPUB writer does not
repair shows here, with the chapter it is in. XTD_EPUB_RANDOM_SEEDS sets how many books
(2 by default; each seed is a different vault, the same on every run).
"""

from __future__ import annotations

import os
import random
import zipfile
from collections import Counter

import pytest
from lxml import etree, html

from epubcheck import problems, run_epubcheck
from xtdpublish.build import build
from xtdpublish.config import load_config
from xtdpublish.render.body import anchor_id

SEEDS = range(int(os.environ.get("XTD_EPUB_RANDOM_SEEDS", "2")))
NOTES = 60

BLOCKS = ["div", "p", "blockquote", "section", "aside", "figure", "details", "pre", "ul", "ol", "dl",
          "table", "h2", "h3", "h4", "header", "footer", "nav", "center", "font", "main", "article"]
INLINES = ["span", "a", "em", "strong", "b", "i", "code", "small", "sub", "sup", "mark", "q", "abbr",
           "u", "s", "label", "cite", "kbd", "time", "big", "blink", "o:p"]
CHILDREN = {"ul": ["li"], "ol": ["li"], "dl": ["dt", "dd"], "table": ["tr", "tbody", "thead", "caption"],
            "tr": ["td", "th"], "tbody": ["tr"], "thead": ["tr"], "details": ["summary"], "figure": ["figcaption"]}
ATTRIBUTES = ['', ' class="x"', ' id="dup"', ' style="color: red"', ' align="center"', ' width="50%"',
              ' href="#dup"', ' title="t"', ' lang="fr"', ' data-x="1"', ' colspan="2"', ' start="3"',
              ' href="[[Note 1]]"', ' name="n"', ' role="note"', ' hidden']
WORDS = ["musée", "numérique", "&amp;", "&nbsp;", "&eacute;", "<br>", "<hr>", "[[Note 2]]", "[[Nowhere]]",
         "==surligné==", "#étiquette", "**gras**", "_it_", "`code`", "https://example.org", "\u00a0", "é"]


def random_html(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    kind = rng.random()
    parent = rng.choice(BLOCKS if kind < 0.5 else INLINES if kind < 0.8 else list(CHILDREN) + ["li", "td", "dt"])
    tags = CHILDREN.get(parent) if rng.random() < 0.7 else None
    inner = "".join(
        (f"<{child}>{random_html(rng, depth - 1)}</{child}>" if (child := rng.choice(tags)) else "")
        if tags else random_html(rng, depth - 1)
        for _ in range(rng.randint(1, 3))
    )
    close = "" if rng.random() < 0.1 else f"</{parent}>"  # editors forget closing tags
    return f"<{parent}{rng.choice(ATTRIBUTES)}>{inner}{close}"


def random_note(rng: random.Random, number: int) -> str:
    parts = [f"# Note {number}\n"]
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.6:
            parts.append(random_html(rng, rng.randint(1, 5)))
        else:
            parts.append(rng.choice(["- a\n- b [[Note 3]]", "1. un\n2. deux", "| a | b |\n|---|:-:|\n| 1 | 2 |",
                                     "> cité\n> > encore", "```\n<div>code</div>\n```", "Texte ^bloc",
                                     "> [!note] Titre\n> corps", "Term\n: def"]))
    return "\n\n".join(parts) + "\n"


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_random_html_in_notes_gives_a_book_epubcheck_accepts(seed, make_vault, tmp_path):
    rng = random.Random(seed)
    files = {f"Note {n}.md": random_note(rng, n) for n in range(NOTES)}
    vault = make_vault({"xtdpublish.toml": '[site]\ntitle = "Hasard"\nlanguage = "fr"\n', **files})
    result = build(vault, load_config(vault), tmp_path / "out", ["epub"])
    assert not [d for d in result.report.sorted() if d.code.startswith("render.")], result.report.sorted()
    book = tmp_path / "out" / "guide.epub"
    found = problems(run_epubcheck(book))
    assert found == [], "\n".join(found[:20])
    # The repairs change elements, never the text: each note's letters are all in its chapter
    # (counted, not read in order: a table's stray text goes before the table).
    with zipfile.ZipFile(book) as archive:
        sections = {element.get("id"): element
                    for name in archive.namelist() if name.startswith("EPUB/text/ch")
                    for element in etree.fromstring(archive.read(name)).iter("{*}section")}
    for note in result.model.notes:
        body = html.fragment_fromstring(note.body_html or "<p></p>", create_parent="div")
        missing = letters(body) - letters(sections[anchor_id(note.id)])
        assert not missing, f"{note.path}: {dict(missing)} missing from its chapter"


def letters(tree) -> Counter:
    return Counter(c for piece in tree.itertext() for c in piece if c.isalnum())
