"""build/feed.json: a JSON Feed 1.1 (https://jsonfeed.org/version/1.1) for partner sites.

With ``feeds.per_tag`` also ``build/feeds/<tag>.json`` for every tag of the vault.
``inputs`` is what these files are made of (see items.feed_inputs): build.py hashes it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ...config import Config
from ...model import Model
from ...report import Report
from .items import Channel, FeedItem, feed_inputs, write_feeds

VERSION = "https://jsonfeed.org/version/1.1"
FILE, TAG_SUFFIX = "feed.json", ".json"


def render(model: Model, config: Config, out_dir: Path, report: Report) -> list[Path]:
    return write_feeds(model, config, out_dir, report, FILE, feed_json, tag_suffix=TAG_SUFFIX)


def inputs(model: Model, config: Config) -> dict:
    return feed_inputs(model, config, FILE, tag_suffix=TAG_SUFFIX)


def feed_json(channel: Channel) -> str:
    feed: dict = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.self_url,
        "description": channel.description,
        "language": channel.language,
    }
    if channel.author:
        feed["authors"] = [{"name": channel.author}]
    feed["items"] = [_item(item, channel) for item in channel.items]
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def _item(item: FeedItem, channel: Channel) -> dict:
    data = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary,
        "date_published": rfc3339(item.published),
        "date_modified": rfc3339(item.updated),
    }
    if item.tags:
        data["tags"] = list(item.tags)
    if channel.author:
        data["authors"] = [{"name": channel.author}]
    data["language"] = channel.language
    return data


def rfc3339(moment: datetime) -> str:
    """``2022-05-13T10:00:00+02:00``; UTC as ``Z``. Sub-second parts dropped (git has none)."""
    text = moment.replace(microsecond=0).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
