"""split_frontmatter: what YAML accepts, what it refuses but the author meant, and positions."""

from __future__ import annotations

import json
import re

import frontmatter as python_frontmatter
import pytest
import yaml

from xtdpublish.report import Report
from xtdpublish.vault import frontmatter
from xtdpublish.vault.frontmatter import split_frontmatter


@pytest.fixture(params=["libyaml", "pure"], autouse=True)
def loader(request, monkeypatch):
    """Every test runs with libyaml and with pure-Python PyYAML: same results either way."""
    if request.param == "libyaml":
        if not getattr(yaml, "__with_libyaml__", False):
            pytest.skip("PyYAML without libyaml")
        monkeypatch.setattr(frontmatter, "LOADER", frontmatter._loader_class(yaml.CSafeLoader))
    else:
        monkeypatch.setattr(frontmatter, "LOADER", frontmatter.PURE_LOADER)
    return request.param


def split(text, path="n.md"):
    report = Report()
    return split_frontmatter(text, path, report), report


def diags(report):
    return [(d.line, d.severity.value, d.code) for d in report.sorted()]


def test_plain_yaml_with_key_lines_and_body_position():
    text = "---\ntitle: T\ntags: [a, b]\neleventyNavigation:\n  key: k\n  order: 2\n---\n\n# H\n"
    front, report = split(text)
    assert front.meta == {"title": "T", "tags": ["a", "b"],
                          "eleventyNavigation": {"key": "k", "order": 2}}
    assert front.lines == {"title": 2, "tags": 3, "eleventyNavigation": 4,
                           "eleventyNavigation.key": 5, "eleventyNavigation.order": 6}
    assert front.kind == "yaml"
    assert front.body == "\n# H\n"  # as written: not stripped
    assert front.body_line == 8
    assert text.split("\n")[front.body_line - 1:] == front.body.split("\n")
    assert report.diagnostics == []


def test_python_frontmatter_strips_the_body_which_is_why_it_is_not_used():
    text = "---\ntitle: T\n---\n\n\n# H\n"
    assert python_frontmatter.loads(text).content == "# H"  # the two blank lines are gone
    front, _ = split(text)
    assert front.body == "\n\n# H\n" and front.body_line == 4


def test_python_frontmatter_ignores_non_mapping_frontmatter():
    assert python_frontmatter.loads("---\n- a\n- b\n---\nbody").metadata == {}


def test_no_frontmatter():
    front, report = split("# Just a note\n\ntext\n")
    assert front.meta == {} and front.kind == "none"
    assert front.body == "# Just a note\n\ntext\n" and front.body_line == 1
    assert report.diagnostics == []


def test_empty_frontmatter_and_comments_only():
    for text in ("---\n---\nbody", "---\n# only a comment\n---\nbody"):
        front, report = split(text)
        assert front.meta == {} and front.body == "body" and report.diagnostics == []


def test_dates_stay_text_and_meta_is_json_safe():
    text = ("---\ndate: 2022-05-13\nwhen: 2022-05-13T10:00:00+02:00\nbad: 2022-13-45\n"
            "n: .nan\nbin: !!binary aGk=\nset: !!set {a, b}\n2022: year\ntrue: yes\n---\n")
    front, report = split(text)
    assert front.meta["date"] == "2022-05-13"
    assert front.meta["when"] == "2022-05-13T10:00:00+02:00"
    assert front.meta["bad"] == "2022-13-45"  # a bad date is one bad value, not a YAML error
    assert front.meta["2022"] == "year" and front.meta["true"] is True
    assert front.meta["n"] == "nan" and front.meta["bin"] == "aGk="
    assert front.meta["set"] == ["a", "b"]
    json.dumps(front.meta, allow_nan=False)
    assert report.diagnostics == []


def test_explicit_timestamp_tag_becomes_iso_text():
    front, _ = split("---\nd: !!timestamp 2022-05-13\n---\n")
    assert front.meta == {"d": "2022-05-13"}


def test_flow_list_with_question_mark_is_recovered_with_a_warning(loader):
    # 23 of 153 MuseumXTD notes: PyYAML refuses `[Question?]`, libyaml reads it.
    text = ("---\ntitle: MuseumXTD\nlayout: layouts/post.njk\ntags: question\n"
            "alias: [Comment mener un projet numérique?]\n---\n# **Comment**\n")
    if loader == "pure":
        with pytest.raises(yaml.YAMLError):
            yaml.load(text.split("---")[1], Loader=yaml.SafeLoader)
    front, report = split(text)
    assert front.meta == {"title": "MuseumXTD", "layout": "layouts/post.njk", "tags": "question",
                          "alias": ["Comment mener un projet numérique?"]}
    assert front.lines["alias"] == 5
    assert front.body == "# **Comment**\n" and front.body_line == 7
    assert diags(report) == [(5, "warning", "frontmatter.recovered")]
    assert "Comment mener un projet numérique?" in report.diagnostics[0].message


