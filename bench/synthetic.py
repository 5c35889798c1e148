"""A synthetic vault of N notes, like MuseumXTD's but bigger: links, tags, dates, images, videos.

Deterministic for a given N and seed, so two benchmark runs measure the same vault.

``make_vault`` writes notes of one to two pages each (the 10,000-note and 1,000-note figures of
``make bench`` and of the README are measured on these). ``make_book_vault`` writes notes
that look like a real guide's: short and long ones, tables, images of several sizes,
callouts, lists, videos both as iframes and as Obsidian's ``![](https://youtube…)``,
links to notes and to their headings, forward and backward, so that the printed numbers
of a book of any length can be checked against the PDF.
"""

from __future__ import annotations

import base64
import io
import random
from pathlib import Path

WORDS = (
    "musée numérique stratégie collection médiation public projet outil donnée visite "
    "exposition archive patrimoine réseau plateforme culture innovation transition équipe "
    "évaluation ressource formation accès image document conservation recherche"
).split()
LONG_WORDS = ("transformation", "numérisation", "interopérabilité", "accessibilité",
              "documentation", "administration", "communication", "participation")
TAGS = ["ressource", "question", "forum", "rapport", "outil", "exemple", "francais", "english"]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAABJRU5ErkJggg=="
)
CONFIG = """\
[site]
title = "Synthetic"
language = "fr"
base_url = "https://example.org"
[guide]
root = "index.md"
[feeds]
tags = ["ressource"]
limit = 50
"""
IMAGE_SIZES = [(640, 360), (300, 900), (1200, 400), (500, 500), (200, 120)]
CALLOUTS = ["note", "tip", "warning", "info", "quote"]


# A course's formulas (math=True): some recur in many notes ($f(x)$), most carry the note's
# own numbers, so a vault of N notes holds about 3 N distinct formulas, as the course vault does.
INLINE_MATH = [
    r"f(x)", r"x^2", r"\alpha", r"M = \,^TM", r"e^{{2i\pi}} = 1", r"\frac{{{a}}}{{{b}}}",
    r"x_{{{a}}} + y_{{{b}}}", r"\sqrt{{{a}}}", r"\mathbb{{R}}^{{{a}}}", r"\vec{{u}} \cdot \vec{{v}} = {a}",
    r"\lim_{{n \to \infty}} u_n = {a}", r"P(A \mid B) = 0{{,}}{a}", r"\binom{{{a}}}{{{b}}}",
]
DISPLAY_MATH = [
    r"\sum_{{i=1}}^{{{a}}} i = \frac{{{a}({a}+1)}}{{2}}",
    r"\int_0^{{{a}}} x^2\,\mathrm{{d}}x = \frac{{{a}^3}}{{3}}",
    r"\begin{{pmatrix}} {a} & {b} \\ 0 & 1 \end{{pmatrix}}",
    r"f(x) = \begin{{cases}} x^{{{a}}} & \text{{si }} x \geq 0 \\ -x & \text{{sinon}} \end{{cases}}",
    r"\begin{{aligned}} a &= {a} + b \\ &= {b} \end{{aligned}}",
]


