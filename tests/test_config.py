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


# -- what cannot be a configuration file (issue 15): refused at once, never read forever ----

def test_toml_nested_a_thousand_deep_is_a_config_error(tmp_path):
    vault = write(tmp_path, "x = " + "[" * 1000 + "]" * 1000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(vault)
    vault = write(tmp_path, "x = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(vault)


def test_a_config_that_is_a_folder_is_refused(tmp_path):
    (tmp_path / "conf").mkdir()
    with pytest.raises(ConfigError, match="is a folder, not a configuration file"):
        load_config(tmp_path, tmp_path / "conf")
    (tmp_path / "xtdpublish.toml").mkdir()  # the vault's own file, as a folder: not "absent"
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)


@pytest.mark.parametrize("explicit", [True, False])
def test_a_fifo_config_never_blocks_and_is_not_taken_as_absent(tmp_path, explicit):
    import os
    import signal

    fifo = tmp_path / ("other.toml" if explicit else "xtdpublish.toml")
    os.mkfifo(fifo)
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading the FIFO blocked"))
    signal.alarm(5)
    try:
        with pytest.raises(ConfigError, match="a FIFO"):
            load_config(tmp_path, fifo if explicit else None)
    finally:
        signal.alarm(0)


def test_a_device_as_config_is_refused_without_reading_it(tmp_path):
    with pytest.raises(ConfigError, match="a device"):
        load_config(tmp_path, Path("/dev/zero"))


def test_a_huge_or_binary_config_is_refused(tmp_path):
    (tmp_path / "big.toml").write_bytes(b"# " + b"x" * (2 << 20))
    with pytest.raises(ConfigError, match="larger than"):
        load_config(tmp_path, tmp_path / "big.toml")
    (tmp_path / "bin.toml").write_bytes(b"title = '\xff\xfe'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path, tmp_path / "bin.toml")


def test_a_broken_symlink_as_the_vaults_config_is_an_error(tmp_path):
    (tmp_path / "xtdpublish.toml").symlink_to(tmp_path / "gone.toml")
    with pytest.raises(ConfigError, match="symbolic link to nothing"):
        load_config(tmp_path)


# -- site settings: refused at load time, naming the file and the key ----------------------

@pytest.mark.parametrize("line, named", [
    ('base_url = "www.museumxtd.ch"', "site.base_url: 'www.museumxtd.ch' has no scheme; "
                                      "write 'https://www.museumxtd.ch'"),
    ('base_url = "javascript:alert(1)"', "must start with https:// (or http://), not javascript:"),
    ('base_url = "https://a.ch/\\n<script>alert(1)</script>"', "a line break"),
    ('base_url = "https://a.ch/ x"', "site.base_url"),
    ('base_url = "ftp://a.ch"', "not ftp:"),
    ('base_url = "https://"', "names no host"),
    ('base_url = "https://user:secret@a.ch"', "no user name"),
    ('base_url = "https://a.ch/?q=1"', "'?' or '#'"),
    ('base_url = "https://a.ch:99999"', "port"),
    ('base_url = ""', "site.base_url: empty"),
    ('note_url = "{base_url}/{path.__class__.__mro__}"',
     "site.note_url: {path.__class__.__mro__} is not a placeholder"),
    ('note_url = "{base_url}/{path[0]}"', "{path[0]} is not a placeholder"),
    ('note_url = "{base_url}/{}"', "site.note_url: {} is not a placeholder"),
    ('note_url = "{base_url}/{0}"', "{0} is not a placeholder"),
    ('note_url = "{base_url}/{pth}/"', "did you mean {path}?"),
    ('note_url = "{base_url}/{path"', "site.note_url: '{base_url}/{path' is not a template"),
    ('note_url = "{base_url}/{path}}"', "is not a template"),
    ('note_url = "{base_url}/{path!r}"', "without ':' or '!'"),
    ('note_url = "{base_url}/{path:>99999}"', "without ':' or '!'"),
    ('note_url = "/{path}/"', "must start with {base_url} or with https://"),
    ('note_url = "{base_url}/a b/{path}"', "a space"),
    ('language = "français"', "site.language: 'français' is not a language tag (BCP 47); "
                              'did you mean "fr"?'),
    ('language = "French"', 'did you mean "fr"?'),
    ('language = "Deutsch"', 'did you mean "de"?'),
    ('language = "fr_CH"', 'did you mean "fr-CH"?'),
    ('language = "de_CH.UTF-8"', 'did you mean "de-CH"?'),
    ('language = ""', "is not a language tag"),
    ('language = "fr-"', "is not a language tag"),
])
def test_a_site_setting_that_cannot_work_is_refused_naming_the_key(tmp_path, line, named):
    vault = write(tmp_path, f"[site]\n{line}\n")
    with pytest.raises(ConfigError) as error:
        load_config(vault)
    assert named in str(error.value)
    assert str(error.value).startswith(f"{vault / 'xtdpublish.toml'}: site.")


@pytest.mark.parametrize("line", [
    'base_url = "https://www.museumxtd.ch/"', 'base_url = "http://localhost:8080/site"',
    'base_url = "https://musée.example"', 'note_url = "https://x.example/n/{id}.html"',
    'note_url = "{base_url}/{path}/"', 'note_url = "{base_url}/n/{id}/{{x}}"',
    'language = "de-CH"', 'language = "zh-Hant-TW"', 'language = "es-419"',
    'language = "de-CH-1901"', 'language = "FR"',
])
def test_good_site_settings_are_taken(tmp_path, line):
    load_config(write(tmp_path, f"[site]\n{line}\n"))


def test_note_urls_are_filled_by_name_never_by_str_format():
    from types import SimpleNamespace

    from xtdpublish.model import Model, NavNode, Site

    def url(template: str) -> str:
        site = Site("T", "", "", "fr", "https://a.example/", template)
        model = Model(site, (), NavNode("T", kind="root"), (), (), (), Path("."))
        return model.note_url(SimpleNamespace(path="Notes/Été 1.md", id="ete-1"))

    assert url("{base_url}/{path}/") == "https://a.example/Notes/%C3%89t%C3%A9%201/"
    assert url("{base_url}/n/{id}.html{{x}}") == "https://a.example/n/ete-1.html{x}"
    # a template that did not come through config.py still never reaches an attribute
    assert url("{base_url}/{path.__class__.__mro__}") == "https://a.example/"


@pytest.mark.parametrize("theme, named", [
    ("/", "a folder holding the vault"),
    ("..", "a folder holding the vault"),
    (".", "is the vault"),
    ("", "empty"),
])
def test_a_theme_that_is_not_a_theme_folder_is_refused(tmp_path, theme, named):
    vault = write(tmp_path, f'[guide]\ntheme = "{theme}"\n')
    with pytest.raises(ConfigError, match="guide.theme") as error:
        load_config(vault)
    assert named in str(error.value)


def test_a_theme_beside_the_vault_is_taken(tmp_path):
    (tmp_path / "theme").mkdir()
    (tmp_path / "vault").mkdir()
    write(tmp_path / "vault", '[guide]\ntheme = "../theme"\n')
    assert load_config(tmp_path / "vault").guide.theme == "../theme"