def test_flow_list_recovery_keeps_several_items_and_quotes():
    front, report = split("---\naliases: [Pourquoi ?, 'Quoi, donc?', \"Où?\"]\n---\n")
    assert front.meta["aliases"] == ["Pourquoi ?", "Quoi, donc?", "Où?"]
    assert diags(report) == [(2, "warning", "frontmatter.recovered")]


def test_comment_like_value_is_read_as_text():
    front, report = split("---\ntitle: X\ntags: #liens #strategie #rapport\n---\nbody")
    assert front.meta["tags"] == "#liens #strategie #rapport"
    assert diags(report) == [(3, "warning", "frontmatter.comment-value")]


def test_a_real_comment_after_a_value_is_still_a_comment():
    front, report = split("---\ntags: a b # the usual ones\n---\n")
    assert front.meta == {"tags": "a b"} and report.diagnostics == []


def test_tabs_for_indentation_are_read_as_spaces():
    front, report = split("---\neleventyNavigation:\n\tkey: k\n\tparent: p\n---\nbody")
    assert front.meta == {"eleventyNavigation": {"key": "k", "parent": "p"}}
    assert diags(report) == [(3, "warning", "frontmatter.tabs")]


def test_duplicate_keys_last_wins_with_both_lines_named():
    front, report = split("---\ntags: a\ntitle: T\ntags: b\n---\n")
    assert front.meta["tags"] == "b" and front.lines["tags"] == 4
    assert diags(report) == [(4, "warning", "frontmatter.duplicate-key")]
    assert "lines 2 and 4" in report.diagnostics[0].message


def test_one_broken_value_does_not_cost_the_others():
    text = "---\ntitle: T\nbroken: [unclosed\ndate: 2022-05-12\nx: 'open\n---\nbody"
    front, report = split(text)
    assert front.meta["title"] == "T" and front.meta["date"] == "2022-05-12"
    assert front.meta["broken"] == "[unclosed"
    assert front.lines == {"title": 2, "broken": 3, "date": 4, "x": 5}
    assert [c for _, _, c in diags(report)] == ["frontmatter.recovered"] * 2
    assert front.body == "body" and front.body_line == 7


def test_a_line_that_is_not_key_value_in_broken_yaml_is_reported():
    front, report = split("---\ntitle: T\n  : : :\nnot a key\n---\n")
    assert front.meta["title"] is not None
    assert any(code.startswith("frontmatter.") for _, _, code in diags(report))


@pytest.mark.parametrize("block, kind", [("- a\n- b", "a list"), ("Just a paragraph.", "text"),
                                         ("42", "a single value")])
def test_frontmatter_that_is_not_a_mapping_is_kept_as_text(block, kind):
    text = f"---\n{block}\n---\nafter\n"
    front, report = split(text)
    assert front.meta == {}
    assert front.body_line == 2
    lines = text.split("\n")
    body_lines = front.body.split("\n")
    # every body line is the file line it claims to be, the closing --- made blank
    for offset, line in enumerate(body_lines):
        assert line == lines[front.body_line - 1 + offset] or lines[front.body_line - 1 + offset] == "---"
    assert "after" in front.body and block.split("\n")[0] in front.body
    assert diags(report) == [(1, "warning", "frontmatter.not-mapping")]
    assert kind in report.diagnostics[0].message


def test_a_list_of_mappings_is_read_as_one_mapping():
    front, report = split("---\n- title: T\n- tags: a\n---\n")
    assert front.meta == {"title": "T", "tags": "a"}
    assert diags(report) == [(2, "warning", "frontmatter.list-of-mappings")]


def test_unclosed_frontmatter_reads_the_key_lines_and_keeps_the_rest():
    text = "---\ntitle: T\ntags: a b\n\n# Heading\ntext\n"
    front, report = split(text)
    assert front.meta == {"title": "T", "tags": "a b"}
    assert front.body == "\n# Heading\ntext\n" and front.body_line == 4
    assert diags(report) == [(1, "warning", "frontmatter.unclosed")]


