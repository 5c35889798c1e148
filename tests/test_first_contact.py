"""First contact: `init` then `build` on a vault never seen, as a new user runs them.

One small vault per guess `init` makes (no .obsidian/ but Obsidian's syntax, French prose
quoting English code, a CNAME, Eleventy's _data/site.json, drawings), then `build`; the exit
codes and the configuration written are checked, and what the build made of it.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import CONTENT
from xtdpublish.cli import main
from xtdpublish.config import Config, load_config
from xtdpublish.live_site import find_live_site

FR = ("Le musée et les publics : une stratégie pour des projets dans la durée, avec les équipes "
      "de la maison. Nous avons écrit cette note pour les médiateurs qui sont sur le terrain.\n")
CODE = ("```python\n# Read the file and write the result to the output for the user\n"
        "for line in open(path):\n    if line and not line.startswith('#'):\n"
        "        print(line, 'is in the file and the output of the program')\n```\n")
EN_CODE_PROSE = "Run `for item in the list of the things that are in the way of the program`.\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def init(capsys, vault: Path) -> tuple[dict, str]:
    code, out, err = run(capsys, "init", "--vault", str(vault))
    assert code == 0, err
    assert out.startswith(f"wrote {vault / 'xtdpublish.toml'} from ")
    assert f"then run `xtdpublish build --vault {vault}`" in out
    text = (vault / "xtdpublish.toml").read_text(encoding="utf-8")
    load_config(vault)  # what init writes always loads
    return tomllib.loads(text), text.replace("\n# ", " ")  # comments unwrapped


def build(capsys, vault: Path, tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "build", "--vault", str(vault), "--out", str(tmp_path / "out"), *extra)


def test_obsidian_syntax_without_obsidian_folder_means_obsidian_line_breaks(make_vault, tmp_path,
                                                                            capsys):
    vault = make_vault({
        "Home.md": "See [[Other]] and this image:\n![[pic.png]]\nthen more text.\n",
        "Other.md": "> [!note] A callout\n> Inside.\n\nA line ^block-1\n",
        "pic.png": b"\x89PNG\r\n\x1a\n",
    })
    data, text = init(capsys, vault)
    assert data["vault"]["breaks"] is True
    assert "No .obsidian folder, but the notes are Obsidian's" in text
    code, out, err = build(capsys, vault, tmp_path, "--format", "model")
    assert code == 0, err
    model = json.loads((tmp_path / "out" / "model.json").read_text(encoding="utf-8"))
    home = next(n for n in model["notes"] if n["path"] == "Home.md")
    assert "<br" in home["body_html"]  # the image on its own line, as Obsidian shows it


def test_plain_markdown_keeps_standard_line_breaks(make_vault, capsys):
    vault = make_vault({"a.md": "# A\n\nOne line\nthe same paragraph, [a link](b.md).\n",
                        "b.md": "text"})
    data, text = init(capsys, vault)
    assert data["vault"]["breaks"] is False
    assert "no Obsidian syntax in the notes" in text


def test_french_prose_quoting_english_code_is_french(make_vault, capsys):
    notes = {f"Cours {n}.md": f"# Leçon {n}\n\n{FR}\n{CODE}\n{EN_CODE_PROSE}\n{CODE}"
             f"Voir https://www.example.org/the-page-of-the-course-for-the-students\n"
             for n in range(4)}
    vault = make_vault(notes)
    data, text = init(capsys, vault)
    assert data["site"]["language"] == "fr"
    assert "code left out" in text


def test_a_cname_gives_the_live_site_and_the_whole_build_runs(make_vault, tmp_path, capsys):
    vault = make_vault({
        "CNAME": "www.example.org\n",
        "a.md": "---\ndate: 2024-01-02\n---\n# A\n\nTexte.\n",
    })
    data, text = init(capsys, vault)
    assert data["site"]["base_url"] == "https://www.example.org"
    assert "from GitHub Pages' CNAME (CNAME)" in text
    code, out, err = build(capsys, vault, tmp_path)  # every format, as a new user would
    assert code == 0, err
    for name in ("model.json", "guide.pdf", "guide.epub", "feed.json", "rss.xml", "atom.xml"):
        assert (tmp_path / "out" / name).is_file(), name
    assert "warning" not in err
    assert re.search(r"Built 8 outputs from 1 note in .*: 0 errors, 0 warnings$", out.strip())


def test_an_eleventy_site_gives_its_url_and_its_partials_are_left_out(tmp_path, capsys):
    site = tmp_path / "site"
    files = {
        "_data/site.json": json.dumps({"title": "Le site", "url": "https://musee.example/"}),
        "_includes/footer.md": "Pied de page {{ year }}\n",
        "_layouts/base.md": "{{ content }}\n",
        "node_modules/pkg/README.md": "# A package\n",
        ".eleventy.js": "module.exports = { dir: { includes: 'partials' } };\n",
        "partials/head.md": "head\n",
        "notes/a.md": "# A\n\nTexte.\n",
        "index.md": "# Accueil\n",
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    data, text = init(capsys, site)
    assert data["site"]["base_url"] == "https://musee.example"
    assert "Eleventy's _data/site.json (_data/site.json)" in text
    assert data["vault"]["exclude"] == ["_includes/**", "_layouts/**", "node_modules/**",
                                        "partials/**"]
    code, _, err = build(capsys, site, tmp_path, "--format", "model")
    assert code == 0, err
    model = json.loads((tmp_path / "out" / "model.json").read_text(encoding="utf-8"))
    assert sorted(n["path"] for n in model["notes"]) == ["index.md", "notes/a.md"]


def test_the_site_beside_the_notes_in_one_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "pages.yml").write_text(
        "jobs:\n  deploy:\n    steps:\n      - uses: peaceiris/actions-gh-pages@v3\n"
        "        with:\n          cname: docs.example.org\n", encoding="utf-8")
    (repo / "notes").mkdir()
    (repo / "notes" / "a.md").write_text("# A\n", encoding="utf-8")
    data, text = init(capsys, repo / "notes")
    assert data["site"]["base_url"] == "https://docs.example.org"
    assert "from the workflow's cname: (../.github/workflows/pages.yml)" in text


@pytest.mark.parametrize("files, url", [
    ({"hugo.toml": 'baseURL = "https://hugo.example/"\ntitle = "x"\n'}, "https://hugo.example"),
    ({"config.yaml": "baseURL: https://hugoyaml.example/\n"}, "https://hugoyaml.example"),
    ({"mkdocs.yml": "site_name: Docs\nsite_url: https://mk.example/docs/\n"},
     "https://mk.example/docs"),
    ({"package.json": '{"homepage": "https://app.example"}'}, "https://app.example"),
    ({"package.json": '{"homepage": "https://github.com/o/r#readme"}'}, None),  # the repository
    ({"CNAME": "not a host name\n"}, None),
    ({"_data/meta.json": '{"url": "javascript:alert(1)"}'}, None),  # never a bad address
    ({"static/CNAME": "static.example\n", "mkdocs.yml": "site_url: https://mk.example\n"},
     "https://static.example"),  # a CNAME says where the site is served: it comes first
    ({}, None),
])
def test_where_a_site_names_its_address(tmp_path, files, url):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = find_live_site(tmp_path)
    assert (found.url if found else None) == url


def test_a_fifo_where_a_site_file_would_be_never_blocks_init(make_vault, capsys):
    import os

    vault = make_vault({"a.md": "# A\n"})
    os.mkfifo(vault / "CNAME")
    os.mkfifo(vault / "package.json")
    data, _ = init(capsys, vault)
    assert "base_url" not in data["site"]


def test_drawings_are_left_out(make_vault, tmp_path, capsys):
    vault = make_vault({
        "Notes/a.md": "# A\n\n![[Drawing 1.excalidraw]]\n",
        "Excalidraw/Drawing 1.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\nx ^a\n",
        "Excalidraw/Drawing 2.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n# Drawing\n",
        "Sketch.md": "---\nexcalidraw-plugin: parsed\n---\n# Drawing\n",
    })
    data, text = init(capsys, vault)
    # drawings are pictures to the reader (vault/drawings.py), never notes: nothing to exclude,
    # and excluding them would leave their embeds without their image
    assert "exclude" not in data["vault"] and "1 note looked at" in text
    code, _, err = build(capsys, vault, tmp_path, "--format", "model")
    assert code == 0, err
    model = json.loads((tmp_path / "out" / "model.json").read_text(encoding="utf-8"))
    assert [n["path"] for n in model["notes"]] == ["Notes/a.md"]


def test_an_include_matching_nothing_says_what_the_vault_holds(make_vault, tmp_path, capsys):
    vault = make_vault({
        "Notes/a.md": "# A\n", "Notes/b.md": "# B\n", "Navigation/menu.md": "# Menu\n",
        "index.md": "# Home\n",
        "xtdpublish.toml": '[vault]\ninclude = ["Navigtion/**", "Note/**"]\n',
    })
    code, out, err = build(capsys, vault, tmp_path)
    assert code == 2 and out == ""
    assert err.strip().endswith(
        f"xtdpublish: error: {vault / 'xtdpublish.toml'}: vault.include ['Navigtion/**', "
        "'Note/**'] matches no note (did you mean 'Navigation/**'?). The vault's 4 notes are in "
        "Notes/ (2), Navigation/ (1) and at its top (1: index.md).")
    assert not (tmp_path / "out" / "guide.pdf").exists()
    code, _, err = run(capsys, "check", "--vault", str(vault))
    assert code == 2 and "matches no note" in err
    # one glob of several that takes nothing: the build goes on, and says so
    (vault / "xtdpublish.toml").write_text('[vault]\ninclude = ["Notes/**", "Navigtion/**"]\n')
    code, out, err = build(capsys, vault, tmp_path, "--format", "model")
    assert code == 0
    assert ("xtdpublish.toml: warning: vault.include: 'Navigtion/**' matches no note (did you "
            "mean 'Navigation/**'?) (the other globs take 2 of the vault's 4) [config.include]") in err


def test_an_exclude_leaving_nothing_is_refused(make_vault, tmp_path, capsys):
    vault = make_vault({"a.md": "# A\n", "xtdpublish.toml": '[vault]\nexclude = ["*.md"]\n'})
    code, _, err = build(capsys, vault, tmp_path, "--format", "model")
    assert code == 2 and "vault.exclude ['*.md'] leaves out every note" in err


# -- no site.base_url: everything else is built ----------------------------------------------

def test_without_base_url_the_default_build_writes_the_rest_and_says_so_once(make_vault, tmp_path,
                                                                             capsys):
    vault = make_vault({"a.md": "---\ndate: 2024-01-02\n---\n# A\n\nTexte.\n"})
    init(capsys, vault)
    code, out, err = build(capsys, vault, tmp_path)
    assert code == 0, err
    said = [line for line in err.splitlines() if "warning" in line or "error" in line]
    assert said == [
        "xtdpublish.toml: warning: feed.json, rss.xml and atom.xml are not written: "
        "site.base_url is not set (the address of the live site, which every link of a feed "
        'starts with). Add it to xtdpublish.toml: base_url = "https://www.example.org" under '
        "[site] [config.needed]"]
    for name in ("model.json", "guide.pdf", "guide.epub", "guide.docx", "guide.odt", "report.html"):
        assert (tmp_path / "out" / name).is_file()
    assert not (tmp_path / "out" / "feed.json").exists()
    assert re.search(r"Built 5 outputs from 1 note in .*: 0 errors, 1 warning", out)
    assert build(capsys, vault, tmp_path, "--strict")[0] == 1
    # asked for by name, a feed that cannot be made is a configuration error
    code, out, err = build(capsys, vault, tmp_path, "--format", "json")
    assert code == 2
    assert f"xtdpublish: error: {vault / 'xtdpublish.toml'}: feed.json is not written: " \
           "site.base_url is not set" in err
    # check says it too
    code, _, err = run(capsys, "check", "--vault", str(vault))
    assert code == 0 and "[config.needed]" in err


# -- one set of defaults: init, config.py, the shipped content/xtdpublish.toml ----------------

def test_init_on_the_seed_vault_agrees_with_its_shipped_config(tmp_path, capsys):
    """init's guesses on content/ are what content/xtdpublish.toml says, and what it leaves
    commented out is config.py's default (which tests/test_readme.py holds to the README's
    table): one set of defaults."""
    import shutil

    vault = tmp_path / "content"
    shutil.copytree(CONTENT, vault)
    shipped = tomllib.loads((vault / "xtdpublish.toml").read_text(encoding="utf-8"))
    (vault / "xtdpublish.toml").unlink()
    written, _ = init(capsys, vault)
    text = (vault / "xtdpublish.toml").read_text(encoding="utf-8")
    for section, values in written.items():
        for key, value in values.items():
            if key in shipped.get(section, {}):
                assert shipped[section][key] == value, f"{section}.{key}"
    # what init leaves commented out is config.py's default, written as TOML
    defaults = Config()
    commented = re.findall(r"^# ([a-z_]+) = (.+?)(?:   #.*)?$", text, re.M)
    section_of = {key: section for section in ("site", "vault", "guide", "feeds")
                  for key in getattr(defaults, section).__dataclass_fields__}
    checked = 0
    for key, value in commented:
        default = getattr(getattr(defaults, section_of[key]), key)
        if default is None or key in ("exclude", "tags"):  # examples, not defaults
            continue
        parsed = tomllib.loads(f"v = {value}")["v"]
        assert parsed == (list(default) if isinstance(default, tuple) else default), key
        checked += 1
    assert checked >= 6


@pytest.mark.slow
def test_init_and_build_on_obsidians_help_vault(tmp_path):
    """The help vault as a newcomer meets it: no .obsidian/, Obsidian Publish's settings."""
    import shutil
    import sys

    from conftest import SHARED

    source = SHARED / "vaults" / "obsidian-help-en"
    if not source.is_dir():
        pytest.skip("the Obsidian help vault is not here")
    vault = tmp_path / "help"
    shutil.copytree(source, vault)
    command = [sys.executable, "-m", "xtdpublish"]
    init = subprocess.run([*command, "init", "--vault", str(vault)], capture_output=True,
                          text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    config = load_config(vault)
    assert config.site.title == "Obsidian Help" and config.site.language == "en"
    assert config.vault.breaks is True and config.site.logo
    # every format but the PDF (718 pages: minutes, laid out by tests/pdf at other sizes)
    done = subprocess.run([*command, "build", "--vault", str(vault), "--out", str(tmp_path / "out"),
                           "--format", "model,epub"], capture_output=True, text=True, timeout=900,
                          env={**__import__("os").environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "out" / "guide.epub").is_file()
    assert "Traceback" not in done.stderr
    checked = subprocess.run([*command, "check", "--vault", str(vault)], capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0
    assert "[config.needed]" in checked.stderr  # the one thing it could not guess
