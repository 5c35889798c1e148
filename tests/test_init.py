"""xtdpublish init: a config guessed from the vault, that loads, and never replaces one."""

from __future__ import annotations

import json
import tomllib

import pytest

from xtdpublish.build import check
from xtdpublish.cli import main
from xtdpublish.config import load_config
from xtdpublish.init import config_text, guess_breaks, guess_config, guess_language, read_notes

FR = "Le musée et les publics: une stratégie pour des projets dans la durée, avec les équipes. "
EN = "The museum and the public: a strategy for projects that last, with the teams of the house. "
DE = "Das Museum und die Besucher: eine Strategie für Projekte, die auch mit dem Team wachsen. "
IT = "Il museo e il pubblico: una strategia per progetti che durano, con gli più della casa. "
ES = "El museo y los públicos: una estrategia para los proyectos con las personas del museo. "


def test_init_on_the_sample_vault_writes_a_config_that_loads(sample_vault, capsys):
    (sample_vault / "xtdpublish.toml").unlink()
    assert main(["init", "--vault", str(sample_vault)]) == 0
    assert "wrote" in capsys.readouterr().out
    config = load_config(sample_vault)
    assert config.site.title == "MuseumXTD"  # 67 of the 71 notes say so
    assert config.site.language == "fr"
    # .trash is a dot-folder: never read, so it needs no line of its own
    assert config.vault.exclude == ("Brouillon/**", "Template/**")
    assert config.vault.include == ("**/*.md",)
    assert config.guide.root == "index.md"
    assert config.feeds.tags == ("ressource",)
    # the vault's .obsidian/app.json has "strictLineBreaks": true
    assert config.vault.breaks is False
    assert config.vault.titles == "eleventy"  # its title: is the site's name
    text = (sample_vault / "xtdpublish.toml").read_text(encoding="utf-8")
    assert "# Titles: " in text
    assert "# Tags in use (notes): ressource (33), question (21), forum (11)" in text
    assert "strictLineBreaks" not in text or "Strict line breaks" in text
    # with it, drafts, templates and trash are not published
    model = check(sample_vault, config).model
    paths = {note.path for note in model.notes}
    assert "index.md" in paths and "Notes/Comment mener un projet numérique.md" in paths
    assert not [p for p in paths if p.startswith(("Brouillon/", "Template/", ".trash/"))]