def test_unclosed_frontmatter_stops_at_the_first_line_that_is_not_yaml():
    front, _ = split("---\ntitle: T\n# Heading\ntext\n")
    assert front.meta == {"title": "T"} and front.body == "# Heading\ntext\n"
    assert front.body_line == 3


def test_a_lone_thematic_break_on_line_one_is_text():
    text = "---\nSome prose, no metadata.\n\nMore.\n"
    front, report = split(text)
    assert front.meta == {} and front.body == text and front.body_line == 1
    assert diags(report) == [(1, "warning", "frontmatter.unclosed")]


def test_blank_lines_before_the_frontmatter():
    front, report = split("\n\n---\ntitle: T\n---\nbody")
    assert front.meta == {"title": "T"} and front.body == "body" and front.body_line == 6
    assert front.lines == {"title": 4}
    assert diags(report) == [(3, "warning", "frontmatter.not-first-line")]


def test_closing_line_may_be_longer_and_have_trailing_spaces():
    front, _ = split("---  \ntitle: T\n-----   \nbody")
    assert front.meta == {"title": "T"} and front.body == "body"


def test_crlf_and_bom_are_tolerated_even_unnormalised():
    front, _ = split("\ufeff---\r\ntitle: T\r\n---\r\nbody\r\n")
    assert front.meta == {"title": "T"} and front.body == "body\n" and front.body_line == 4


def test_the_seed_pseudo_header_is_metadata(seed_vault):
    text = (seed_vault / "Pourquoi développer une stratégie numérique.md").read_text("utf-8")
    front, report = split(text)
    assert front.meta == {"date": "2022mai12", "tags": "#question"}
    assert front.lines == {"date": 1, "tags": 2}
    assert front.kind == "pseudo"
    assert front.body.startswith("# Pourquoi développer une stratégie numérique")
    assert front.body_line == 5
    assert text.split("\n")[4].startswith("# Pourquoi")
    assert diags(report) == [(1, "warning", "frontmatter.pseudo-header")]


def test_pseudo_header_values_can_be_lists():
    front, _ = split("tags: [a, b]\nauthor: Moi\n---\ntext")
    assert front.meta == {"tags": ["a", "b"], "author": "Moi"}


@pytest.mark.parametrize("text", [
    "Note: this is prose, not metadata.\nAnd a second line\n---\n",  # prose line breaks it
    "# Title\n---\n",
    "date: 2022\n\ntext\n",  # no line of dashes
    "a sentence with: a colon\n---\n",  # a key has no spaces
])
def test_text_that_only_resembles_a_pseudo_header_is_body(text):
    front, report = split(text)
    assert front.meta == {} and front.body == text and report.diagnostics == []


def test_anchor_bombs_are_cut_short():
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)) + "---\nbody"
    front, report = split(bomb)
    json.dumps(front.meta)
    assert front.body == "body"
    assert ("frontmatter.too-large" in [c for _, _, c in diags(report)])


def test_recursive_anchor_is_cut_short():
    front, report = split("---\na: &a [*a]\n---\nbody")
    json.dumps(front.meta)
    assert front.body == "body"


def test_python_tags_are_refused_safely():
    front, report = split("---\nx: !!python/object/apply:os.system ['echo hi']\ntitle: T\n---\n")
    assert front.meta["title"] == "T"
    assert isinstance(front.meta["x"], str)
    assert diags(report) == [(2, "warning", "frontmatter.recovered")]


def test_a_failed_attempt_leaves_no_warnings_behind():
    # composes (the duplicate is seen), then fails to construct: read key by key, warned once
    front, report = split("---\na: 1\na: 2\nx: !!python/name:os.system\n---\n")
    assert front.meta["a"] == 2
    assert [c for _, _, c in diags(report)] == ["frontmatter.duplicate-key", "frontmatter.recovered"]


def test_yaml_escapes_cannot_put_control_characters_into_the_metadata():
    """Found with tests/test_fuzz_vaults.py: the pure-Python loader decodes "\\b" and
    "\\ud800" in double quotes, and no XML output (EPUB, RSS, Atom) can hold either."""
    front, _ = split('---\ntitle: "Ti\\btre\\ud800"\n"k\\x01": [a\x7f]\n---\nbody\n')
    texts = [*front.meta, *(v for v in front.meta.values() if isinstance(v, str)),
             *front.meta.get("k", [])]
    assert texts and not any(re.search("[\x00-\x08\x0b-\x1f\ud800-\udfff]", t) for t in texts)
    assert front.meta["title"] in ("Titre", 'Ti\\btre\\ud800')  # libyaml refuses the escape
