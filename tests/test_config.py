"""xtdpublish.toml: every key typed, unknown keys and wrong types named with the file."""

from pathlib import Path

import pytest

from xtdpublish.config import Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "xtdpublish.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_no_file_gives_the_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config == Config()
    assert config.vault.include == ("**/*.md",)
    assert config.feeds.limit == 20


def test_every_documented_key_is_read(tmp_path):
    config = load_config(write(tmp_path, """
        [site]
        title = "MuseumXTD"
        subtitle = "Sous-titre"
        author = "Équipe"
        language = "fr"
        base_url = "https://www.museumxtd.ch"
        note_url = "{base_url}/{path}/"
        logo = "images/logo.png"
        [vault]
        include = ["Notes/**", "index.md"]
        exclude = [".trash/**", "Brouillon/**"]
        breaks = true
        titles = "eleventy"
        [guide]
        root = "index.md"
        theme = "mytheme"
        [feeds]
        tags = ["ressource"]
        limit = 5
        per_tag = true
    """.replace("\n        ", "\n")))
    assert config.site.language == "fr"
    assert config.site.logo == "images/logo.png"
    assert config.vault.include == ("Notes/**", "index.md")
    assert config.vault.breaks is True
    assert config.vault.titles == "eleventy"
    assert Config().vault.titles == "obsidian"
    assert config.guide.root == "index.md"
    assert config.feeds.tags == ("ressource",)
    assert config.feeds.limit == 5 and config.feeds.per_tag is True
    assert config.source == tmp_path / "xtdpublish.toml"


@pytest.mark.parametrize(
    "text, named",
    [
        ("[site]\ntitel = 'x'\n", "site.titel: unknown key"),
        ("[sight]\ntitle = 'x'\n", "unknown section [sight]"),
        ("[feeds]\nlimit = '20'\n", "feeds.limit: expected a whole number"),
        ("[feeds]\nlimit = true\n", "feeds.limit: expected a whole number"),
        ("[feeds]\nlimit = 0\n", "feeds.limit must be 1 or more"),
        ("[vault]\nbreaks = 'yes'\n", "vault.breaks: expected true or false"),
        ("[vault]\ntitles = 'alias'\n", "vault.titles must be one of 'obsidian', 'eleventy'"),
        ("[vault]\ninclude = 'Notes/**'\n", "vault.include: expected a list of strings"),
        ("[vault]\ninclude = [1, 2]\n", "vault.include: expected a list of strings"),
        ("site = 3\n", "[site] must be a table"),
        ("[site\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_file_and_the_key(tmp_path, text, named):
    vault = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(vault)
    assert named in str(error.value)
    assert str(vault / "xtdpublish.toml") in str(error.value)


def test_an_explicit_config_file_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path, tmp_path / "other.toml")
