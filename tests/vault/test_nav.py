"""The navigation tree: eleventyNavigation or folders, every note exactly once."""

from __future__ import annotations

import pytest

from xtdpublish.config import load_config
from xtdpublish.report import Report
from xtdpublish.vault.nav import NavItem, build_nav
from xtdpublish.vault.reader import read_vault


def nav_note(key, parent=None, order=None, title=None, body=""):
    lines = ["---", "eleventyNavigation:", f"  key: {key}"]
    if parent:
        lines.append(f"  parent: {parent}")
    if order is not None:
        lines.append(f"  order: {order}")
    if title:
        lines.append(f"  title: {title}")
    return "\n".join([*lines, "---", body, ""])


@pytest.fixture
def read(make_vault):
    def read(files, name="vault"):
        root = make_vault(files, name)
        report = Report()
        return read_vault(root, load_config(root), report), report

    return read


def shape(node, model=None):
    """(title, kind, children) all the way down, for readable asserts."""
    kids = tuple(shape(child) for child in node.children)
    return (node.title, node.kind, kids) if kids else (node.title, node.kind)


def test_children_by_order_then_first_link_in_parent_then_title(read):
    model, report = read({
        "xtdpublish.toml": '[site]\ntitle = "Site"\n',
        "index.md": nav_note("home", body="[[Zeta]] then [[Beta]] then [[Delta]]"),
        "Alpha.md": nav_note("alpha", "home"),
        "Beta.md": nav_note("beta", "home"),
        "Gamma.md": nav_note("gamma", "home", order=1),
        "Zeta.md": nav_note("zeta", "home"),
        "Delta.md": nav_note("delta", "home"),
        "Child.md": nav_note("child", "beta"),
    })
    assert shape(model.nav) == ("Site", "root", (
        ("Gamma", "note"), ("Zeta", "note"), ("Beta", "note", (("Child", "note"),)),
        ("Delta", "note"), ("Alpha", "note"),
    ))
    assert model.nav.note == "index"
    parents = {n.id: n.nav_parent for n in model.notes}
    assert parents == {"index": None, "alpha": "index", "beta": "index", "gamma": "index",
                       "zeta": "index", "delta": "index", "child": "beta"}
    assert report.diagnostics == []


def test_unreached_notes_go_to_an_unlisted_branch_in_the_site_language(read):
    model, report = read({
        "xtdpublish.toml": '[site]\ntitle = "S"\nlanguage = "fr-CH"\n',
        "index.md": nav_note("home"),
        "In.md": nav_note("in", "home"),
        "Plain.md": "no navigation\n",
        "Lost.md": nav_note("lost", "nowhere"),
        "Under lost.md": nav_note("under", "lost"),
    })
    assert shape(model.nav) == ("S", "root", (
        ("In", "note"),
        ("Autres notes", "unlisted", (
            ("Lost", "note", (("Under lost", "note"),)), ("Plain", "note"),
        )),
    ))
    assert [(d.path, d.code) for d in report.sorted()] == [("Lost.md", "nav.parent")]
    notes = [node.note for node in model.nav.walk() if node.note]
    assert sorted(notes) == sorted(n.id for n in model.notes)
    assert len(notes) == len(set(notes))


def test_unlisted_title_in_english(read):
    model, _ = read({"index.md": nav_note("home"), "x.md": "x\n"})
    assert model.nav.children[-1].title == "Unlisted notes"
    assert model.nav.children[-1].kind == "unlisted"


def test_cycles_are_broken_with_a_warning(read):
    model, report = read({
        "index.md": nav_note("home"),
        "A.md": nav_note("a", "b"),
        "B.md": nav_note("b", "a"),
    })
    assert [(d.path, d.code) for d in report.sorted()] == [("A.md", "nav.cycle")]
    assert shape(model.nav.children[-1]) == (
        "Unlisted notes", "unlisted", (("A", "note", (("B", "note"),)),)
    )


def test_duplicate_keys_are_reported_and_every_note_still_appears_once(read):
    model, report = read({
        "index.md": nav_note("home"),
        "A.md": nav_note("same", "home"),
        "B.md": nav_note("same", "home"),
        "C.md": nav_note("c", "same"),
    })
    assert [(d.path, d.code) for d in report.sorted()] == [("B.md", "nav.duplicate")]
    assert shape(model.nav)[2] == (("A", "note", (("C", "note"),)), ("B", "note"))


