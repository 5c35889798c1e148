"""The second hostile round, reading side (issue 15): a vault whose files would hang the
build, fill its memory, lose notes silently or carry HTML that runs, restyles or reads
outside the vault. Used by test_hostile_reading.py; each entry names the class it tests.

``make_reading_vault(root, port)`` writes it under ``root/vault`` with a theme beside it
(``root/theme``) and a canary outside; ``port`` is a loopback port never to be connected to.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from conftest import write_vault

CANARY = "CANARY-15a-outside-the-vault"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082"
)
SVG_CANARY = (f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
              f'<text y="10">{CANARY}</text></svg>')
NOTE_LIMIT = 200_000  # limits.note_bytes of the vault: a note of more is listed, never read
LATER = "LATER-WORDS-KEPT"  # must reach the model after every construct never closed
CHAIN = 120  # eleventyNavigation parents in a chain, past nav.MAX_DEPTH


def cover_svg(url: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="600" height="800" onload="alert(1)"><script>alert(2)</script>'
            f'<foreignObject width="10" height="10"><iframe src="{url}/fo"></iframe></foreignObject>'
            f'<image href="{url}/cover.png" width="10" height="10"/>'
            f'<rect width="600" height="800" fill="#fde" style="fill: url({url}/paint)"/>'
            '<text x="50" y="400" font-size="60">Couverture</text></svg>')


def reading_files(port: int) -> dict[str, str | bytes]:
    url = f"http://127.0.0.1:{port}"
    unclosed = ["<!-- jamais fermé", "<![CDATA[ jamais fermé", "<? jamais fermé",
                "<!DOCTYPE jamais fermé", '<iframe src="https://www.youtube.com/embed/abc">',
                "<noembed>", "<script>alert(1)", "<style>p { color: red }", "<textarea>",
                "<title>", '<div title="jamais fermé']
    return {
        "xtdpublish.toml": (
            '[site]\ntitle = "Hostile deux"\nlanguage = "fr"\nbase_url = "https://example.org"\n'
            'logo = "logo.png"\n'
            '[vault]\nexclude = ["' + "*" * 24 + 'x", "Brouillon/**"]\n'  # a backtracking glob
            '[guide]\ntheme = "../theme"\ncover = "cover.svg"\n'
            f'[limits]\nnote_bytes = {NOTE_LIMIT}\nfrontmatter_bytes = 50000\n'
        ),
        "index.md": "---\neleventyNavigation:\n  key: accueil\n---\n# Accueil\n\n[[Normale]] [[Plan]] [[Bombe]]\n",
        "Normale.md": "---\ntags: ressource\n---\n# Normale\n\nDu texte ordinaire.\n",
        "cover.svg": cover_svg(url),
        # content silently lost
        "Plan.md": ("# Plan\n\n" + "".join("  " * d + f"- niveau {d}\n" for d in range(12))
                    + f"\n## Après le plan\n\n{LATER} plan\n"),
        "Profond.md": "# Profond\n\n" + "- " * 20_000 + "liste\n\n" + ">" * 20_000 + f" citation\n\n{LATER} profond\n",
        **{f"Ouvert/{n:02d}.md": f"# Ouvert {n}\n\navant\n\n{opening}\n\n{LATER} ouvert\n"
           for n, opening in enumerate(unclosed)},
        "dossier/.cachée.md": "# Cachée\n",
        "dossier/.caché/n.md": "# Dans un dossier caché\n",
        "Encodages/UTF-16.md": "\ufeff# UTF-16\n\nÉté à Genève.\n".encode("utf-16-le"),
        "Encodages/UTF-32.md": "\ufeff# UTF-32\n\nÉté à Genève.\n".encode("utf-32-be"),
        # bounded work
        "Énorme.md": "# Énorme\n\n" + "x" * (NOTE_LIMIT + 1),
        "Frontmatter.md": "---\n" + "".join(f"k{n}: [{', '.join(['v'] * 40)}]\n" for n in range(600))
                          + "---\n# Frontmatter\n\ncorps gardé\n",
        "Bombe.md": "# Bombe\n\n" + "\n\n".join(["![[B1]]"] * 20) + "\n",
        **{f"B{level}.md": f"# B{level}\n\nniveau {level}\n\n" + ("\n\n".join([f"![[B{level + 1}]]"] * 20)
                                                                if level < 4 else "") + "\n"
           for level in range(1, 5)},
        "Vidéo.md": "# Vidéo\n\n![[film.mp4]]\n",
        **{f"Chaîne/n{n:04d}.md": (f"---\neleventyNavigation:\n  key: c{n}\n  parent: "
                                   f"{'accueil' if n == 0 else f'c{n - 1}'}\n---\n# Maillon {n}\n")
           for n in range(CHAIN)},
        "Brouillon/b.md": "# Brouillon\n",
        # unsafe output at the model boundary
        "Injection.md": (
            "# Injection\n\n"
            '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>\n\n'
            '<iframe srcdoc="&lt;script&gt;alert(2)&lt;/script&gt;" src="https://www.youtube.com/embed/x"></iframe>\n\n'
            f'<div style="background: u\\72 l({url}/esc.png); color: #333">échappé</div>\n\n'
            '<div style="position: fixed; top: 0; left: 0; width: 100%">en haut de chaque page</div>\n\n'
            f'<p style="posit\\69 on: fixed; background-image: url({url}/bg.png)">deux</p>\n\n'
            '<img alt=">" src="../theme/outside.svg"> <img alt=">" src="../outside.svg">\n\n'
            '<div class="cover">pas une couverture</div>\n\n'
            f"{LATER} injection\n"
        ),
    }


def make_reading_vault(root: Path, port: int) -> Path:
    """The vault under ``root/vault``, a theme at ``root/theme``, canaries beside them."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "outside.svg").write_text(SVG_CANARY, encoding="utf-8")
    theme = root / "theme"
    theme.mkdir(parents=True, exist_ok=True)
    (theme / "outside.svg").write_text(SVG_CANARY, encoding="utf-8")  # readable by the theme only
    vault = write_vault(root / "vault", reading_files(port))
    (vault / "logo.png").write_bytes(PNG)
    # Hangs: FIFOs as a note and as an asset, /dev/zero as a note and as the logo's target
    os.mkfifo(vault / "Tube.md")
    os.mkfifo(vault / "tube.png")
    try:
        os.mknod(vault / "Zéro.md", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except OSError:
        os.symlink("/dev/zero", vault / "Zéro.md")  # outside the vault: never followed either
    # Memory: a 3 GiB video and a 2 GiB "note", sparse (no disk), never read whole
    with open(vault / "film.mp4", "wb") as file:
        file.truncate(3 << 30)
    with open(vault / "Binaire.md", "wb") as file:
        file.truncate(2 << 30)
    # A name that is not UTF-8 (Latin-1 bytes)
    with open(os.path.join(os.fsencode(vault), b"Caf\xe9 cr\xe8me.md"), "wb") as file:
        file.write("# Café crème\n\nnom en Latin-1\n".encode())
    # Deep folders (300: pytest's clean-up recurses; 5,000 is in tests/vault/test_files_hostile.py)
    deep = vault.joinpath(*["d"] * 300)
    deep.mkdir(parents=True)
    (deep / "Profonde.md").write_text("# Tout au fond\n", encoding="utf-8")
    return vault
