"""Obsidian Publish's site-options.json: its home page is the guide's root, its navigation
order the guide's order (help vault test skipped where ../shared is absent)."""

from __future__ import annotations

import json
import os

import pytest

from conftest import SHARED
from xtdpublish.config import load_config
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

HELP_VAULT = SHARED / "vaults" / "obsidian-help-en"
CONFIG = '[site]\ntitle = "Site"\n'


@pytest.fixture
def read(make_vault):
    def read(files):
        root = make_vault(files)
        report = Report()
        return read_vault(root, load_config(root), report), report

    return read


def titles(node):
    return [child.title for child in node.children]


def options(**settings) -> str:
    return json.dumps(settings)


NOTES = {"xtdpublish.toml": CONFIG, "Home.md": "Welcome\n", "Alpha.md": "a\n", "Zeta.md": "z\n",
         "Start/Second.md": "2\n", "Start/First.md": "1\n", "Start/Unlisted.md": "u\n",
         "More/Last.md": "l\n"}


def test_the_navigation_order_and_the_home_page_give_the_guide(read):
    model, report = read({**NOTES, "site-options.json": options(
        indexFile="Home", navigationOrdering=[
            "Start", "Start/First.md", "Start/Second.md", "Zeta.md", "More", "Alpha.md",
            "Home.md", "publish.css"])})
    assert model.nav.note == next(n.id for n in model.notes if n.path == "Home.md")
    assert titles(model.nav) == ["Start", "Zeta", "More", "Alpha"]
    start = model.nav.children[0]
    assert titles(start) == ["First", "Second", "Unlisted"]  # the unlisted one after, as before
    [told] = [d for d in report.diagnostics if d.code == "publish.options"]
    assert told.severity.value == "info" and "8 entries" in told.message


def test_without_the_file_the_folders_give_the_usual_order(read):
    model, report = read(NOTES)
    assert titles(model.nav) == ["Alpha", "Home", "Zeta", "More", "Start"]
    assert titles(model.nav.children[-1]) == ["First", "Second", "Unlisted"]
    assert model.nav.note is None
    assert not [d for d in report.diagnostics if d.code == "publish.options"]


def test_guide_root_wins_over_the_home_page(read):
    model, _ = read({**NOTES, "xtdpublish.toml": CONFIG + '[guide]\nroot = "Alpha.md"\n',
                     "site-options.json": options(indexFile="Home")})
    assert next(n.path for n in model.notes if n.id == model.nav.note) == "Alpha.md"
    assert "Home" in titles(model.nav)


def test_a_home_page_that_is_not_published_is_not_the_root(read):
    model, report = read({**NOTES, "site-options.json": options(indexFile="Nowhere")})
    assert model.nav.note is None
    assert not [d for d in report.diagnostics if d.code == "nav.root"]


@pytest.mark.parametrize("text, line, says", [
    ('{"indexFile": "Home",\n "navigationOrdering": [\n  "Zeta.md",,\n]}', 3, "not valid JSON"),
    ('["Zeta.md"]', 1, "not a JSON object"),
    ('{"navigationOrdering": "Zeta.md"}', None, "not a list of paths"),
    ('{"indexFile": 3}', None, "not the name of a note"),
    ("[" * 100_000, None, "cannot be read"),
])
def test_settings_that_cannot_be_used_are_one_warning_and_the_folders_rule(read, text, line, says):
    model, report = read({**NOTES, "site-options.json": text})
    [told] = [d for d in report.diagnostics if d.code == "publish.options"]
    assert told.path == "site-options.json" and told.line == line and says in told.message
    assert told.severity.value == "warning"
    assert set(titles(model.nav)) == {"Alpha", "Home", "Zeta", "More", "Start"}


def test_entries_that_are_not_paths_are_left_out_and_counted(read):
    model, report = read({**NOTES, "site-options.json": options(
        navigationOrdering=[3, None, "Zeta.md", "", "Alpha.md"])})
    assert titles(model.nav)[:2] == ["Zeta", "Alpha"]
    assert any("3 entries of navigationOrdering" in d.message for d in report.diagnostics)


def test_a_fifo_in_its_place_is_never_opened(read, make_vault):
    root = make_vault(NOTES, "fifo")
    os.mkfifo(root / "site-options.json")
    report = Report()
    model = read_vault(root, load_config(root), report)  # would block forever if opened plainly
    [told] = [d for d in report.diagnostics if d.code == "publish.options"]
    assert "cannot be read" in told.message and told.severity.value == "warning"
    assert len(model.notes) == 7


def test_a_long_navigation_orders_a_large_vault(read):
    """2,000 notes in 40 folders, listed in reverse with 20,000 entries naming nothing."""
    files = {"xtdpublish.toml": CONFIG}
    for folder in range(40):
        for note in range(50):
            files[f"F{folder:02}/N{note:02}.md"] = f"note {folder} {note}\n"
    ordering = [f"gone/{i}.md" for i in range(20_000)]
    for folder in reversed(range(40)):
        ordering += [f"F{folder:02}", *(f"F{folder:02}/N{note:02}.md" for note in reversed(range(50)))]
    model, _ = read({**files, "site-options.json": options(navigationOrdering=ordering)})
    assert titles(model.nav) == [f"F{f:02}" for f in reversed(range(40))]
    assert all(titles(part) == [f"N{n:02}" for n in reversed(range(50))] for part in model.nav.children)


def test_the_help_vault_reads_as_its_site_shows_it():
    if not HELP_VAULT.is_dir():
        pytest.skip(f"Obsidian's help vault is not here ({HELP_VAULT})")
    report = Report()
    model = read_vault(HELP_VAULT, load_config(HELP_VAULT), report)
    site = json.loads((HELP_VAULT / "site-options.json").read_text(encoding="utf-8"))
    assert next(n.path for n in model.notes if n.id == model.nav.note) == "Home.md"
    shown = [child.title for child in model.nav.children]
    top = [entry.removesuffix(".md") for entry in site["navigationOrdering"]
           if "/" not in entry and entry.removesuffix(".md") in shown]
    assert shown == top and len(top) == 17  # every top entry is listed there, Home is the root
    started = next(c for c in model.nav.children if c.title == "Getting started")
    listed = [e.split("/")[1].removesuffix(".md") for e in site["navigationOrdering"]
              if e.startswith("Getting started/")]
    assert titles(started)[:len(listed)] == listed