def test_init_never_replaces_a_config(sample_vault, capsys):
    before = (sample_vault / "xtdpublish.toml").read_bytes()
    assert main(["init", "--vault", str(sample_vault)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (sample_vault / "xtdpublish.toml").read_bytes() == before


def test_init_needs_a_vault_folder(tmp_path, capsys):
    assert main(["init", "--vault", str(tmp_path / "nothing")]) == 2


def test_a_title_shared_by_most_notes_is_the_site_title(make_vault):
    vault = make_vault({
        "a.md": "---\ntitle: Musée\n---\ntext", "b.md": "---\ntitle: Musée\n---\ntext",
        "c.md": "---\ntitle: Autre\n---\ntext",
    })
    assert guess_config(vault).title == "Musée"


def test_without_a_shared_title_the_folder_names_the_site(make_vault):
    vault = make_vault({"a.md": "---\ntitle: One\n---\n", "b.md": "---\ntitle: Two\n---\n",
                        "c.md": "# Three\n"}, name="my-museum_notes")
    guess = guess_config(vault)
    assert guess.title == "my museum notes"
    assert "folder" in guess.title_reason


@pytest.mark.parametrize("text, language", [(FR, "fr"), (EN, "en"), (DE, "de"), (IT, "it"),
                                            (ES, "es")])
def test_the_language_is_guessed_from_the_notes_text(make_vault, text, language):
    vault = make_vault({f"{n}.md": f"---\ntitle: x\n---\n{text * 3}" for n in range(3)})
    assert guess_language(read_notes(vault))[0] == language


def test_too_little_text_falls_back_to_english_and_says_so(make_vault):
    vault = make_vault({"a.md": "# Hi\n"})
    language, reason = guess_language(read_notes(vault))
    assert language == "en" and "too little text" in reason


@pytest.mark.parametrize("app_json, expected", [
    (None, True),  # an Obsidian vault with Obsidian's default: strict line breaks off
    ({"strictLineBreaks": False}, True),
    ({"strictLineBreaks": True}, False),
])
def test_breaks_follow_obsidians_strict_line_breaks(make_vault, app_json, expected):
    files = {"a.md": "x", ".obsidian/workspace.json": "{}"}
    if app_json is not None:
        files[".obsidian/app.json"] = json.dumps(app_json)
    assert guess_breaks(make_vault(files))[0] is expected


def test_breaks_are_off_outside_obsidian_and_on_when_eleventy_says_so(make_vault, tmp_path):
    assert guess_breaks(make_vault({"a.md": "x"}))[0] is False
    vault = make_vault({"a.md": "x", ".obsidian/app.json": '{"strictLineBreaks": true}'},
                       name="site/vault")
    (tmp_path / "site" / ".eleventy.js").write_text(
        "const md = markdownIt({ html: true, breaks: true, linkify: true });")
    breaks, reason = guess_breaks(vault)
    assert breaks is True and ".eleventy.js" in reason


def test_drafts_templates_and_trash_folders_are_excluded(make_vault):
    vault = make_vault({
        "Notes/a.md": "x", "Notes/Drafts/b.md": "x", "Modèles/t.md": "x", "Templates/u.md": "x",
        "trash/old.md": "x", "Brouillons/sub/draft/c.md": "x", "Empty Drafts/readme.txt": "x",
        "Templates2/ok.md": "x", ".obsidian/templates.json": '{"folder": "Gabarits"}',
        "Gabarits/g.md": "x",
    })
    assert guess_config(vault).exclude == [
        "Brouillons/**", "Gabarits/**", "Modèles/**", "Notes/Drafts/**", "Templates/**",
        "trash/**",
    ]


def test_navigation_root_only_when_index_has_eleventy_navigation(make_vault):
    with_nav = make_vault({"index.md": "---\neleventyNavigation:\n  key: Home\n---\n",
                           "a.md": "---\neleventyNavigation:\n  key: a\n  parent: Home\n---\n"})
    assert guess_config(with_nav).root == "index.md"
    without = make_vault({"index.md": "# Home\n", "a.md": "x"}, name="other")
    guess = guess_config(without)
    assert guess.root is None and "folders" in guess.root_reason


def test_an_obsidian_publish_site_says_the_guide_follows_it(make_vault):
    vault = make_vault({"Home.md": "x", "A/b.md": "x", "site-options.json": json.dumps(
        {"indexFile": "Home", "navigationOrdering": ["A", "A/b.md", "Home.md"]})})
    guess = guess_config(vault)
    assert guess.root is None  # the build takes Home.md from site-options.json itself
    assert "site-options.json" in guess.root_reason and "Home.md" in guess.root_reason
    assert "order of its navigation" in guess.root_reason
    missing = make_vault({"a.md": "x", "site-options.json": '{"indexFile": "Home"}'}, "other")
    assert "site-options" not in guess_config(missing).root_reason  # Home.md is not there


def test_a_fifo_named_site_options_is_never_opened(make_vault):
    """init reads site-options.json as the build does (vault/publish_site.py): a named pipe
    in its place would block a plain read forever."""
    import os

    vault = make_vault({"Home.md": "x"}, "fifo")
    os.mkfifo(vault / "site-options.json")
    guess = guess_config(vault)
    assert guess.title == "fifo" and "site-options" not in guess.root_reason


def test_tags_are_counted_per_note_from_every_spelling(make_vault):
    vault = make_vault({
        "a.md": "---\ntags: ressource forum\n---\n",
        "b.md": "---\ntags: [Ressource, '#question']\n---\n",
        "c.md": "---\ntags: 'ressource, ressource'\n---\n",
        "d.md": "---\nalias: [Question?]\ntags: question\n---\n",  # PyYAML refuses this one
    })
    guess = guess_config(vault)
    assert guess.tags == [("ressource", 3), ("question", 2), ("forum", 1)]
    assert guess.feed_tags == ["ressource"]


def test_inline_tags_are_tags_in_use_as_obsidian_reads_them(make_vault):
    """Obsidian's help vault has no tags: property but #camelCase, #tag... in its text (the
    book's tag index lists six): init wrote "No tags in use." Code, headings and #1984 are
    no tags."""
    vault = make_vault({
        "a.md": "# Titre\n\nUne #ressource et #Forum, pas `#code` ni #1984.\n",
        "b.md": "---\ntags: [ressource]\n---\nAussi #ressource ici.\n\n```\n#include\n```\n",
    })
    guess = guess_config(vault)
    assert guess.tags == [("ressource", 2), ("Forum", 1)]
    assert guess.feed_tags == ["ressource"]


def test_the_written_file_is_valid_toml_for_awkward_values(make_vault):
    vault = make_vault({f"{n}.md": '---\ntitle: \'Le "musée" \\ d\'\'art\'\n---\n' for n in range(2)})
    from xtdpublish.init import write_config

    path = write_config(vault)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["site"]["title"] == \
        'Le "musée" \\ d\'art'
    assert load_config(vault).feeds.tags == ()  # no tags: the feeds list every note


def test_the_title_rule_follows_the_kind_of_vault(make_vault, tmp_path):
    obsidian = make_vault({"a.md": "---\naliases: [Old]\n---\ntext", "b.md": "text",
                           ".obsidian/app.json": "{}"}, "obsidian")
    guess = guess_config(obsidian)
    assert guess.titles == "obsidian" and "file name" in guess.titles_reason
    with_nav = make_vault({"a.md": "---\neleventyNavigation:\n  key: a\n---\n"}, "nav")
    assert guess_config(with_nav).titles == "eleventy"
    site = make_vault({"notes/a.md": "text", ".eleventy.js": "module.exports = {}"}, "site")
    assert guess_config(site).titles == "eleventy"
    assert "titles = \"obsidian\"" in config_text(guess)
    assert load_config_text(config_text(guess), tmp_path).vault.titles == "obsidian"


def test_drawings_are_left_out_of_the_notes_init_reads(make_vault):
    vault = make_vault({"a.md": "text", "Plan.excalidraw.md": "---\nexcalidraw-plugin: parsed\n"
                        "---\n# Text Elements\nthe the the the\n", "Board.md":
                        "---\nexcalidraw-plugin: parsed\n---\n"})
    assert [note.path for note in read_notes(vault)] == ["a.md"]
    assert guess_config(vault).notes == 1


def load_config_text(text, folder):
    (folder / "guessed.toml").write_text(text, encoding="utf-8")
    return load_config(folder, folder / "guessed.toml")
