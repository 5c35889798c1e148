"""Work on the output side grows with the vault, not with what one note claims: doubling the
input doubles the time (CPU time, the best of three, against a quadratic's four), or a bound
applies and says so.

- 200,000 wikilinks on one line: report.html's links to fix read each line's messages once
  (they were read once per link), and the parser counts lines on from the last token;
- a note's tags: every output but model.json takes its first ``MAX_NOTE_TAGS`` (the tag index,
  the per-tag feeds, an item's categories), and feedgen gets an item's categories in one call
  (one call each rebuilt its list: k² for k tags, in each of k feeds).
"""

from __future__ import annotations

import time

from xtdpublish.config import Config, FeedsConfig, SiteConfig, load_config
from xtdpublish.model import Model, NavNode, Note, Site
from xtdpublish.render.body import BodyPolicy
from xtdpublish.render.feeds import jsonfeed, rss
from xtdpublish.render.feeds.items import Channel, FeedItem
from xtdpublish.render.guide import build_guide
from xtdpublish.render.limits import MAX_NOTE_TAGS
from xtdpublish.render.report_html import links_to_fix
from xtdpublish.report import Report
from xtdpublish.vault.markdown import parse_markdown
from xtdpublish.vault.reader import read_vault

BASE = "https://example.org"


def cpu(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def assert_linear(make, n: int) -> None:
    """``make(n)`` gives the work for an input of size n; twice the input, about twice the time."""
    small, large = make(n), make(2 * n)
    once, twice = cpu(small), cpu(large)
    assert twice < 3 * max(once, 0.01), f"{n}: {once:.3f} s, {2 * n}: {twice:.3f} s"


def one_line_of_links(n: int) -> str:
    return "# Liens\n\n" + " ".join(f"[[Cible {i}]]" for i in range(n)) + "\n"


def test_links_to_fix_grow_linearly_with_the_links_of_one_line(make_vault):
    def make(n):
        vault = make_vault({"Liens.md": one_line_of_links(n)}, name=f"links-{n}")
        report = Report()
        model = read_vault(vault, load_config(vault), report)
        assert len(model.notes[0].links) == n
        return lambda: links_to_fix(model, report)

    assert_linear(make, 10_000)
    vault = make_vault({"Liens.md": one_line_of_links(3)}, name="three")
    report = Report()
    found = links_to_fix(read_vault(vault, load_config(vault), report), report)
    assert [f["message"] for f in found] == [f"link [[Cible {i}]] has no target" for i in range(3)]


def test_parsing_grows_linearly_with_the_links_of_one_line():
    def make(n):
        text = one_line_of_links(n)
        return lambda: parse_markdown(text, 1, False, "Liens.md", Report())

    assert_linear(make, 10_000)


def test_a_body_grows_linearly_with_its_links_that_lead_nowhere(make_vault):
    """Each link that leads nowhere prints its label: lxml's drop_tag finds the link among its
    siblings, so 50,000 of them on one line took the square (the EPUB of issue 15's vault
    stopped there for over 20 minutes)."""
    from xtdpublish.render.body import BodyPolicy, render_body

    policy = BodyPolicy(lambda note, link: None, lambda link: None, lambda element, video: element)

    def make(n):
        vault = make_vault({"Liens.md": one_line_of_links(n)}, name=f"nowhere-{n}")
        model = read_vault(vault, load_config(vault), Report())
        return lambda: render_body(model, model.notes[0], policy)

    assert_linear(make, 5_000)
    vault = make_vault({"Liens.md": "x [[A]] *[[B|b]]* [*c*](C.md) y\n"}, name="labels")
    model = read_vault(vault, load_config(vault), Report())
    assert render_body(model, model.notes[0], policy) == "<p>x A <em>b</em> <em>c</em> y</p>\n"


def tagged(n: int, tags: int, name: str = "Note") -> Note:
    return Note(
        id=f"{name.lower()}-{n}", path=f"{name} {n}.md", title=f"{name} {n}", title_source="h1",
        aliases=(), tags=tuple(f"t{n}-{i}" for i in range(tags)), published=_day(n),
        updated=_day(n), date_source="frontmatter", first_path=f"{name} {n}.md", uid=None,
        nav_parent=None, body_line=1, body_html="<p>Texte.</p>", summary="", links=())


def _day(n: int):
    from datetime import UTC, datetime, timedelta

    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n)


def model_of(notes: list[Note]) -> Model:
    site = Site("Tags", "", "", "fr", BASE, "{base_url}/{path}/")
    nav = NavNode("Tags", kind="root", children=tuple(NavNode(n.title, n.id) for n in notes))
    return Model(site, tuple(notes), nav, (), (), (), __import__("pathlib").Path("/vault"))


PER_TAG = Config(site=SiteConfig(base_url=BASE), feeds=FeedsConfig((), 20, True))


def test_a_note_with_100000_tags_is_bounded_in_every_output_and_said(tmp_path):
    note = tagged(0, 100_000)
    model = model_of([note, tagged(1, 3)])
    report = Report()
    written = jsonfeed.render(model, PER_TAG, tmp_path, report) + rss.render_rss(
        model, PER_TAG, tmp_path, report)
    per_tag = [p for p in written if p.parent.name == "feeds"]
    assert len(per_tag) == 2 * (MAX_NOTE_TAGS + 3)  # JSON and RSS, the first 100 tags and 3
    import json

    item = next(i for i in json.loads((tmp_path / "feed.json").read_text())["items"]
                if i["title"] == "Note 0")
    assert item["tags"] == [f"t0-{i}" for i in range(MAX_NOTE_TAGS)]
    assert [str(d) for d in report.sorted() if d.code == "note.tags"] == [
        "Note 0.md: warning: this note has 100,000 tags: the guide, the book and the feeds show "
        f"its first {MAX_NOTE_TAGS} (model.json keeps them all) [note.tags]"]
    policy = BodyPolicy(lambda n, link: None, lambda link: None, lambda e, v: None)
    guide = build_guide(model, policy)
    assert len(guide.tags) == MAX_NOTE_TAGS + 3  # the tag index
    first = next(s for s in guide.walk() if s.note is not None and s.note.id == note.id)
    assert len(first.note.tags) == MAX_NOTE_TAGS  # its meta line


def test_per_tag_feeds_grow_linearly_with_the_tags(tmp_path):
    def make(n):
        model = model_of([tagged(i, MAX_NOTE_TAGS) for i in range(n)])  # n × 100 tags, each a feed
        return lambda: rss.render_rss(model, PER_TAG, tmp_path / str(n), Report())

    assert_linear(make, 2)


def test_an_items_categories_grow_linearly():
    def make(n):
        item = FeedItem("urn:x", f"{BASE}/x/", "x", "<p>x</p>", "x", _day(0), _day(0),
                        tuple(f"t{i}" for i in range(n)), "x.md")
        channel = Channel("T", "T", BASE + "/", BASE + "/rss.xml", "fr", "", _day(0), (item,))
        return lambda: rss.rss_bytes(channel)

    assert_linear(make, 4_000)
