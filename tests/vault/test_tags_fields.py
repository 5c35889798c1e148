"""Inline #tags and Dataview fields, read as Obsidian and Dataview read them."""

from __future__ import annotations

import pytest

from xtdpublish.config import load_config
from xtdpublish.model import Field
from xtdpublish.report import Report
from xtdpublish.vault.markdown import parse_markdown
from xtdpublish.vault.reader import read_vault


def parsed(text, language="en"):
    report = Report()
    return parse_markdown(text, 1, False, "n.md", report, language), report


@pytest.mark.parametrize("text, tags", [
    ("#meeting", ["meeting"]),
    ("Intro #tag and #other.", ["tag", "other"]),
    ("#inbox/to-read and #inbox/processing", ["inbox/to-read", "inbox/processing"]),
    ("#y1984 but not #1984 nor #2024/12", ["y1984"]),
    ("#1990s", ["1990s"]),
    ("#camelCase #PascalCase #snake_case #kebab-case", ["camelCase", "PascalCase", "snake_case",
                                                      "kebab-case"]),
    ("#café #日本語 #✅done", ["café", "日本語", "✅done"]),
    ("#tl#tm", ["tl", "tm"]),
    ("x _#uc_ y", ["uc"]),
    ("snake_case_#wc", ["wc"]),
    ("[Discord #tf](https://x.y)", ["tf"]),
    ("*#em* and **#strong**", ["em", "strong"]),
    ("line one\n#second", ["second"]),
    ("a\u00a0#nbsp", ["nbsp"]),
    ("#trailing/", ["trailing"]),
    ("> [!note] Title #incallout\n> body #inbody", ["incallout", "inbody"]),
    ("| a | b |\n|-|-|\n| #incell | x |", ["incell"]),
    ("## A heading with #tag", ["tag"]),
])
def test_inline_tags(text, tags):
    body, _ = parsed(text)
    assert body.tags == tags


@pytest.mark.parametrize("text", [
    "# A heading",
    "## Heading",
    "`#code` and ``#code too``",
    "```\n#fenced\n```",
    "    #indented code",
    "https://example.org/page#fragment and https://x.org/#/route",
    "x#glued (#paren) \"#quoted\" .#dot x—#dash",
    "&#39; &#35;entity \\#escaped",
    "#123",
    "[[Note#Heading]] [[Note#Part|#label]] ![[Note#Heading]]",
    "<div>#html</div>",
    "<span>#inline html</span>",
    "%% #comment %%",
    "%%\n#block comment\n%%",
    "![alt #notag](image.png)",
])
def test_not_a_tag(text):
    body, _ = parsed(text)
    assert body.tags == []


def test_a_tag_in_the_text_is_printed_as_written():
    body, _ = parsed("See #projet/numérique here")
    assert body.html == "<p>See #projet/numérique here</p>\n"


def test_inline_tags_join_the_properties_tags_once(make_vault):
    vault = make_vault({
        "a.md": "---\ntags: [Recipe, cooking]\n---\nA #recipe with #Tag, then #TAG and #new\n",
    })
    model = read_vault(vault, load_config(vault), Report())
    # case variants are one tag, spelt as first written (the properties first)
    assert model.notes[0].tags == ("Recipe", "cooking", "Tag", "new")


@pytest.mark.parametrize("text, fields", [
    ("author:: Jane Doe", [Field("author", "Jane Doe", 1)]),
    ("**Status**:: done", [Field("Status", "done", 1)]),
    ("Key With Spaces:: value", [Field("Key With Spaces", "value", 1)]),
    ("- list key:: value", [Field("list key", "value", 1)]),
    ("date:: 2022-10-11\ntitle:: \"chaîne d'information (youtube)\"",
     [Field("date", "2022-10-11", 1), Field("title", "\"chaîne d'information (youtube)\"", 2)]),
    ("I rate it [rating:: 9] and (mood:: calm) today.",
     [Field("rating", "9", 1), Field("mood", "calm", 1)]),
    ("[link:: [[Other note]]]", [Field("link", "[[Other note]]", 1)]),
    ("[a:: (nested) value]", [Field("a", "(nested) value", 1)]),
    ("> [!info]\n> source:: the archive", [Field("source", "the archive", 2)]),
    ("| [k:: v] | x:: y |\n|-|-|\n| 1 | 2 |", [Field("k", "v", 1)]),
    ("empty::", [Field("empty", "", 1)]),
    ("note:: kept %% a comment %%", [Field("note", "kept", 1)]),
])
def test_dataview_fields(text, fields):
    body, _ = parsed(text)
    assert body.fields == fields


