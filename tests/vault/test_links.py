"""Resolving references like Obsidian, on small synthetic vaults read whole."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xtdpublish.config import load_config
from xtdpublish.model import LinkStatus
from xtdpublish.report import Report
from xtdpublish.vault.links import LinkIndex, NoteTarget
from xtdpublish.vault.reader import read_vault

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.fixture
def read(make_vault):
    def read(files, name="vault"):
        root = make_vault(files, name)
        report = Report()
        model = read_vault(root, load_config(root), report)
        return model, report

    return read


def links_of(model, path):
    note = next(n for n in model.notes if n.path == path)
    return note.links


def codes(report):
    """What the links gave (images without alt text and the like: test_accessibility.py)."""
    return [(d.path, d.line, d.code) for d in report.sorted() if not d.code.startswith("a11y.")]


def test_wikilinks_resolve_by_file_name_and_path(read):
    model, report = read({
        "a.md": "[[B]] [[Sub/C]] [[sub/c|label]] [[ B ]] [[B.md]]\n",
        "B.md": "b\n",
        "Sub/C.md": "c\n",
    })
    links = links_of(model, "a.md")
    assert [(l.status, l.target) for l in links] == [
        (LinkStatus.RESOLVED, "b"), (LinkStatus.RESOLVED, "c"), (LinkStatus.RESOLVED, "c"),
        (LinkStatus.RESOLVED, "b"), (LinkStatus.RESOLVED, "b"),
    ]
    assert links[2].label == "label"
    assert codes(report) == []


def test_case_and_unicode_normalisation_are_ignored_but_apostrophes_are_not(read):
    nfd = "Gérer".replace("é", "e\u0301")
    model, report = read({
        "a.md": f"[[gérer SES collections]] [[{nfd} ses collections]] [[L'évaluation]]\n",
        "Gérer ses collections.md": "x\n",
        "L’évaluation.md": "y\n",
    })
    links = links_of(model, "a.md")
    assert [l.status for l in links] == [
        LinkStatus.RESOLVED, LinkStatus.RESOLVED, LinkStatus.DANGLING,
    ]
    assert links[0].target == "gerer-ses-collections"
    assert codes(report) == [("a.md", 1, "link.dangling")]
    assert 'did you mean "L’évaluation"?' in report.diagnostics[0].message


def test_exact_case_wins_over_folded_match(read):
    model, _ = read({"a.md": "[[Note]]\n", "Note.md": "1\n", "x/note.md": "2\n"})
    assert links_of(model, "a.md")[0].target == "note"
    assert {n.path: n.id for n in model.notes} == {"a.md": "a", "Note.md": "note",
                                                   "x/note.md": "x-note"}


def test_never_match_by_substring(read):
    model, report = read({
        "a.md": "[[Le projet DOORS]]\n",
        "MuseumXTD - Le projet DOORS.md": "x\n",
    })
    link = links_of(model, "a.md")[0]
    assert (link.status, link.target) == (LinkStatus.DANGLING, None)
    assert codes(report) == [("a.md", 1, "link.dangling")]


def test_ambiguous_name_takes_the_shortest_path_and_warns(read):
    model, report = read({
        "a.md": "x\n\n[[Same]]\n",
        "Deep/Er/Same.md": "1\n",
        "Z/Same.md": "2\n",
    })
    link = links_of(model, "a.md")[0]
    assert link.status == LinkStatus.AMBIGUOUS
    assert link.target == "z-same"
    assert codes(report) == [("a.md", 3, "link.ambiguous")]
    assert "Z/Same.md, Deep/Er/Same.md" in report.diagnostics[0].message


def test_aliases_match_case_insensitively_after_file_names(read):
    model, _ = read({
        "a.md": "[[the other one]] [[Other]]\n",
        "Other.md": "---\naliases: [The Other One]\n---\nx\n",
        "The other one.md": "t\n",
    })
    links = links_of(model, "a.md")
    assert [l.target for l in links] == ["the-other-one", "other"]
    model, _ = read({"a.md": "[[the OTHER one]]\n",
                     "Other.md": "---\naliases: [The Other One]\n---\nx\n"}, name="second")
    assert links_of(model, "a.md")[0].target == "other"


def test_dangling_suggests_the_closest_title(read):
    model, report = read({
        "Notes/X.md": "one\n" * 11 + "[[Diagnostic de maturité numérique]]\n[[Zzz unrelated]]\n",
        "Notes/Diagnostics de maturité numérique.md": "x\n",
    })
    assert [str(d) for d in report.sorted()] == [
        'Notes/X.md:12: warning: link [[Diagnostic de maturité numérique]] has no target; '
        'did you mean "Diagnostics de maturité numérique"? [link.dangling]',
        "Notes/X.md:13: warning: link [[Zzz unrelated]] has no target [link.dangling]",
    ]


def test_fragments_resolve_to_heading_and_block_anchors(read):
    model, report = read({
        "a.md": "[[B#Second part]] [[B#second PART]] [[B#^blk]] [[B#Nope]] [[#Local]] [[B#^none]]\n\n"
                "## Local\n",
        "B.md": "# Title\n\n## Second part\n\nPara ^blk\n",
    })
    links = links_of(model, "a.md")
    assert [(l.target, l.anchor) for l in links] == [
        ("b", "second-part"), ("b", "second-part"), ("b", "block-blk"), ("b", None),
        ("a", "local"), ("b", None),
    ]
    assert codes(report) == [("a.md", 1, "link.fragment"), ("a.md", 1, "link.fragment")]


def test_markdown_links_to_notes_relative_and_percent_encoded(read):
    model, report = read({
        "Notes/a.md": "[x](Other%20Note.md) [y](Other Note.md) [z](../Top.md) [w](Other%20Note)\n",
        "Notes/Other Note.md": "o\n",
        "Top.md": "t\n",
    })
    assert [(l.status, l.target) for l in links_of(model, "Notes/a.md")] == [
        (LinkStatus.RESOLVED, "other-note"), (LinkStatus.RESOLVED, "other-note"),
        (LinkStatus.RESOLVED, "top"), (LinkStatus.RESOLVED, "other-note"),
    ]
    assert codes(report) == []


def test_links_to_drafts_and_excluded_notes_are_unpublished(read):
    model, report = read({
        "xtdpublish.toml": '[vault]\nexclude = ["Brouillon/**"]\n',
        "a.md": "[[Draft]] [[Idea]]\n",
        "Draft.md": "---\ndraft: true\n---\nx\n",
        "Brouillon/Idea.md": "y\n",
    })
    links = links_of(model, "a.md")
    assert [(l.status, l.target) for l in links] == [
        (LinkStatus.UNPUBLISHED, "draft"), (LinkStatus.UNPUBLISHED, "idea"),
    ]
    assert [n.path for n in model.notes] == ["a.md"]
    assert [(s.path, s.reason) for s in model.skipped] == [
        ("Brouillon/Idea.md", "excluded by vault.include / vault.exclude in the configuration"),
        ("Draft.md", "draft: true"),
    ]
    assert [d.code for d in report.sorted() if d.path == "a.md"] == [
        "link.unpublished", "link.unpublished",
    ]


def test_assets_by_bare_name_site_absolute_relative_missing_and_outside(read):
    model, report = read({
        "Notes/a.md": (
            "![[pic.png]]\n"
            "![x](/images/logo.svg)\n"
            "![y](local.png)\n"
            "![[nowhere.png]]\n"
            "![z](../../etc/passwd.png)\n"
            "[f](file:///etc/hosts)\n"
            "[[doc.pdf]]\n"
            "<img src=\"/images/logo.svg\">\n"
        ),
        "Attachments/deep/pic.png": PNG,
        "Attachments/pic.png": PNG,
        "images/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "Notes/local.png": PNG,
        "Files/doc.pdf": b"%PDF-1.4\n",
        "unused.png": PNG,
    })
    links = links_of(model, "Notes/a.md")
    assert [(l.status, l.asset) for l in links] == [
        (LinkStatus.ASSET, "Attachments/pic.png"),
        (LinkStatus.ASSET, "images/logo.svg"),
        (LinkStatus.ASSET, "Notes/local.png"),
        (LinkStatus.MISSING_ASSET, None),
        (LinkStatus.MISSING_ASSET, None),
        (LinkStatus.MISSING_ASSET, None),
        (LinkStatus.ASSET, "Files/doc.pdf"),
        (LinkStatus.ASSET, "images/logo.svg"),
    ]
    assert codes(report) == [
        ("Notes/a.md", 4, "link.missing-asset"),
        ("Notes/a.md", 5, "link.outside"),
        ("Notes/a.md", 6, "link.outside"),
    ]
    assert [(a.path, a.media_type) for a in model.assets] == [
        ("Attachments/pic.png", "image/png"),
        ("Files/doc.pdf", "application/pdf"),
        ("Notes/local.png", "image/png"),
        ("images/logo.svg", "image/svg+xml"),
    ]
    assert model.assets[0].size == len(PNG)


def test_backlinks_sorted_once_and_never_self(read):
    model, _ = read({
        "a.md": "[[c]] [[c]] [[a]]\n",
        "b.md": "[[c]] [[a]]\n",
        "c.md": "[[c]]\n",
    })
    back = {n.id: n.backlinks for n in model.notes}
    assert back == {"a": ("b",), "b": (), "c": ("a", "b")}


def test_embed_cycles_are_reported_once_per_cycle(read):
    model, report = read({
        "a.md": "![[b]]\n",
        "b.md": "x\n\n![[c]]\n",
        "c.md": "![[a]]\n",
        "self.md": "![[self]]\n",
        "d.md": "![[a]] [[d]]\n",
    })
    assert codes(report) == [("a.md", 1, "embed.cycle"), ("self.md", 1, "embed.cycle")]
    assert "a.md → b.md → c.md → a.md" in report.sorted()[0].message
    embed = links_of(model, "a.md")[0]
    assert (embed.embed, embed.target) == (True, "b")


def test_external_urls_are_not_links(read):
    model, report = read({"a.md": "[w](https://example.org) <https://x.y> [m](mailto:a@b.c)\n"})
    assert links_of(model, "a.md") == ()
    assert 'href="https://example.org"' in model.notes[0].body_html
    assert codes(report) == []


def test_body_html_urls_match_link_indexes(read):
    model, _ = read({"a.md": "[[b]] ![[p.png]] [[missing]]\n", "b.md": "", "p.png": PNG})
    note = model.notes[0]
    assert [l.raw for l in note.links] == ["[[b]]", "![[p.png]]", "[[missing]]"]
    for n in range(3):
        assert f"xtd:link/{n}" in note.body_html
    assert "xtd:link/3" not in note.body_html


def test_crlf_files_give_file_lines(read):
    text = "---\r\ntitle: T\r\n---\r\nIntro\r\nsecond [[Missing]]\r\n\r\n![[gone.png]]\r\n"
    model, report = read({"a.md": text.encode("utf-8"), "b.md": b"x\r\n"})
    assert [(l.raw, l.line) for l in links_of(model, "a.md")] == [
        ("[[Missing]]", 5), ("![[gone.png]]", 7)]
    assert codes(report) == [("a.md", 5, "link.dangling"), ("a.md", 7, "link.missing-asset")]


@given(
    names=st.lists(st.text(alphabet="abcdeéf -", min_size=1, max_size=14), min_size=1, max_size=30),
    text=st.text(alphabet="abcdeéf -", min_size=1, max_size=14),
)
@settings(max_examples=300, deadline=None)
def test_property_suggestions_equal_a_search_of_every_name(names, text):
    from xtdpublish.vault.links import SUGGESTION_CUTOFF

    targets = [NoteTarget(id=f"n{i}", path=f"{name}.md", title=name)
               for i, name in enumerate(dict.fromkeys(names))]
    index = LinkIndex(targets, {}, Report())
    every = sorted({t.title for t in targets})
    expected = difflib.get_close_matches(text, every, n=1, cutoff=SUGGESTION_CUTOFF)
    assert index.suggest(text) == (expected[0] if expected else None)
    assert index.suggest(text) == index.suggest(text)


def test_a_name_exactly_at_the_cutoff_is_still_suggested():
    # "abcdef" against "abcdefghi": 2·6 / (6 + 9) = 0.8, the cutoff itself (a float bound that
    # rounded the wrong way would leave it out).
    index = LinkIndex([NoteTarget(id="a", path="abcdef.md", title="abcdef")], {}, Report())
    assert index.suggest("abcdefghi") == "abcdef"
    index = LinkIndex([NoteTarget(id="a", path="abcdefghi.md", title="abcdefghi")], {}, Report())
    assert index.suggest("abcdef") == "abcdefghi"
