"""The guide's structure from a hand-made model: parts, appendix, headings, tags, typography."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from lxml import html

from xtdpublish.config import Config, GuideConfig
from xtdpublish.model import Link, LinkStatus, Model, NavNode, Note, Site, Skipped
from xtdpublish.render.body import BodyPolicy, anchor_id
from xtdpublish.render.guide import (
    NNBSP,
    build_guide,
    find_theme,
    format_date,
    shift_headings,
    typeset,
    typeset_html,
)

UTC = timezone.utc


def note(note_id: str, title: str, body: str = "", tags=(), updated=(2022, 5, 12), links=(), backlinks=()):
    moment = datetime(*updated, tzinfo=UTC)
    return Note(
        id=note_id, path=f"Notes/{title}.md", title=title, title_source="title", aliases=(),
        tags=tuple(tags), published=moment, updated=moment, date_source="frontmatter",
        first_path=f"Notes/{title}.md", uid=None, nav_parent=None, body_line=1,
        body_html=body, summary="", links=tuple(links), backlinks=tuple(backlinks),
    )


def model_of(notes, nav, language="fr", skipped=()):
    site = Site("MuseumXTD", "Un guide", "L'équipe", language, None, "{base_url}/{path}/")
    return Model(site, tuple(notes), nav, tuple(skipped), (), (), Path("/nonexistent"))


POLICY = BodyPolicy(
    note_href=lambda note, link: "#" + anchor_id(link.target, link.anchor),
    asset_src=lambda link: None,
    frame=lambda element, video: None,
    id_prefix=lambda note: anchor_id(note.id) + "--",
)


def sample_model():
    link = Link(3, "[[B]]", "B", "B", None, False, LinkStatus.RESOLVED, target="b")
    notes = [
        note("index", "Accueil", "<p>Bienvenue</p>"),
        note("a", "Partie A", "<h1>Partie A</h1><p>Voir <a href='xtd:link/0'>B</a></p>",
             tags=("élan", "Zèbre"), links=(link,)),
        note("b", "Question B", "<h2 id='x'>Sous</h2><h4>Plus bas</h4>", tags=("abc",),
             updated=(2023, 1, 2), backlinks=("a",)),
        note("c", "Orpheline", "<p>seule</p>", tags=("zut",)),
        note("d", "Perdue", "<p>ni dans le menu</p>"),
    ]
    nav = NavNode("Accueil", "index", "root", (
        NavNode("Partie A", "a", "note", (NavNode("Question B", "b"),)),
        NavNode("Dossier", None, "folder", (NavNode("Question B bis", "b"),)),
        NavNode("Vide", None, "folder", ()),
        NavNode("Non listées", None, "unlisted", (NavNode("Orpheline", "c"),)),
    ))
    return model_of(notes, nav, skipped=(Skipped("Brouillon/x.md", "draft"),))


def test_sections_follow_the_navigation_with_an_introduction_and_an_appendix():
    guide = build_guide(sample_model(), POLICY)
    outline = [(s.kind, s.level, s.title) for s in guide.walk()]
    # The folder whose only note was already placed disappears, as does the empty one.
    assert outline == [
        ("introduction", 1, "Accueil"),
        ("part", 1, "Partie A"),
        ("note", 2, "Question B"),
        ("appendix", 1, "Annexe"),
        ("note", 2, "Orpheline"),
        ("note", 2, "Perdue"),
    ]
    assert guide.note_count == 5 and guide.skipped_count == 1
    assert guide.date == datetime(2023, 1, 2, tzinfo=UTC)
    assert [s.anchor for s in guide.walk()][:3] == ["n-index", "n-a", "n-b"]
    assert guide.sections[-1].anchor == "appendix"


def test_body_links_use_the_policy_and_headings_are_shifted_under_the_note():
    guide = build_guide(sample_model(), POLICY)
    part = guide.sections[1]
    assert 'href="#n-b"' in part.body
    assert "<h1" not in part.body  # the H1 repeating the title is gone
    question = part.children[0]
    tree = html.fragment_fromstring(question.body, create_parent="div")
    assert [(h.tag, h.get("id")) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")] == [
        ("h3", "n-b--x"), ("h4", None)]


def test_tag_index_sorted_ignoring_case_and_accents():
    guide = build_guide(sample_model(), POLICY)
    assert [tag for tag, _ in guide.tags] == ["abc", "élan", "Zèbre", "zut"]
    assert [s.title for s in dict(guide.tags)["élan"]] == ["Partie A"]


def test_shift_headings_closes_gaps_and_caps_at_h6():
    body = "<h1>Other</h1><h3>a</h3><h2>b</h2><h6>c</h6><h5>d</h5>"
    tree = html.fragment_fromstring(shift_headings(body, 4, "Title"), create_parent="div")
    assert [h.tag for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")] == [
        "h5", "h6", "h6", "h6", "h6"]
    shifted = shift_headings("<p>x</p><h1 id='t'>Title ?</h1>", 1, "Title?")
    assert "<h2" in shifted  # not leading: kept and shifted
    kept_id = shift_headings("<h1 id='t'>**Title?**</h1><p>x</p>", 1, "Title ?")
    assert "<h" not in kept_id and 'id="t"' in kept_id


def test_note_styles_and_scripts_never_reach_the_book():
    body = "<style>@import url(http://x/y.css)</style><p>ok</p><script>x()</script>"
    assert shift_headings(body, 1, "T") == "<p>ok</p>"


def test_french_spacing_on_text_only():
    assert typeset("Pourquoi ? Voici : « oui » !", "fr") == (
        f"Pourquoi{NNBSP}? Voici{NNBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}!")
    assert typeset("Quoi?", "fr") == f"Quoi{NNBSP}?"
    assert typeset("à 10:30 voir https://x.ch/a?b=1 ok", "fr") == "à 10:30 voir https://x.ch/a?b=1 ok"
    assert typeset("Why?", "en") == "Why?"
    fragment = '<p>Vrai?<code>a ? b: c</code> <a href="https://e.ch/?q">lien!</a></p>'
    assert typeset_html(fragment, "fr") == (
        f'<p>Vrai{NNBSP}?<code>a ? b: c</code> <a href="https://e.ch/?q">lien{NNBSP}!</a></p>')


def test_dates_in_the_site_language():
    assert format_date(datetime(2022, 5, 12), "fr") == "12 mai 2022"
    assert format_date(datetime(2022, 8, 1), "fr") == "1er août 2022"
    assert format_date(datetime(2022, 5, 12), "en") == "12 May 2022"


def test_find_theme_default_and_vault_relative(tmp_path):
    default = find_theme(tmp_path, Config())
    assert (default / "guide.html.j2").is_file()
    custom = find_theme(tmp_path, Config(guide=GuideConfig(theme="mytheme")))
    assert custom == (tmp_path / "mytheme").resolve()


def test_a_body_that_breaks_is_kept_as_an_error_and_the_rest_is_built():
    def broken_frame(element, video):
        raise RuntimeError("boom")

    policy = BodyPolicy(POLICY.note_href, POLICY.asset_src, broken_frame, POLICY.id_prefix)
    notes = [note("a", "A", "<iframe src='https://www.youtube.com/embed/x'></iframe>"),
             note("b", "B", "<p>fine</p>")]
    nav = NavNode("root", None, "root", (NavNode("A", "a"), NavNode("B", "b")))
    guide = build_guide(model_of(notes, nav), policy)
    a, b = guide.sections
    assert "boom" in a.error and a.body == ""
    assert b.body == "<p>fine</p>" and not b.error
    assert [s.kind for s in guide.sections] == ["note", "note"]  # leaves are chapters, not parts


def test_a_root_note_named_by_its_file_opens_the_book_as_introduction():
    from dataclasses import replace as copy

    root = copy(note("index", "index", "<p>Bienvenue</p>"), title_source="filename")
    nav = NavNode("Site", "index", "root", (NavNode("A", "a"),))
    guide = build_guide(model_of([root, note("a", "A")], nav), POLICY)
    assert [(s.kind, s.title) for s in guide.sections] == [("introduction", "Introduction"), ("note", "A")]
