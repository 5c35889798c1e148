"""Obsidian's own help vault, read as Obsidian shows it (skipped where ../shared is absent)."""

from __future__ import annotations

import posixpath
from collections import Counter

import pytest

from conftest import SHARED
from xtdpublish.config import load_config
from xtdpublish.model import LinkStatus
from xtdpublish.report import Report
from xtdpublish.vault.reader import read_vault

HELP_VAULT = SHARED / "vaults" / "obsidian-help-en"


@pytest.fixture(scope="module")
def help_model():
    if not HELP_VAULT.is_dir():
        pytest.skip(f"Obsidian's help vault is not here ({HELP_VAULT})")
    report = Report()
    return read_vault(HELP_VAULT, load_config(HELP_VAULT), report), report


def test_every_title_is_the_file_name(help_model):
    """No note has a title property; aliases (107 notes have some, "How to/…", "front
    matter") are other names, never the title."""
    model, _ = help_model
    assert len(model.notes) == 173
    assert {n.path: n.title for n in model.notes} == {
        n.path: posixpath.basename(n.path).removesuffix(".md") for n in model.notes}
    assert Counter(n.title_source for n in model.notes) == {"filename": 173}
    titles = Counter(n.title for n in model.notes)
    # the two names two notes each share, in different folders, as Obsidian shows them
    assert {t for t, k in titles.items() if k > 1} == {"Security and privacy", "Templates"}
    properties = next(n for n in model.notes if n.path == "Editing and formatting/Properties.md")
    assert properties.title == "Properties" and "front matter" in properties.aliases


def test_inline_tags_are_the_ones_obsidian_reads(help_model):
    """Tags.md shows tags in its text; the ones in code (`#meeting`, `#inbox/to-read`),
    #1984 (digits only) and headings are not tags; #TAG and #Tag are #tag."""
    model, _ = help_model
    tagged = {n.path: n.tags for n in model.notes if n.tags}
    assert tagged == {"Editing and formatting/Tags.md": (
        "y1984", "tag", "camelCase", "PascalCase", "snake_case", "kebab-case")}


def test_a_shared_name_goes_to_the_note_beside_the_link(help_model):
    model, report = help_model
    went = {}
    for note in model.notes:
        for link in note.links:
            if link.target_text == "Security and privacy":
                went[note.path] = model.note(link.target).path
                assert link.status == LinkStatus.AMBIGUOUS
    assert went["Obsidian Publish/Introduction to Obsidian Publish.md"] == \
        "Obsidian Publish/Security and privacy.md"
    assert went["Obsidian Sync/Introduction to Obsidian Sync.md"] == \
        "Obsidian Sync/Security and privacy.md"
    assert sum(d.code == "link.ambiguous" for d in report.diagnostics) == len(went) == 5


def test_no_embed_is_a_cycle_and_no_note_has_fields(help_model):
    model, report = help_model
    assert not [d for d in report.diagnostics if d.code == "embed.cycle"]
    # "::highlight::" is in code in Format converter.md: no Dataview field anywhere
    assert not [n.path for n in model.notes if n.fields]
