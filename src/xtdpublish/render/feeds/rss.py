"""build/rss.xml (RSS 2.0) and build/atom.xml (Atom 1.0), written with feedgen.

feedgen's traps, each pinned by a test in tests/feeds/test_feeds.py:
- ``add_entry`` prepends by default: entries are added with ``order="append"``;
- the feed's and every entry's ``updated`` default to now: both are always set, from the items;
- the RSS channel ``<link>`` is the last feed link added: ``rel="self"`` first, the site last;
- it wants timezone-aware datetimes (the items' dates always are).

With ``feeds.per_tag`` the RSS renderer also writes ``build/feeds/<tag>.xml`` for every tag.
``rss_inputs`` and ``atom_inputs`` are what each format's files are made of (see
items.feed_inputs): build.py hashes them.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from feedgen.feed import FeedGenerator

from ...config import Config
from ...model import Model
from ...report import Report
from .items import Channel, feed_inputs, write_feeds

GENERATOR = "xtdpublish"
RSS_FILE, RSS_TAG_SUFFIX = "rss.xml", ".xml"
ATOM_FILE = "atom.xml"  # no per-tag Atom feeds


def render_rss(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    return write_feeds(model, config, out_dir, report, RSS_FILE, rss_bytes, tag_suffix=RSS_TAG_SUFFIX)


def render_atom(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    return write_feeds(model, config, out_dir, report, ATOM_FILE, atom_bytes)


def rss_inputs(model: Model, config: Config) -> dict:
    return feed_inputs(model, config, RSS_FILE, tag_suffix=RSS_TAG_SUFFIX)


def atom_inputs(model: Model, config: Config) -> dict:
    return feed_inputs(model, config, ATOM_FILE)


def rss_bytes(channel: Channel) -> bytes:
    return feed_generator(channel, rss=True).rss_str(pretty=True)


def atom_bytes(channel: Channel) -> bytes:
    return feed_generator(channel, rss=False).atom_str(pretty=True)


def feed_generator(channel: Channel, rss: bool) -> FeedGenerator:
    feed = FeedGenerator()
    if rss and channel.author:
        # RSS <author> must be an e-mail address; the name goes in dc:creator instead.
        feed.load_extension("dc", atom=False, rss=True)
    feed.id(channel.self_url)
    feed.title(channel.title)
    feed.link(href=channel.self_url, rel="self")
    feed.link(href=channel.home_url, rel="alternate")  # last: it becomes the RSS <link>
    feed.description(channel.description)
    feed.language(channel.language)
    if channel.author:
        feed.author(name=channel.author)
    feed.generator(GENERATOR)
    feed.updated(channel.updated)  # not the clock: two builds of one vault are identical
    for item in channel.items:
        entry = feed.add_entry(order="append")
        entry.guid(item.id, permalink=item.id == item.url)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.content(item.content_html, type="html")  # RSS: content:encoded, after description
        if rss:
            # Readers take an RSS description as HTML: the plain-text summary is escaped once more.
            entry.description(escape(item.summary, quote=False), isSummary=True)
        else:
            entry.summary(item.summary)  # Atom: a text construct, plain as it is
        entry.published(item.published)
        entry.updated(item.updated)
        if item.tags:  # in one call: feedgen rebuilds its list on each (k tags: k² steps)
            entry.category([{"term": tag} for tag in item.tags])
        if channel.author:
            entry.author(name=channel.author)
            if rss:
                entry.dc.dc_creator(channel.author)
    return feed
