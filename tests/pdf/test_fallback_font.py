"""The theme's fallback font: symbols and emoji the main fonts lack print from Guide Symbols,
character by character, on any machine; what no shipped font has is one warning per note."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from xtdpublish.config import load_config
from xtdpublish.render.pdf import book as pdf_renderer
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

THEME = pdf_renderer.DEFAULT_THEME
FONT = THEME / "fonts" / "GuideSymbols-Regular.ttf"
# What notes are written with and Charis SIL, the text's font, lacks (checked below).
EMOJI = "✅ ❌ 👉 📌 🎨 💡 🚀 🟢 🔴 ✨ ⭐ 🙂"
SYMBOLS = "✔ ✗ ✘ ★ ☆ ⇨ ⟹ ↪ ⟶ ➜ ∉ ∀ ⨳ ⋮ ⌘ ⌥ ⇧ ⏎ ① ② ● ○ ■ □ ▶ ◆ ◦ ✦ ☐ ☑ ⚠ ❤"
SEQUENCES = ("👍🏽", "👨\u200d👩\u200d👧")
NOTE = (f"# Symboles 🎨\n\nÀ faire : {EMOJI}.\n\nSignes : {SYMBOLS}.\n\n"
        f"Suites : {' '.join(SEQUENCES)}.\n\n## Titre ✨ → suite\n\n**gras ★ ✅** *italique ★ ✅* `code ├── 📌`\n")
CONFIG = '[site]\ntitle = "T"\nlanguage = "fr"\n'


def characters(text: str) -> list[str]:
    return [c for c in text if not c.isspace()]


def build(vault: Path, out: Path) -> tuple[Report, Path]:
    config = load_config(vault)
    report = Report()
    path = pdf_renderer.render(read_vault(vault, config, report), config, out, report)[0]
    return report, path


def fonts_of_characters(path: Path) -> dict[str, set[str]]:
    """Each character printed in the PDF → the fonts (base names, no subset tag) it is shown in."""
    found: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if font is not None and text:
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            for character in text:
                found.setdefault(character, set()).add(name)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return found


def glyphs(report: Report) -> list:
    return [d for d in report.diagnostics if d.code == "pdf.glyph"]


def test_the_text_font_lacks_these_characters_and_the_fallback_font_has_them():
    main = set(TTFont(THEME / "fonts" / "CharisSIL-Regular.ttf")["cmap"].getBestCmap())
    fallback = set(TTFont(FONT)["cmap"].getBestCmap())
    wanted = characters(EMOJI + SYMBOLS)
    assert [c for c in wanted if ord(c) in main] == []
    assert [c for c in wanted if ord(c) not in fallback] == []
    # No letters, digits or punctuation: it never takes text from the main fonts.
    assert sorted(code for code in fallback if code < 0x2000) == [0x20, 0xA0]
    assert "Guide Symbols" in (FONT.parent / "OFL.txt").read_text(encoding="utf-8")


def test_symbols_and_emoji_print_from_the_fallback_font_and_only_they(tmp_path, make_vault):
    vault = make_vault({"Symboles.md": NOTE, "Autre.md": "# Autre\n\nUn texte sans rien de rare.\n",
                        "xtdpublish.toml": CONFIG})
    report, path = build(vault, tmp_path / "out")
    assert glyphs(report) == []
    fonts = fonts_of_characters(path)
    for character in characters(EMOJI + SYMBOLS):
        assert fonts.get(character), f"{character} is not printed"
        assert all(name.startswith("Guide-Symbols") for name in fonts[character]), (character, fonts[character])
    for letter in "SymbolesÀfaireTexte":
        assert not any(name.startswith("Guide-Symbols") for name in fonts[letter]), (letter, fonts[letter])
    # Emoji sequences are one glyph each (the font's ligatures survived the merge): the
    # ToUnicode map of Guide Symbols gives one glyph the whole sequence.
    maps = "".join(font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
                   for page in PdfReader(path).pages
                   for font in page["/Resources"]["/Font"].values()
                   if "Guide-Symbols" in font.get_object()["/BaseFont"])
    for sequence in SEQUENCES:
        utf16 = sequence.encode("utf-16-be").hex().upper()
        assert re.search(rf"<[0-9a-f]{{4}}>\s*<{utf16}>", maps, re.IGNORECASE), sequence


def test_a_character_no_shipped_font_has_is_one_warning_naming_its_note(tmp_path, make_vault):
    vault = make_vault({"Privé.md": "# Privé\n\nUn signe \ue000 privé, encore \ue000, et ✅.\n",
                        "Symboles.md": NOTE, "xtdpublish.toml": CONFIG})
    report, _ = build(vault, tmp_path / "out")
    assert [d.path for d in glyphs(report)] == ["Privé.md"]
    message = glyphs(report)[0].message
    assert "U+E000" in message and "U+2705" not in message


def test_a_symbol_does_not_make_its_line_taller():
    css = (THEME / "guide.css").read_text(encoding="utf-8")

    def heights(body: str) -> list[float]:
        document = HTML(string=f'<html lang="fr"><style>{css}</style><body>{body}</body></html>',
                        base_url=THEME.as_uri() + "/").render()
        lines = [box for box in document.pages[0]._page_box.descendants() if isinstance(box, boxes.LineBox)]
        return [round(line.height, 3) for line in lines]

    plain = "<p>Un texte.</p><h2>Un titre</h2><h4>Un titre</h4><pre>a b</pre><p><small>petit</small></p>"
    marked = "<p>Un texte 🎨 ✅ ⌘.</p><h2>Un titre ✨</h2><h4>Un titre 👉</h4><pre>a ├ 📌</pre><p><small>petit ★</small></p>"
    assert heights(marked) == heights(plain)


def test_on_a_machine_without_fonts_of_its_own_the_symbols_still_print(tmp_path, make_vault):
    """Fontconfig with no font folder at all: only the theme's fonts (a user's machine may
    have no DejaVu). The symbols come from the fallback font, not boxes, and the code from
    the theme's own monospaced font, not the text's."""
    vault = make_vault({"Symboles.md": NOTE, "xtdpublish.toml": CONFIG})
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>\n')
    script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
              "from test_fallback_font import build, glyphs, fonts_of_characters;"
              "report, path = build(Path(sys.argv[1]), Path(sys.argv[2]));"
              "print(len(glyphs(report)), sorted({n for f in fonts_of_characters(path).values() for n in f}))")
    run = subprocess.run([sys.executable, "-W", "ignore", "-c", script, str(vault), str(tmp_path / "out"),
                          str(Path(__file__).parent)],
                         env={**os.environ, "FONTCONFIG_FILE": str(conf)}, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    count, names = run.stdout.strip().split(" ", 1)
    assert count == "0", run.stdout
    used = set(ast.literal_eval(names))  # the sorted list the script printed
    # WeasyPrint names a font of the theme's @font-face after its family: all are "Guide …"
    assert all(name.startswith("Guide-") for name in used), used
    assert {"Guide-Symbols", "Guide-Mono", "Guide-Serif"} <= used, used
