"""What readers who cannot see the page would miss, found while reading the vault: each with
the file's line, and the model's markup completed so every output can use it."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from xtdpublish.config import load_config
from xtdpublish.report import Report
from xtdpublish.vault.accessibility import alt_from_file_name
from xtdpublish.vault.markdown import parse_markdown
from xtdpublish.vault.reader import read_vault


def parse(text: str, language: str = "fr", first_line: int = 1):
    report = Report()
    body = parse_markdown(text, first_line, False, "n.md", report, language)
    return body, report


def found(report: Report, code: str) -> list[int]:
    return [d.line for d in report.diagnostics if d.code == code]


def images(body) -> list[dict]:
    return [dict(img.attrib) for img in lxml_html.fragment_fromstring(body.html, create_parent="div").iter("img")]


def test_images_without_alternative_text_are_reported_with_their_line_and_get_a_marked_guess():
    body, report = parse(
        "Intro\n\n![[images/Logo-Canton_de_Vaud.svg]]\n\n![[photo_2.png|300]]\n\n![](plan.png)\n\n"
        "![[salle.png|La salle des fresques]]\n\n![Un chat](chat.png)\n\n"
        '<p><img src="raw.png"> <img alt="" src="rule.png"></p>\n',
        first_line=5)
    assert found(report, "a11y.image-alt") == [7, 9, 11, 17]
    assert images(body) == [
        {"src": "xtd:link/0", "alt": "Logo Canton de Vaud", "data-alt": "guessed"},
        {"src": "xtd:link/1", "alt": "photo 2", "width": "300", "data-alt": "guessed"},
        {"src": "xtd:link/2", "alt": "plan", "data-alt": "guessed"},
        {"src": "xtd:link/3", "alt": "La salle des fresques"},
        {"src": "xtd:link/4", "alt": "Un chat"},
        {"src": "xtd:link/5", "alt": "raw", "data-alt": "guessed"},
        {"src": "xtd:link/6", "alt": ""},  # written alt="": decoration, said on purpose
    ]
    message = next(d.message for d in report.diagnostics if d.line == 7)
    assert "'Logo-Canton_de_Vaud.svg'" in message and '"Logo Canton de Vaud"' in message
    assert "![[images/Logo-Canton_de_Vaud.svg|what it shows]]" in message


def test_raw_html_alt_written_as_a_file_name_or_left_bare():
    body, report = parse('<p><img src="a.png" alt="a.png"> <img alt src="b.png"> <img alt=Salle src=c.png>'
                         ' <img src="d.png" alt/></p>\n')
    assert found(report, "a11y.image-alt") == [1]
    assert [(i.get("alt"), i.get("data-alt")) for i in images(body)] == [
        ("a", "guessed"), ("", None), ("Salle", None), ("", None)]  # a bare alt is alt=""


def test_an_alt_that_is_a_file_name_is_no_alternative_text():
    body, report = parse("![IMG_2034.JPG](IMG_2034.JPG) and ![Pasted image 2023.png](x.png)\n")
    assert found(report, "a11y.image-alt") == [1, 1]
    assert [i["alt"] for i in images(body)] == ["IMG 2034", "x"]


@pytest.mark.parametrize("name, words", [
    ("images/Logo-Canton_de_Vaud.svg", "Logo Canton de Vaud"),
    ("Pasted image 20230512093412.png", "Pasted image 20230512093412"),
    ("a.b.c.png", "a b c"),
    ("-.png", "-"),
])
def test_file_names_turned_into_words(name, words):
    assert alt_from_file_name(name) == words


def test_a_header_row_with_nothing_in_it_goes_and_the_table_is_reported():
    body, report = parse("Texte\n\n|  |  |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n")
    assert found(report, "a11y.table-header") == [3]
    table = lxml_html.fragment_fromstring(body.html, create_parent="div").find(".//table")
    assert table.find(".//thead") is None and table.find(".//th") is None
    assert [td.text for td in table.iter("td")] == ["1", "2", "3", "4"]


def test_an_empty_header_cell_becomes_a_data_cell_the_others_stay_headers():
    body, report = parse("|   | 2023 | 2024 |\n|---|:-:|---|\n| Visites | 10 | 12 |\n")
    assert found(report, "a11y.table-header") == []
    row = lxml_html.fragment_fromstring(body.html, create_parent="div").find(".//thead/tr")
    assert [(cell.tag, cell.text) for cell in row] == [("td", None), ("th", "2023"), ("th", "2024")]
    assert row[1].get("style") == "text-align: center"


def test_a_raw_html_table_without_header_cells_is_reported():
    _, report = parse("Texte\n\n<table>\n<tr><td>a</td></tr>\n</table>\n\n"
                      "<table><tr><th>x</th></tr><tr><td>y</td></tr></table>\n")
    assert found(report, "a11y.table-header") == [3]


def test_links_whose_text_says_nothing_are_reported_per_language():
    text = ("Le [rapport](https://a.org/r) est [ici](https://a.org), [Cliquez ICI !](https://b.org),\n"
            "[[Autre note|lien]], [https://c.org/x](https://c.org/x), <https://d.org>,\n"
            "[hier](https://e.org) [mail@ex.org](mailto:mail@ex.org) [here](https://f.org)\n")
    _, french = parse(text, "fr")
    assert found(french, "a11y.link-text") == [1, 1, 2, 2, 2, 3]
    _, german = parse(text, "de")
    assert found(german, "a11y.link-text") == [2, 2, 3, 3]  # "hier" is German for here; "lien" is not
    message = next(d.message for d in french.diagnostics if "'ici'" in d.message)
    assert "does not say where it leads" in message


def test_the_vault_reader_uses_the_sites_language_and_the_cache_keeps_the_warnings(make_vault):
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\nlanguage = "it"\n',
        "a.md": "# A\n\nVedi [qui](https://x.org).\n\n![[foto.png]]\n",
        "foto.png": b"\x89PNG\r\n\x1a\n",
    })
    config = load_config(vault)
    from xtdpublish.vault.cache import ParseCache

    cache_file = vault / ".cache" / "parse.json"
    for _ in range(2):  # cold, then every note from the cache
        report = Report()
        read_vault(vault, config, report, ParseCache(cache_file))
        assert sorted((d.code, d.line) for d in report.diagnostics if d.code.startswith("a11y")) == [
            ("a11y.image-alt", 5), ("a11y.link-text", 3)]


def test_each_raw_html_table_is_looked_at_between_its_tags_and_its_line_is_right():
    """One stretch between two </table> at a time (a <table.*?</table> regex tried from every
    <table was quadratic: 4,000 unclosed tables took 16 s; measured in the commit)."""
    text = ("<div>\n" + "<table>\n" * 3000 + "</div>\n\n<div>\n<table><tr><td>a</td></tr></table>\n"
            "<table><tr><th>b</th></tr></table>\n</div>\n")
    _, report = parse(text)
    assert found(report, "a11y.table-header") == [3005]  # an unclosed table: no guess


def test_an_image_of_a_video_page_is_the_video_not_an_image_without_alternative_text():
    """Obsidian shows ``![](https://www.youtube.com/watch?v=…)`` as the video (the help vault's
    "Embed web pages"): no "the image 'watch' has no alternative text", and no guessed "watch"
    for the outputs to print as the video's title (PDF card, EPUB link, Word link)."""
    from xtdpublish.render.body import video_of

    body, report = parse("![](https://www.youtube.com/watch?v=NnTvZWp5Q7o)\n\n"
                         "![](https://youtu.be/abc123)\n\n"
                         "![La visite](https://vimeo.com/42)\n\n"
                         "![](https://twitter.com/obsdmd/status/158)\n")
    assert found(report, "a11y.image-alt") == [7]  # a tweet is no video: still an image to describe
    root = lxml_html.fragment_fromstring(body.html, create_parent="div")
    videos = [video_of(img) for img in root.iter("img")][:3]
    assert [v.title for v in videos] == ["https://www.youtube.com/watch?v=NnTvZWp5Q7o",
                                         "https://youtu.be/abc123", "La visite"]
    assert [img.get("data-alt") for img in root.iter("img")] == [None, None, None, "guessed"]
