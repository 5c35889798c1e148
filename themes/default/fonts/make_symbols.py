"""Builds GuideSymbols-Regular.ttf, the theme's fallback font, from Noto fonts (SIL OFL 1.1).

Charis SIL and Lato have letters, not the symbols and emoji notes are written with. This
font holds those, and only those, so the guide's CSS names it after them: a character the
main fonts lack comes from it, on any machine, instead of a box. Sources, by code point:

- an emoji shown as an emoji by default (Emoji_Presentation): Noto Emoji, the monochrome one
  (npm package ``@expo-google-fonts/noto-emoji``, ``400Regular/NotoEmoji_400Regular.ttf``);
- any other symbol: the first of Noto Sans Math, Noto Sans Symbols 2, Noto Sans Symbols,
  Noto Sans Mono (box drawing, block elements), Noto Emoji that has it (Debian packages
  ``fonts-noto-core`` and ``fonts-noto-mono``, ``/usr/share/fonts/truetype/noto/``).

Letters, digits and punctuation (below U+2000, but for the spaces) stay out: they are the
main fonts' job. The emoji are scaled to 1000 units per em like the rest, hinting is dropped
(a PDF does not use it), and the vertical metrics are below the main fonts', so a symbol
never makes its line taller than the text's. Run it with the project's venv (fontTools is WeasyPrint's)::

    python themes/default/fonts/make_symbols.py NOTO_DIR NotoEmoji_400Regular.ttf
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fontTools import merge, subset
from fontTools.misc.timeTools import timestampFromString
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

HERE = Path(__file__).resolve().parent
SYMBOLS = ("NotoSansMath-Regular.ttf", "NotoSansSymbols2-Regular.ttf",
           "NotoSansSymbols-Regular.ttf", "NotoSansMono-Regular.ttf")
FIRST = 0x2000
# Pango sets a space between two symbols in the symbols' font: without one it prints a box.
SPACES = (0x20, 0xA0)
MONO_ONLY = (0x2500, 0x259F)  # Noto Sans Mono gives box drawing and block elements, no more
# Left out: private use, and blocks notes hardly use that would weigh 160 kB (braille, Yijing,
# Aegean and Rumi numbers, Greek music, Tai Xuan Jing, Arabic math, legacy computing).
LEFT_OUT = ((0x2800, 0x28FF), (0x4DC0, 0x4DFF), (0xE000, 0xF8FF), (0x10100, 0x10E7F),
            (0x1D200, 0x1D37F), (0x1EE00, 0x1EEFF), (0x1FB00, 0x1FBFF), (0xF0000, 0x10FFFF))
# Below the main fonts' (Lato's typo metrics: 805 and -195), so a line with a symbol is no
# taller than one without: the glyphs may reach past them, a PDF clips nothing.
ASCENT, DESCENT = 800, -190
# Emoji_Presentation=Yes below U+1F000 (Unicode's emoji-data.txt); every emoji from U+1F000
# on is shown as one too.
EMOJI_BMP = ((0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3),
             (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
             (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE),
             (0x26C4, 0x26C5), (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA),
             (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26FA, 0x26FA), (0x26FD, 0x26FD),
             (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728), (0x274C, 0x274C),
             (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
             (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
             (0x2B55, 0x2B55))


def within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


# What emoji sequences are made of (joiner, keycap, variation selectors, tags): the emoji's own,
# or its sequences (👍🏽, 👨‍👩‍👧, 🏴󠁧󠁢󠁳󠁣󠁴󠁿) fall apart.
EMOJI_PARTS = ((0x200D, 0x200D), (0x20E3, 0x20E3), (0xFE0E, 0xFE0F), (0xE0020, 0xE007F))


def emoji_first(code: int) -> bool:
    return code >= 0x1F000 or within(code, EMOJI_BMP) or within(code, EMOJI_PARTS)


def share(fonts: dict[str, set[int]], emoji: str) -> dict[str, set[int]]:
    """Which code points each source gives: every symbol once, from the source it fits best."""
    given: dict[str, set[int]] = {name: set() for name in fonts}
    for code in sorted(set().union(*fonts.values())):
        if (code < FIRST and code not in SPACES) or within(code, LEFT_OUT):
            continue
        order = [emoji, *SYMBOLS] if emoji_first(code) else [*SYMBOLS, emoji]
        for name in order:
            mono_only = name == SYMBOLS[-1] and not MONO_ONLY[0] <= code <= MONO_ONLY[1]
            if code in fonts[name] and not mono_only:
                given[name].add(code)
                break
    return given


def cut(source: Path, codes: set[int], folder: Path) -> Path:
    """The source reduced to these code points (and the glyphs their sequences use), at 1000 upem."""
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    # Only the default script: HarfBuzz shapes an emoji (script Common) amid French text with
    # the font's "latn" features if it has any, and the emoji's sequences are under DFLT only.
    options.layout_scripts = ["DFLT"]
    options.drop_tables += ["DSIG", "MATH", "STAT", "vhea", "vmtx"]
    options.name_IDs = []
    options.notdef_outline = True
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = folder / f"{source.stem}.ttf"
    font.save(out)
    return out


def build(noto: Path, emoji: Path, out: Path) -> None:
    paths = {name: noto / name for name in SYMBOLS} | {emoji.name: emoji}
    fonts = {name: set(TTFont(path)["cmap"].getBestCmap()) for name, path in paths.items()}
    given = share(fonts, emoji.name)
    with tempfile.TemporaryDirectory() as folder:
        parts = [cut(paths[name], codes, Path(folder)) for name, codes in given.items() if codes]
        font = merge.Merger().merge([str(part) for part in parts])
    font["hhea"].ascent, font["hhea"].descent, font["hhea"].lineGap = ASCENT, DESCENT, 0
    os2 = font["OS/2"]
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ASCENT, DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, -DESCENT
    os2.fsSelection |= 1 << 7  # USE_TYPO_METRICS
    name = font["name"]
    name.names = []
    for name_id, text in ((0, "Copyright 2013-2026 Google LLC (Noto Sans Math, Symbols, Symbols 2 and Mono, Noto Emoji); "
                              "subset and merged by xtdpublish's make_symbols.py"),
                          (1, "Guide Symbols"), (2, "Regular"), (3, "Guide Symbols Regular"),
                          (4, "Guide Symbols Regular"), (5, "Version 1.000"), (6, "GuideSymbols-Regular"),
                          (13, "This Font Software is licensed under the SIL Open Font License, Version 1.1."),
                          (14, "https://openfontlicense.org")):
        name.setName(text, name_id, 3, 1, 0x409)
    font["head"].created = font["head"].modified = timestampFromString("Sun Jan  1 00:00:00 2023")
    font.recalcTimestamp = False
    font.save(out)
    print(f"{out}: {out.stat().st_size} bytes, {len(font['cmap'].getBestCmap())} characters, "
          + ", ".join(f"{len(codes)} from {source}" for source, codes in given.items()))


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]), HERE / "GuideSymbols-Regular.ttf")
