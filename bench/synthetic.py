"""A synthetic vault of N notes, like MuseumXTD's but bigger: links, tags, dates, images, videos.

Deterministic for a given N and seed, so two benchmark runs measure the same vault.
"""

from __future__ import annotations

import base64
import random
from pathlib import Path

WORDS = (
    "musée numérique stratégie collection médiation public projet outil donnée visite "
    "exposition archive patrimoine réseau plateforme culture innovation transition équipe "
    "évaluation ressource formation accès image document conservation recherche"
).split()
TAGS = ["ressource", "question", "forum", "rapport", "outil", "exemple", "francais", "english"]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
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
    index = ["---", "eleventyNavigation:", "  key: home", "---", "# Synthetic", ""]
    for p in range(parts):
        index.append(f"[[{titles[p]}]]")
    (root / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    folder = root / "Notes"
    folder.mkdir(exist_ok=True)
    for n, title in enumerate(titles):
        parent = "home" if n < parts else f"k{rng.randrange(0, min(n, parts * 8))}"
        day = 1 + n % 28
        lines = [
            "---",
            "title: Synthetic",
            f"tags: {' '.join(rng.sample(TAGS, 2))}",
            f"date: 2022-{1 + n % 12:02d}-{day:02d}",
            "eleventyNavigation:",
            f"  key: k{n}",
            f"  parent: {parent}",
            "---",
            f"# {title}",
            "",
        ]
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


if __name__ == "__main__":
    import sys

    make_vault(Path(sys.argv[1]), int(sys.argv[2]), math="--math" in sys.argv[3:])
