"""render/body.py: the model's xtd:link/N references rewritten by each output's policy."""

from datetime import datetime, timezone
from pathlib import Path

from lxml import html

from xtdpublish.model import Link, LinkStatus, Model, NavNode, Note, Site
from xtdpublish.render.body import BodyPolicy, anchor_id, render_body, video_of

WHEN = datetime(2022, 5, 13, tzinfo=timezone.utc)


def note(note_id: str, body: str, links=()) -> Note:
    return Note(
        id=note_id, path=f"{note_id}.md", title=note_id.title(), title_source="filename",
        aliases=(), tags=(), published=WHEN, updated=WHEN, date_source="frontmatter",
        first_path=f"{note_id}.md", uid=None, nav_parent=None, body_line=1, body_html=body,
        summary="", links=tuple(links),
    )


def link(status, target=None, anchor=None, asset=None, embed=False, label="x") -> Link:
    return Link(line=1, raw="[[x]]", target_text="x", label=label, fragment=None, embed=embed,
                status=status, target=target, anchor=anchor, asset=asset)


def model_of(*notes: Note) -> Model:
    site = Site("T", "", "", "fr", "https://example.org", "{base_url}/{path}/")
    nav = NavNode("T", kind="root", children=tuple(NavNode(n.title, n.id) for n in notes))
    return Model(site, tuple(notes), nav, (), (), (), Path("/vault"))


def frame_to_paragraph(element, video):
    p = html.Element("p", {"class": "video"})
    p.text = f"{video.title} {video.url}"
    return p


BOOK = BodyPolicy(
    note_href=lambda source, l: "#" + anchor_id(l.target, l.anchor),
    asset_src=lambda l: f"media/{l.asset}",
    frame=frame_to_paragraph,
    id_prefix=lambda n: anchor_id(n.id) + "--",
)


def test_links_to_notes_point_where_the_policy_says_and_dangling_ones_print_their_label():
    a = note("a", '<p><a href="xtd:link/0">B</a> and <a href="xtd:link/1">Gone</a> and '
                  '<a href="https://example.com/x">web</a></p>',
             [link(LinkStatus.RESOLVED, "b", anchor="part"), link(LinkStatus.DANGLING)])
    out = render_body(model_of(a, note("b", "<p>b</p>")), a, BOOK)
    assert '<a href="#n-b--part">B</a>' in out
    assert "Gone" in out and "xtd:link" not in out
    assert '<a href="https://example.com/x">web</a>' in out


def test_assets_in_src_and_srcset_are_rewritten_and_missing_images_keep_their_alt():
    a = note("a", '<p><img src="xtd:link/0" alt="Logo"><img src="xtd:link/1" alt="Lost"></p>'
                  '<picture><source srcset="xtd:link/0 600w, https://cdn.example/x.png 2x">'
                  '</picture>',
             [link(LinkStatus.ASSET, asset="images/logo.png"), link(LinkStatus.MISSING_ASSET)])
    out = render_body(model_of(a), a, BOOK)
    assert 'src="media/images/logo.png"' in out
    assert 'srcset="media/images/logo.png 600w, https://cdn.example/x.png 2x"' in out
    assert '<span class="missing-image">Lost</span>' in out


def test_iframes_become_what_the_policy_makes_with_a_watchable_url():
    a = note("a", '<p>Before</p><iframe src="https://www.youtube.com/embed/QEPvU93NYn0" '
                  'title="YouTube video player"></iframe><p>After</p>')
    out = render_body(model_of(a), a, BOOK)
    assert "<iframe" not in out
    assert "https://www.youtube.com/watch?v=QEPvU93NYn0" in out
    assert out.index("Before") < out.index("watch?v=") < out.index("After")


def test_video_titles_come_from_the_iframe_unless_it_is_the_generic_player_name():
    titled = html.fragment_fromstring('<iframe src="https://www.youtube.com/embed/abc?start=30" '
                                      'title="Le forum, jour 1"></iframe>')
    assert video_of(titled).title == "Le forum, jour 1"
    assert video_of(titled).url == "https://www.youtube.com/watch?v=abc&t=30"
    generic = html.fragment_fromstring('<iframe src="https://player.vimeo.com/video/42" '
                                       'title="vimeo video player"></iframe>')
    assert video_of(generic).title == "https://vimeo.com/42"


def test_ids_get_the_note_prefix_so_many_notes_share_one_document():
    a = note("a", '<h2 id="intro">Intro</h2><p id="block-x">x</p>')
    out = render_body(model_of(a), a, BOOK)
    assert 'id="n-a--intro"' in out and 'id="n-a--block-x"' in out


def test_embeds_are_transcluded_without_duplicate_ids_and_cycles_stop():
    a = note("a", '<div class="xtd-embed" data-link="0"><a href="xtd:link/0">B</a></div>',
             [link(LinkStatus.RESOLVED, "b", embed=True)])
    b = note("b", '<h2 id="in-b">In B</h2><p>text of b</p>'
                  '<div class="xtd-embed" data-link="0"><a href="xtd:link/0">A</a></div>',
             [link(LinkStatus.RESOLVED, "a", embed=True)])
    out = render_body(model_of(a, b), a, BOOK)
    assert "text of b" in out
    assert 'id="n-a--in-b"' not in out and 'id="in-b"' not in out
    # b embeds a again: not expanded a second time, printed as a link instead.
    assert out.count("text of b") == 1
    assert '<a href="#n-a">A</a>' in out


def test_an_embed_of_a_heading_takes_only_that_section():
    a = note("a", '<div class="xtd-embed" data-link="0"><a href="xtd:link/0">B</a></div>',
             [link(LinkStatus.RESOLVED, "b", anchor="two", embed=True)])
    b = note("b", '<h2 id="one">One</h2><p>first</p><h2 id="two">Two</h2><p>second</p>'
                  '<h3 id="sub">Sub</h3><p>deeper</p><h2 id="three">Three</h2><p>third</p>')
    out = render_body(model_of(a, b), a, BOOK)
    assert "second" in out and "deeper" in out
    assert "first" not in out and "third" not in out


def test_text_before_the_first_element_is_kept_and_escaped():
    a = note("a", "plain &lt;text&gt; <em>then</em>")
    assert render_body(model_of(a), a, BOOK) == "plain &lt;text&gt; <em>then</em>"
