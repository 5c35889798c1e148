"""A vault built to break a publishing tool: malformed files, clashing names, cycles,
paths and URLs that reach out of the vault, and injected markup. Used by test_hostile.py."""

from __future__ import annotations

from pathlib import Path

CANARY = "CANARY-7f3a9c-outside-the-vault"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082"
)


def use_bomb(levels: int) -> str:
    """Ten <use> a level, each repeating the level below: 10 ** levels rectangles."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
             'width="100" height="100"><defs><rect id="l0" width="1" height="1"/>']
    for level in range(1, levels + 1):
        parts.append(f'<g id="l{level}">' + f'<use xlink:href="#l{level - 1}"/>' * 10 + "</g>")
    return "".join(parts) + f'</defs><use xlink:href="#l{levels}"/></svg>'


def hostile_files(port: int) -> dict[str, str | bytes]:
    """The vault's files; ``port`` is a loopback port that must never be connected to."""
    url = f"http://127.0.0.1:{port}"
    many_links = " ".join(f"[[Cible {n}]]" for n in range(3000))
    deep_list = "".join("  " * depth + "- niveau\n" for depth in range(60))
    deep_quote = ">" * 80 + " très profond\n"
    return {
        "xtdpublish.toml": (
            '[site]\ntitle = "Hostile"\nlanguage = "fr"\nbase_url = "https://example.org"\n'
            '[feeds]\nlimit = 200\n'
        ),
        "index.md": "# Accueil\n\n[[Normale]] [[Boucle A]] [[Titre <b>gras</b>]]\n",
        "Normale.md": "---\ntags: ressource\n---\n# Normale\n\nDu texte ordinaire.\n\n![](images/ok.png)\n",
        "images/ok.png": PNG,
        # Malformed files
        "yaml/Tabulations.md": "---\ntitle:\tMauvais\n\tclé: [non fermé\n---\n# Tabulations\ncorps\n",
        "yaml/Pas une table.md": "---\n- un\n- deux\n---\n# Pas une table\ncorps\n",
        "yaml/Jamais fermé.md": "---\ntitle: Ouvert\ntags: a b\n# Jamais fermé\ncorps sans fin\n",
        "yaml/Question.md": "---\nalias: [Une question?]\ntags: [1, {a: b}, null, '#ok']\n---\ncorps\n",
        "yaml/Date impossible.md": "---\ndate: 2022-13-45\nupdated: 32 mai 2022\n---\n# Date\n",
        "yaml/Ancre.md": "---\na: &x [*x]\nb: !!python/object/apply:os.system ['echo pwned']\n---\n# Ancre\n",
        "encodage/Latin1.md": "# Caf\xe9 cr\xe8me\n\nTexte en cp1252 “guillemets” – tiret.\n".encode("cp1252"),
        "encodage/Binaire.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00binary\x00",
        "encodage/Vide.md": "",
        "encodage/Blanc.md": "   \n\t\n",
        "encodage/BOM CRLF.md": "\ufeff---\r\ntags: crlf\r\n---\r\n# BOM CRLF\r\n\r\nligne\r\n",
        "gros/Énorme.md": "# Énorme\n\n" + ("Un paragraphe assez long pour peser. " * 40 + "\n\n") * 1500,
        "gros/Profond.md": "# Profond\n\n" + deep_list + "\n" + deep_quote,
        # Names
        "a/Doublon.md": "# Doublon A\n",
        "b/Doublon.md": "# Doublon B\n",
        "Casse.md": "# Casse\n",
        "casse/CASSE.md": "# CASSE\n",
        "Cafe\u0301 NFD.md": "# Café NFD\n",
        "L’apostrophe « typographique »… .md": "# L’apostrophe « typographique »…\n",
        "Points finaux...md": "# Points finaux\n",
        # Graph
        "Boucle A.md": "# Boucle A\n\n![[Boucle B]]\n\n![[Boucle A]]\n",
        "Boucle B.md": "# Boucle B\n\n![[Boucle A]]\n",
        "Mille liens.md": "# Mille liens\n\n" + many_links + "\n\n[[Normale#Nulle part]] [[Normale#^bloc]]\n",
        # Reaching out
        "Dehors.md": (
            "# Dehors\n\n"
            "![](../../outside/canary.png) ![](../outside/canary.txt) ![](/etc/passwd)\n"
            "![[../canary.txt]] ![[/etc/hostname]]\n"
            "[lien](file:///etc/passwd) [relatif](../canary.txt)\n"
            f'<img src="{url}/img.png" alt="distante"> <img src="file:///etc/passwd" alt="f">\n'
            f'<picture><source srcset="{url}/a.png 2x, ../canary.png 1x"><img src="/etc/passwd" alt="p"></picture>\n'
            f'<link rel="stylesheet" href="{url}/s.css"><style>@import url({url}/i.css); '
            f'body {{ background: url({url}/bg.png) }}</style>\n'
            f'<object data="{url}/o.swf"></object><embed src="{url}/e.swf">\n'
            f'<iframe src="{url}/frame"></iframe>\n'
            f'<video src="{url}/v.mp4" poster="{url}/p.png"></video><audio src="{url}/a.mp3"></audio>\n'
            f'<svg><image href="{url}/svg.png"/></svg>\n'
            f'<div style="background:url({url}/inline.png)">style</div>\n'
        ),
        # Injection
        "Injection.md": (
            "---\ntags: ressource <script>alert(1)</script>\n---\n"
            "# Injection <script>alert('t')</script>\n\n"
            "<script>alert('body')</script>\n"
            '<p onclick="alert(1)" onmouseover="alert(2)">clic</p>\n'
            '[js](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">a</a> '
            '<a href="jav&#x09;ascript:alert(3)">b</a>\n'
            '<img src=x onerror="alert(4)"> <svg onload="alert(5)"></svg>\n'
            "<style>body { display: none }</style>\n"
            '<form action="javascript:alert(6)"><button formaction="javascript:alert(7)">x</button></form>\n'
            '<meta http-equiv="refresh" content="0;url=javascript:alert(8)">\n'
        ),
        "Titre <b>gras</b>.md": "---\ntitle: <img src=x onerror=alert(9)>\naliases: ['<script>x</script>']\n---\ncorps\n",
    }


def make_hostile_vault(root: Path, port: int) -> Path:
    """Write the hostile vault under ``root/vault`` and a canary beside it, outside."""
    outside = root / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "canary.txt").write_text(CANARY, encoding="utf-8")
    (outside / "canary.png").write_bytes(PNG + CANARY.encode())
    (root / "canary.txt").write_text(CANARY, encoding="utf-8")
    vault = root / "vault"
    for name, content in hostile_files(port).items():
        path = vault / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    # Symlinks out of the vault: a note and a folder of images.
    (vault / "Lien vers dehors.md").symlink_to(root / "canary.txt")
    (vault / "images" / "dehors").symlink_to(outside, target_is_directory=True)
    (vault / "Symlinks.md").write_text(
        "# Symlinks\n\n![](images/dehors/canary.png) ![[Lien vers dehors]]\n", encoding="utf-8"
    )
    return vault
