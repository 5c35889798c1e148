"""Tags, aliases, titles, drafts and eleventyNavigation, through read_note on small vaults."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from xtdpublish.config import Config, SiteConfig, VaultConfig
from xtdpublish.report import Report
from xtdpublish.vault.files import SourceFile, scan_vault
from xtdpublish.vault.metadata import NavEntry, choose_title, read_tags
from xtdpublish.vault.source import NavEntry as SourceNavEntry
from xtdpublish.vault.source import read_note

# MuseumXTD's: its title: is the site's name, so its titles come from aliases and headings
CONFIG = Config(site=SiteConfig(title="MuseumXTD"), vault=VaultConfig(titles="eleventy"))
OBSIDIAN = Config(site=SiteConfig(title="MuseumXTD"))  # the default rule, as Obsidian shows it


def note(text, path="Notes/Une note.md", config=CONFIG):
    report = Report()
    source = SourceFile(path=path, abs_path=None, text=text, mtime=1_650_000_000.0)
    return read_note(source, config, None, report), report


def diags(report):
    return [(d.line, d.severity.value, d.code) for d in report.sorted()]


# -- tags ---------------------------------------------------------------------

@pytest.mark.parametrize("value, tags", [
    ("ressource forum francais", ("ressource", "forum", "francais")),
    ("ressource, forum,francais", ("ressource", "forum", "francais")),
    ("'#liens #strategie #rapport'", ("liens", "strategie", "rapport")),
    ("[a, '#b', c/d]", ("a", "b", "c/d")),
    ("\n  - a\n  - b c", ("a", "b", "c")),
    ("projet/numérique #projet/Numérique", ("projet/numérique",)),
    ("Question question QUESTION", ("Question",)),
    ("", ()),
    ("[]", ()),
    ("[a, null, '']", ("a",)),
])
def test_tags(value, tags):
    source, report = note(f"---\ntags: {value}\n---\n")
    assert source.tags == tags
    assert report.diagnostics == []


def test_the_seed_comment_tags():
    source, report = note("---\ntitle: MuseumXTD\ntags: #liens #strategie #rapport\n---\n")
    assert source.tags == ("liens", "strategie", "rapport")
    assert diags(report) == [(3, "warning", "frontmatter.comment-value")]


def test_number_tags_become_text_with_a_warning():
    source, report = note("---\ntags: [2022, musée]\n---\n")
    assert source.tags == ("2022", "musée")
    assert diags(report) == [(2, "warning", "tags.number")]


def test_other_non_text_tags_are_reported_and_left_out():
    source, report = note("---\ntags: [a, {x: y}, true, [b]]\n---\n")
    assert source.tags == ("a",)
    assert [c for _, _, c in diags(report)] == ["tags.invalid"] * 3


def test_a_tag_mapping_at_the_top_is_reported():
    source, report = note("---\ntags:\n  a: b\n---\n")
    assert source.tags == () and diags(report) == [(2, "warning", "tags.invalid")]


def test_singular_tag_key():
    source, _ = note("---\ntag: a b\n---\n")
    assert source.tags == ("a", "b")


def test_read_tags_directly_keeps_first_spelling():
    assert read_tags(["Musée", "musée", "MUSÉE", "autre"], "p", 1, Report()) == ("Musée", "autre")


# -- aliases ----------------------------------------------------------------------

@pytest.mark.parametrize("frontmatter, aliases", [
    ("alias: Un autre nom", ("Un autre nom",)),
    ("aliases: [Un, Deux]", ("Un", "Deux")),
    ("aliases:\n  - Un\n  - Deux\nalias: Trois", ("Un", "Deux", "Trois")),
    ("alias:", ()),
    ("alias: ''", ()),
    ("aliases: [Un, Un, '  Un  ']", ("Un",)),
    ("alias: Numérique et culture, la quête", ("Numérique et culture, la quête",)),
])
def test_aliases(frontmatter, aliases):
    source, report = note(f"---\n{frontmatter}\n---\n")
    assert source.aliases == aliases
    assert report.diagnostics == []


def test_alias_with_a_colon_that_yaml_reads_as_a_mapping():
    source, report = note("---\naliases: [Projet: le bilan]\n---\n")
    assert source.aliases == ("Projet: le bilan",)
    assert diags(report) == [(2, "warning", "alias.colon")]


def test_alias_number_and_junk():
    source, report = note("---\naliases: [2022, {a: 1, b: 2}]\n---\n")
    assert source.aliases == ("2022",)
    assert [c for _, _, c in diags(report)] == ["alias.invalid", "alias.number"]


# -- titles -----------------------------------------------------------------------

def title_of(text, first_h1=None, path="Notes/Une note.md", config=CONFIG):
    source, report = note(text, path, config)
    return choose_title(source, first_h1, config.vault.titles), report


@pytest.mark.parametrize("text, first_h1, title", [
    ("---\ntitle: Vrai titre\naliases: [Autre]\n---\n", "Heading", ("Vrai titre", "title")),
    ("---\naliases: [How to/Old name, Other]\n---\n# Heading\n", "Heading",
     ("Une note", "filename")),
    ("---\neleventyNavigation:\n  key: k\n  title: Nav\n---\n", "Heading", ("Une note", "filename")),
    ("# A heading\n", "A heading", ("Une note", "filename")),
])
def test_obsidian_titles_are_the_title_property_else_the_file_name(text, first_h1, title):
    """Obsidian shows a note's file name, or its title property: aliases are other names to
    link by, and neither the navigation nor a heading renames the note."""
    (found, report) = title_of(text, first_h1, config=OBSIDIAN)
    assert found == title
    assert diags(report) == []


def test_obsidian_rule_keeps_a_title_that_looks_like_the_site_name():
    text = "---\ntitle: MuseumXTD - Forum\nalias: [Le projet Ramuz]\n---\n"
    title, report = title_of(text, config=OBSIDIAN)
    assert title == ("MuseumXTD - Forum", "title") and diags(report) == []


def test_title_from_frontmatter():
    assert title_of("---\ntitle: Vrai titre\nalias: Autre\n---\n")[0] == ("Vrai titre", "title")


def test_site_title_is_not_a_note_title_then_alias():
    text = "---\ntitle: 'MuseumXTD  '\nalias: [Comment faire?]\n---\n# Heading\n"
    assert title_of(text, "Heading")[0] == ("Comment faire?", "alias")


def test_then_navigation_title_then_heading_then_filename():
    nav = "---\ntitle: MuseumXTD\neleventyNavigation:\n  key: k\n  title: Nav\n---\n"
    assert title_of(nav, "Heading")[0] == ("Nav", "navigation")
    assert title_of("---\ntitle: MuseumXTD\n---\n", "Heading")[0] == ("Heading", "heading")
    assert title_of("---\ntitle: MuseumXTD\n---\n", "  ")[0] == ("Une note", "filename")
    assert title_of("no frontmatter", None, "Dossier/Ma note.md")[0] == ("Ma note", "filename")


def test_a_file_name_of_blanks_gives_the_path_as_title():
    """Found by tests/test_fuzz_vaults.py: ``\x85.md`` (NEL) had an invisible title."""
    assert title_of("text", None, "Dossier/\x85.md")[0] == ("Dossier/\x85.md", "filename")
    assert title_of("text", None, " .md")[0] == (" .md", "filename")


def test_site_name_with_a_section_gives_way_to_an_alias():
    # "Le projet Ramuz" in MuseumXTD: `title: MuseumXTD - Forum` is the page's <title>
    text = "---\ntitle: MuseumXTD - Forum\nalias: [Le projet Ramuz]\n---\n"
    (title, how), report = title_of(text)
    assert (title, how) == ("Le projet Ramuz", "alias")
    assert diags(report) == [(2, "info", "title.site-name")]
    # without any other name, it is the title the author gave
    assert title_of("---\ntitle: MuseumXTD - Forum\n---\n")[0] == ("MuseumXTD - Forum", "title")


def test_without_a_site_title_every_title_counts():
    config = Config(site=SiteConfig(title=""))
    assert title_of("---\ntitle: MuseumXTD\n---\n", config=config)[0] == ("MuseumXTD", "title")


def test_numeric_title_is_text():
    assert title_of("---\ntitle: 2022\n---\n")[0] == ("2022", "title")


@pytest.mark.parametrize("value", ["[a, b]", "{a: b}", "true"])
def test_title_that_is_not_text_is_reported(value):
    (title, how), report = title_of(f"---\ntitle: {value}\n---\n", "Heading")
    assert (title, how) == ("Heading", "heading")
    assert diags(report) == [(2, "warning", "title.invalid")]


# -- draft / publish ----------------------------------------------------------------

@pytest.mark.parametrize("frontmatter, reason", [
    ("draft: true", "draft: true"),
    ("draft: 'true'", "draft: true"),
    ("draft: yes", "draft: true"),
    ("draft: false", None),
    ("publish: false", "publish: false"),
    ("publish: 'false'", "publish: false"),
    ("publish: true", None),
    ("published: false", "published: false"),
    ("title: x", None),
])
def test_unpublished(frontmatter, reason):
    source, report = note(f"---\n{frontmatter}\n---\n")
    assert source.unpublished == reason
    assert report.diagnostics == []


def test_unreadable_draft_flag_is_reported():
    source, report = note("---\ndraft: peut-être\n---\n")
    assert source.unpublished is None
    assert diags(report) == [(2, "warning", "publish.invalid")]


# -- eleventyNavigation ----------------------------------------------------------------

def test_navigation_entry():
    text = "---\neleventyNavigation:\n  key: menerprojet\n  title: Mener?\n  parent: gererenv\n  order: 3\n---\n"
    source, report = note(text)
    assert source.nav == NavEntry(key="menerprojet", parent="gererenv", title="Mener?", order=3.0, line=3)
    assert SourceNavEntry is NavEntry
    assert report.diagnostics == []


def test_integer_key_is_text_with_a_warning():
    source, report = note("---\neleventyNavigation:\n  key: 2022\n  parent: Ressources\n---\n")
    assert source.nav.key == "2022" and source.nav.parent == "Ressources"
    assert diags(report) == [(3, "warning", "nav.key-not-text")]
    assert "Notes/Une note.md:3" in str(report.diagnostics[0])


@pytest.mark.parametrize("block", ["  key: \n  title:\n  parent: ", "  title: T", "  key: ''"])
def test_empty_key_gives_no_navigation(block):
    source, report = note(f"---\neleventyNavigation:\n{block}\n---\n")
    assert source.nav is None
    assert [c for _, _, c in diags(report)] == ["nav.no-key"]


def test_empty_key_with_a_parent_is_placed_under_the_parent():
    """Eleventy's navigation plugin lists such a note under its parent (it only cannot have
    children of its own): no warning, an entry with an empty key."""
    source, report = note("---\neleventyNavigation:\n  key:\n  parent: Ressources\n"
                          "  title: Le titre\n---\n")
    assert source.nav == NavEntry(key="", parent="Ressources", title="Le titre", order=None,
                                  line=3)
    assert report.diagnostics == []


def test_navigation_that_is_not_a_mapping():
    source, report = note("---\neleventyNavigation: accueil\n---\n")
    assert source.nav is None and diags(report) == [(2, "warning", "nav.invalid")]


@pytest.mark.parametrize("order, expected, warned", [
    ("2.5", 2.5, False), ("'7'", 7.0, False), ("'1,5'", 1.5, False),
    ("premier", None, True), (".nan", None, True), ("", None, False),
])
def test_navigation_order(order, expected, warned):
    source, report = note(f"---\neleventyNavigation:\n  key: k\n  order: {order}\n---\n")
    assert source.nav.order == expected
    assert bool(report.diagnostics) is warned


def test_navigation_parent_number_and_junk():
    source, report = note("---\neleventyNavigation:\n  key: k\n  parent: [a]\n---\n")
    assert source.nav.parent is None and diags(report) == [(4, "warning", "nav.parent-invalid")]


# -- identity -------------------------------------------------------------------------

@pytest.mark.parametrize("frontmatter, uid", [
    ("id: abc", "abc"), ("uid: 42", "42"), ("id: ''", None), ("", None),
])
def test_uid(frontmatter, uid):
    source, _ = note(f"---\n{frontmatter}\n---\n")
    assert source.uid == uid


def test_first_path_without_git_is_the_path():
    source, _ = note("x", path="A/b.md")
    assert source.first_path == "A/b.md"


# -- the seeds and the MuseumXTD sample ----------------------------------------------------

def read_all(root, config=None):
    from xtdpublish.config import load_config

    config = config or load_config(root)
    report = Report()
    files = scan_vault(root, config.vault, report)
    return {f.path: read_note(f, config, None, report) for f in files.notes}, report, files


def test_seed_pseudo_header_note(seed_vault):
    notes, _, _ = read_all(seed_vault)
    source = notes["Pourquoi développer une stratégie numérique.md"]
    assert source.tags == ("question",)
    assert source.published == datetime(2022, 5, 12, tzinfo=timezone.utc)
    assert source.date_source == "frontmatter"
    assert source.body.startswith("# Pourquoi")
    assert source.body_line == 5


def test_seed_titles_and_tags(seed_vault):
    notes, _, _ = read_all(seed_vault)
    assert choose_title(notes["Comment élaborer une stratégie numérique.md"], "Comment élaborer une stratégie numérique?", "eleventy") \
        == ("Comment élaborer une stratégie numérique?", "alias")
    assert notes["Initiatives internationales pour la transition des petits et moyens musées.md"].tags \
        == ("liens", "projet")
    assert notes["Journée professionnelle - La Stratégie numérique dans les musées, pour une approche "
                 "globale du numérique.md"].tags == ("liens", "strategie", "rapport")


@pytest.mark.parametrize("pure_yaml", [False, True], ids=["default-yaml", "pure-python-yaml"])
def test_sample_vault(sample_vault, monkeypatch, pure_yaml):
    from xtdpublish.config import load_config
    from xtdpublish.vault import frontmatter

    if pure_yaml:
        monkeypatch.setattr(frontmatter, "LOADER", frontmatter.PURE_LOADER)
    notes, report, files = read_all(sample_vault, load_config(sample_vault))
    in_notes = {p: s for p, s in notes.items() if p.startswith("Notes/")}
    assert len(in_notes) > 60
    assert not any(p.startswith(("Brouillon/", "Template/", ".trash/")) for p in notes)
    assert "Template/Note question.md" in files.excluded
    flow_question = re.compile(r"^alias: \[(.*\?)\]\s*$", re.M)
    recovered = 0
    for path, source in in_notes.items():
        raw = (sample_vault / path).read_text("utf-8")
        for tag in source.tags:
            assert tag and not re.search(r"[\s,#]", tag), (path, tag)
        raw_tags = re.search(r"^tags:(.*)$", raw, re.M)
        if raw_tags and raw_tags.group(1).strip():
            assert source.tags == tuple(raw_tags.group(1).split()), path
        match = flow_question.search(raw)
        if match:
            recovered += 1
            assert source.aliases == (match.group(1),), path
            assert choose_title(source, None, "eleventy") == (match.group(1), "alias")
    assert recovered == 18  # of the sample's notes; 23 of 153 in the whole MuseumXTD vault
    elaborer = in_notes["Notes/Comment élaborer une stratégie numérique.md"]
    assert elaborer.aliases == ("Comment élaborer une stratégie numérique?",)
    assert choose_title(elaborer, None, "eleventy") == ("Comment élaborer une stratégie numérique?", "alias")
    assert in_notes["Notes/MuseumXTD - Antoine Roland.md"].tags == ("ressource", "forum", "francais")
    # whichever YAML library runs, the same warnings come out, one per recovered alias
    assert sum(d.code == "frontmatter.recovered" for d in report.diagnostics) == recovered
    assert all(d.line for d in report.diagnostics if d.code == "frontmatter.recovered")