def test_number_keys_are_reported_and_used(read):
    model, report = read({
        "index.md": nav_note("home"),
        "Year.md": nav_note(2022, "home"),
        "Child.md": nav_note('"2022"', None).replace("key: \"2022\"", "key: c\n  parent: 2022"),
    })
    assert ("Year.md", "nav.key-not-text") in [(d.path, d.code) for d in report.diagnostics]
    assert shape(model.nav)[2] == (("Year", "note", (("Child", "note"),)),)


def test_guide_root_chooses_the_root_and_default_is_the_biggest_tree():
    items = [
        NavItem("small", "small.md", "Small", key="s"),
        NavItem("s1", "s1.md", "S1", key="s1", parent="s"),
        NavItem("big", "big.md", "Big", key="b"),
        NavItem("b1", "b1.md", "B1", key="b1", parent="b"),
        NavItem("b2", "b2.md", "B2", key="b2", parent="b1"),
    ]
    report = Report()
    nav = build_nav(items, None, "T", "en", report)
    assert nav.tree.note == "big"
    assert [c.title for c in nav.tree.children] == ["B1", "Unlisted notes"]
    nav = build_nav(items, "small.md", "T", "en", report)
    assert nav.tree.note == "small"
    assert report.diagnostics == []
    build_nav(items, "missing.md", "T", "en", report)
    assert [d.code for d in report.diagnostics] == ["nav.root"]


def test_without_eleventy_navigation_folders_give_the_tree(read):
    model, report = read({
        "xtdpublish.toml": '[site]\ntitle = "Vault"\n[vault]\ntitles = "eleventy"\n',
        "index.md": "# Home\n",
        "b.md": "# Beta\n",
        "a.md": "# Alpha\n",
        "Sub/z.md": "# Zed\n",
        "Sub/Deeper/y.md": "# Why\n",
    })
    assert shape(model.nav) == ("Vault", "root", (
        ("Alpha", "note"), ("Beta", "note"),
        ("Sub", "folder", (("Zed", "note"), ("Deeper", "folder", (("Why", "note"),)))),
    ))
    assert model.nav.note == "index"
    assert all(n.nav_parent is None for n in model.notes)
    assert report.diagnostics == []


def test_the_same_vault_gives_the_same_tree(read):
    files = {
        "index.md": nav_note("home", body="[[B]] [[A]]"),
        "A.md": nav_note("a", "home"), "B.md": nav_note("b", "home"),
        "C.md": "c\n", "D/E.md": nav_note("e", "a"),
    }
    first, _ = read(files, "one")
    second, _ = read(files, "two")
    assert first.nav == second.nav
    assert [n.nav_parent for n in first.notes] == [n.nav_parent for n in second.notes]


def test_folder_tree_warns_about_a_missing_root():
    report = Report()
    nav = build_nav([NavItem("a", "a.md", "A")], "Home.md", "T", "en", report)
    assert nav.tree.note is None
    assert [(d.path, d.code) for d in report.diagnostics] == [("Home.md", "nav.root")]
    assert [c.note for c in nav.tree.children] == ["a"]


def test_titles_sort_as_readers_expect_accents_beside_their_letter():
    items = [NavItem(i, f"{i}.md", t) for i, t in
             [("z", "Zèbre"), ("a2", "À propos"), ("e", "Écrire"), ("b", "Bases"), ("a1", "Abc")]]
    nav = build_nav(items, None, "T", "fr", Report())
    assert [c.title for c in nav.tree.children] == ["À propos", "Abc", "Bases", "Écrire", "Zèbre"]


def test_a_note_with_an_empty_key_and_a_parent_is_under_that_parent(read):
    """As Eleventy's navigation plugin places it; nothing can hang under it."""
    model, report = read({
        "index.md": "---\neleventyNavigation:\n  key: home\n---\n",
        "part.md": "---\neleventyNavigation:\n  key: part\n  parent: home\n---\n",
        "leaf.md": "---\neleventyNavigation:\n  key:\n  parent: part\n---\n",
        "other.md": "---\neleventyNavigation:\n  key:\n  parent: part\n  order: 1\n---\n",
    })
    assert shape(model.nav) == ("index", "root", (
        ("part", "note", (("other", "note"), ("leaf", "note"))),))
    assert {n.path: n.nav_parent for n in model.notes}["leaf.md"] == "part"
    assert [d.code for d in report.diagnostics if d.code.startswith("nav.")] == []