def math_lines(rng: random.Random) -> list[str]:
    def formula(pool: list[str]) -> str:
        return rng.choice(pool).format(a=rng.randint(1, 99), b=rng.randint(2, 9))

    inline = " et ".join(f"${formula(INLINE_MATH)}$" for _ in range(rng.randint(2, 4)))
    return [f"{sentence(rng, 10)} On a {inline}, mais pas 5 $ ni $6.", "", "$$", formula(DISPLAY_MATH), "$$", ""]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_vault(root: Path, notes: int, seed: int = 1, math: bool = False) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "xtdpublish.toml").write_text(CONFIG, encoding="utf-8")
    (root / "images").mkdir(exist_ok=True)
    for n in range(20):
        (root / "images" / f"figure-{n}.png").write_bytes(PNG)
    parts = max(1, min(12, notes // 50))
    titles = [f"Note {n:05d} {rng.choice(WORDS)}" for n in range(notes)]
    _write_index(root, titles[:parts])
    folder = root / "Notes"
    folder.mkdir(exist_ok=True)
    for n, title in enumerate(titles):
        lines = _frontmatter(rng, n, parts)
        lines += [f"# {title}", ""]
        for _ in range(rng.randint(2, 5)):
            lines.append(sentence(rng, rng.randint(12, 40)))
            lines.append(f"Voir [[{rng.choice(titles)}]] et [un site](https://example.com/{n}).")
            lines.append("")
        if n % 7 == 0:
            lines.append(f"![[figure-{n % 20}.png]]")
        if n % 11 == 0:
            lines.append(
                '<iframe src="https://www.youtube.com/embed/abc{0}" title="Vidéo {0}"></iframe>'.format(n)
            )
        if n % 13 == 0:
            lines.append("[[Une note qui n'existe pas]]")
        if math:
            lines += math_lines(rng)
        lines.append("## À retenir")
        lines += [f"- {sentence(rng, 8)}" for _ in range(3)]
        (folder / f"{title}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def make_book_vault(root: Path, notes: int, seed: int = 1) -> Path:
    """A vault whose guide has about a page a note (a fifth of the notes are long)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "xtdpublish.toml").write_text(CONFIG, encoding="utf-8")
    (root / "images").mkdir(exist_ok=True)
    for n, size in enumerate(IMAGE_SIZES):
        (root / "images" / f"photo-{n}.png").write_bytes(_picture(size, n))
    parts = max(1, min(12, notes // 40))
    titles = [f"{rng.choice(WORDS).capitalize()} {n:05d} {rng.choice(LONG_WORDS)}" for n in range(notes)]
    long = {title: rng.random() < 0.2 for title in titles}  # three headed parts, the rest one
    headings = {title: [f"Partie {k} {rng.choice(WORDS)}" for k in range(1, 4 if long[title] else 2)]
                for title in titles}
    _write_index(root, titles[:parts])
    folder = root / "Notes"
    folder.mkdir(exist_ok=True)
    for n, title in enumerate(titles):
        lines = _frontmatter(rng, n, parts) + [f"# {title}", ""]
        for k, heading in enumerate(headings[title]):
            if k:
                lines += [f"## {heading}", ""]
            for _ in range(rng.randint(2, 4) if long[title] else 1):
                sentences = rng.randint(2, 4) if long[title] else rng.randint(1, 3)
                lines += [_paragraph(rng, titles, headings, n, sentences), ""]
            block = rng.choice(["table", "image", "callout", "list", "video", "none", "none"])
            lines += _block(rng, block, n, titles)
        (folder / f"{title}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _write_index(root: Path, part_titles: list[str]) -> None:
    index = ["---", "eleventyNavigation:", "  key: home", "---", "# Synthetic", ""]
    index += [f"[[{title}]]" for title in part_titles]
    (root / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")


def _frontmatter(rng: random.Random, n: int, parts: int) -> list[str]:
    parent = "home" if n < parts else f"k{rng.randrange(0, min(n, parts * 8))}"
    return ["---", "title: Synthetic", f"tags: {' '.join(rng.sample(TAGS, 2))}",
            f"date: 2022-{1 + n % 12:02d}-{1 + n % 28:02d}", "eleventyNavigation:",
            f"  key: k{n}", f"  parent: {parent}", "---"]


def _paragraph(rng: random.Random, titles: list[str], headings: dict, n: int, sentences: int) -> str:
    """Sentences with links to notes before and after this one, some to a heading."""
    pieces = []
    for _ in range(sentences):
        pieces.append(sentence(rng, rng.randint(8, 22)))
        roll = rng.random()
        if roll < 0.35:
            target = titles[rng.randrange(0, len(titles))]
            if len(headings[target]) > 1 and rng.random() < 0.5:
                pieces.append(f"Voir [[{target}#{rng.choice(headings[target][1:])}]].")
            else:
                pieces.append(f"Lire aussi [[{target}]] pour {rng.choice(WORDS)}.")
        elif roll < 0.45:
            pieces.append(f"Selon [un rapport](https://example.com/{n}/{rng.randrange(999)}), {sentence(rng, 6)}")
    return " ".join(pieces)


def _block(rng: random.Random, kind: str, n: int, titles: list[str]) -> list[str]:
    if kind == "table":
        rows = [f"| {rng.choice(WORDS)} | {rng.randint(1, 9999)} | [[{rng.choice(titles)}]] |"
                for _ in range(rng.randint(3, 9))]
        return ["| Terme | Nombre | Note |", "|---|---:|---|", *rows, ""]
    if kind == "image":
        return [f"![[photo-{rng.randrange(len(IMAGE_SIZES))}.png]]", ""]
    if kind == "callout":
        body = [f"> {sentence(rng, rng.randint(10, 40))}" for _ in range(rng.randint(0, 3))]
        return [f"> [!{rng.choice(CALLOUTS)}] {sentence(rng, rng.randint(2, 9))}", *body, ""]
    if kind == "list":
        return [*(f"- {sentence(rng, rng.randint(4, 16))} [[{rng.choice(titles)}]]"
                  for _ in range(rng.randint(2, 7))), ""]
    if kind == "video":
        if rng.random() < 0.5:
            return [f"![](https://www.youtube.com/watch?v=vid{n:05d})", ""]
        return [f'<iframe src="https://www.youtube.com/embed/vid{n:05d}" title="Vidéo {n}"></iframe>', ""]
    return []


def _picture(size: tuple[int, int], seed: int) -> bytes:
    """A PNG of ``size`` with a few coloured bands (compresses like a drawing, not a pixel)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (240, 236, 228))
    draw = ImageDraw.Draw(image)
    for band in range(6):
        colour = ((seed * 53 + band * 37) % 200, (band * 71) % 200, (seed * 19 + band * 13) % 200)
        draw.rectangle([band * size[0] // 6, 0, (band + 1) * size[0] // 6 - 4, size[1]], fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


if __name__ == "__main__":
    import sys

    if "book" in sys.argv[3:]:
        make_book_vault(Path(sys.argv[1]), int(sys.argv[2]))
    else:
        make_vault(Path(sys.argv[1]), int(sys.argv[2]), math="--math" in sys.argv[3:])
