"""A test-side checker of JSON Feed 1.1, written from the text of https://jsonfeed.org/version/1.1.

No JSON Schema for JSON Feed 1.1 works offline (MEASURED.md), so this holds a parsed feed to
the spec's rules: required keys, the type of every known key, unique string ids, content_html
or content_text on every item, RFC 3339 dates, plain text (no HTML) in title and summary.
``check_feed(data)`` returns the list of problems; an empty list means the feed conforms.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

VERSION = "https://jsonfeed.org/version/1.1"

# RFC 3339 section 5.6 date-time: full-date "T" full-time, with a mandatory offset.
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
)
# Something an HTML parser would read as a tag, a comment or a character reference. A "<"
# followed by a space is text to the HTML tokenizer (tag open state), as in "1 < 2" or "a < b".
HTML_MARKUP = re.compile(r"<[a-zA-Z/!?]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# RFC 5646 language tag, in its common shape (language, then subtags).
LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")

FEED_STRINGS = ("title", "home_page_url", "feed_url", "description", "user_comment",
                "next_url", "icon", "favicon", "language")
FEED_URLS = ("home_page_url", "feed_url", "next_url", "icon", "favicon")
ITEM_STRINGS = ("url", "external_url", "title", "content_html", "content_text", "summary",
                "image", "banner_image", "date_published", "date_modified", "language")
ITEM_URLS = ("url", "external_url", "image", "banner_image")


def check_feed(data) -> list[str]:
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["the feed is not a JSON object"]
    if data.get("version") != VERSION:
        problems.append(f"version must be {VERSION!r}, not {data.get('version')!r}")
    if not isinstance(data.get("title"), str) or not data.get("title"):
        problems.append("title is required and must be a non-empty string")
    for key in ("home_page_url", "feed_url"):
        if key not in data:
            problems.append(f"{key} is missing (strongly recommended; required here)")
    _strings(data, FEED_STRINGS, "feed", problems)
    _urls(data, FEED_URLS, "feed", problems)
    _plain(data, ("title", "description"), "feed", problems)
    if "expired" in data and not isinstance(data["expired"], bool):
        problems.append("feed.expired must be true or false")
    if "language" in data and isinstance(data["language"], str) and not LANGUAGE.match(data["language"]):
        problems.append(f"feed.language {data['language']!r} is not an RFC 5646 tag")
    _authors(data, "feed", problems)
    if "author" in data:
        problems.append("feed.author is JSON Feed 1.0; 1.1 uses authors")
    items = data.get("items")
    if not isinstance(items, list):
        problems.append("items is required and must be an array")
        return problems
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} is not an object")
            continue
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            problems.append(f"{where}.id is required and must be a non-empty string")
        elif item_id in seen:
            problems.append(f"{where}.id {item_id!r} is also items[{seen[item_id]}].id")
        else:
            seen[item_id] = index
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{where} has neither content_html nor content_text")
        _strings(item, ITEM_STRINGS, where, problems)
        _urls(item, ITEM_URLS, where, problems)
        _plain(item, ("title", "summary"), where, problems)
        for key in ("date_published", "date_modified"):
            if isinstance(item.get(key), str) and not is_rfc3339(item[key]):
                problems.append(f"{where}.{key} {item[key]!r} is not an RFC 3339 date-time")
        if "tags" in item and (
            not isinstance(item["tags"], list) or not all(isinstance(t, str) for t in item["tags"])
        ):
            problems.append(f"{where}.tags must be an array of strings")
        if "language" in item and isinstance(item["language"], str) and not LANGUAGE.match(item["language"]):
            problems.append(f"{where}.language {item['language']!r} is not an RFC 5646 tag")
        _authors(item, where, problems)
        for n, attachment in enumerate(item.get("attachments") or []):
            if not isinstance(attachment, dict) or not isinstance(attachment.get("url"), str) \
                    or not isinstance(attachment.get("mime_type"), str):
                problems.append(f"{where}.attachments[{n}] needs url and mime_type strings")
    return problems


def is_rfc3339(text: str) -> bool:
    if not RFC3339.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False  # shaped right but not a real date (month 13, hour 25...)
    return True


def _strings(obj: dict, keys, where: str, problems: list[str]) -> None:
    for key in keys:
        if key in obj and not isinstance(obj[key], str):
            problems.append(f"{where}.{key} must be a string, not {type(obj[key]).__name__}")


def _urls(obj: dict, keys, where: str, problems: list[str]) -> None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and not (urlsplit(value).scheme in {"http", "https"}
                                           and urlsplit(value).netloc):
            problems.append(f"{where}.{key} {value!r} is not an absolute http(s) URL")


def _plain(obj: dict, keys, where: str, problems: list[str]) -> None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and HTML_MARKUP.search(value):
            problems.append(f"{where}.{key} must be plain text, has markup: {value!r}")


def _authors(obj: dict, where: str, problems: list[str]) -> None:
    if "authors" not in obj:
        return
    authors = obj["authors"]
    if not isinstance(authors, list):
        problems.append(f"{where}.authors must be an array")
        return
    for n, author in enumerate(authors):
        if not isinstance(author, dict) or not author:
            problems.append(f"{where}.authors[{n}] must be an object with name, url or avatar")
            continue
        if not any(isinstance(author.get(k), str) and author[k] for k in ("name", "url", "avatar")):
            problems.append(f"{where}.authors[{n}] needs at least one of name, url, avatar")