@pytest.mark.parametrize("text", [
    "`key:: value` in code",
    "Use `std::vector` here",
    "```\nkey:: value\n```",
    "<div>key:: value</div>",
    "A sentence: with one colon",
    "(key: value) [key: value]",
])
def test_not_a_field(text):
    body, _ = parsed(text)
    assert body.fields == []


def test_fields_are_printed_as_written():
    body, _ = parsed("author:: Jane\nI rate it [rating:: 9].")
    assert body.html == "<p>author:: Jane\nI rate it [rating:: 9].</p>\n"


def test_fields_are_the_notes_fields_in_the_model_not_its_properties(make_vault):
    vault = make_vault({
        "Chaîne.md": "title:: \"chaîne d'information (youtube)\"\ndate:: 2022-10-11\n\n"
                     "Text with [rating:: 9].\n",
    })
    report = Report()
    model = read_vault(vault, load_config(vault), report)
    note = model.notes[0]
    assert note.title == "Chaîne" and note.title_source == "filename"
    assert note.date_source != "frontmatter"
    assert [(f.key, f.value, f.line) for f in note.fields] == [
        ("title", "\"chaîne d'information (youtube)\"", 1), ("date", "2022-10-11", 2),
        ("rating", "9", 4)]
    assert not [d for d in report.diagnostics if d.code.startswith(("frontmatter", "date"))]


def test_a_field_header_closed_by_dashes_is_no_frontmatter(make_vault):
    """``key:: value`` lines over a --- line: Dataview fields (the course vault's notes), not
    a header of metadata (they made titles such as :"chaîne…" and dates ':2022-10-11')."""
    vault = make_vault({"n.md": "title:: chaîne\ndate:: 2022-10-11\n---\nBody\n"})
    report = Report()
    note = read_vault(vault, load_config(vault), report).notes[0]
    assert note.title == "n"
    assert [(f.key, f.value) for f in note.fields] == [("title", "chaîne"), ("date", "2022-10-11")]
    assert "frontmatter.pseudo-header" not in {d.code for d in report.diagnostics}


@pytest.mark.parametrize("language, notice", [
    ("en", "Dataview query: its results are shown in Obsidian only."),
    ("fr", "Requête Dataview : ses résultats ne s’affichent que dans Obsidian."),
    ("fr-CH", "Requête Dataview : ses résultats ne s’affichent que dans Obsidian."),
    ("pt", "Dataview query: its results are shown in Obsidian only."),
])
def test_a_dataview_query_is_a_short_notice(language, notice):
    body, report = parsed("```dataview\nTABLE file.name FROM #projects\n```\n\n"
                          "```dataviewjs\ndv.list([1])\n```\n", language)
    assert body.html == f'<p class="xtd-query">{notice}</p>\n' * 2
    assert body.tags == [] and "TABLE" not in body.html
    assert [(d.line, d.code) for d in report.diagnostics] == [(1, "dataview.query"),
                                                              (5, "dataview.query")]


def test_a_query_stays_out_of_the_summary(make_vault):
    vault = make_vault({"n.md": "```dataview\nLIST FROM #x\n```\n\nThe real text.\n"})
    note = read_vault(vault, load_config(vault), Report()).notes[0]
    assert note.summary == "The real text."
    assert note.tags == ()
