"""The partner widget in a real headless Chromium, against a feed served on 127.0.0.1."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import REPO

WIDGET = REPO / "examples" / "partner-widget"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and Path("/usr/bin/chromium").exists():
    CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); "
    "the partner widget is tested in a real browser only",
)

HOSTILE_TITLE = """<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest's output clean
        pass


def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 in a thread; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def dump_dom(url: str) -> lxml_html.HtmlElement:
    """Load ``url`` in headless Chromium, let its scripts run, return the DOM it ended with."""
    with tempfile.TemporaryDirectory() as profile:
        completed = subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions",
                f"--user-data-dir={profile}", "--virtual-time-budget=10000",
                "--dump-dom", url,
            ],
            capture_output=True, text=True, timeout=120,
        )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "<html" in completed.stdout, completed.stderr[-2000:]
    return lxml_html.fromstring(completed.stdout)


def widget_page(tmp_path: Path, feed: dict | bytes) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(WIDGET / "index.html", site / "index.html")
    shutil.copy(WIDGET / "widget.js", site / "widget.js")
    data = feed if isinstance(feed, bytes) else json.dumps(feed).encode()
    (site / "feed.json").write_bytes(data)
    return site


def find(node, selector: str) -> list:
    """``tag.class`` or ``.class`` or ``tag`` under ``node`` (lxml's cssselect needs a package)."""
    tag, _, cls = selector.partition(".")
    condition = f"[contains(concat(' ', @class, ' '), ' {cls} ')]" if cls else ""
    return node.xpath(f".//{tag or '*'}{condition}")


def widget(dom):
    return dom.xpath("//*[@data-xtd-feed]")[0]


def shown_items(dom) -> list[dict]:
    container = widget(dom)
    assert container.get("data-xtd-state") == "ready", lxml_html.tostring(container)
    items = []
    for li in find(container, "li.xtd-item"):
        title = find(li, ".xtd-title")[0]
        summary = find(li, ".xtd-summary")
        date = find(li, "time")
        items.append({
            "title": title.text_content(),
            "href": title.get("href"),
            "summary": summary[0].text_content() if summary else None,
            "datetime": date[0].get("datetime") if date else None,
        })
    return items


HAND_WRITTEN_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "MuseumXTD <b>resources</b>",
    "home_page_url": "https://www.museumxtd.ch/",
    "language": "fr",
    "items": [
        # deliberately out of order: the widget shows the newest first
        {"id": "old", "url": "https://www.museumxtd.ch/old/", "title": "Oldest note",
         "summary": "old", "date_published": "2021-01-05T10:00:00+00:00"},
        {"id": "hostile", "url": "javascript:document.title='pwned'", "title": HOSTILE_TITLE,
         "summary": "<script>document.title='pwned'</script> & <b>bold</b>",
         "date_published": "2023-03-01T09:00:00+01:00"},
        {"id": "new", "url": "https://www.museumxtd.ch/new/", "title": "Newest note",
         "summary": "Le plus récent", "date_published": "2024-06-30T12:00:00+02:00"},
        {"id": "mid", "url": "/relative/mid/", "title": "Middle note",
         "content_text": "From content_text", "date_published": "2022-05-12T00:00:00+02:00"},
    ],
}


def test_widget_shows_newest_items_in_order_and_escapes_everything(tmp_path):
    site = widget_page(tmp_path, HAND_WRITTEN_FEED)
    base, server = serve(site)
    try:
        dom = dump_dom(f"{base}/index.html")
    finally:
        server.shutdown()
    items = shown_items(dom)
    assert [i["title"] for i in items] == ["Newest note", HOSTILE_TITLE, "Middle note", "Oldest note"]
    # the hostile title and summary are text, nothing of them became an element or ran
    assert dom.findtext(".//title") == "Partner widget: newest resources"
    container = widget(dom)
    assert not container.xpath(".//img | .//script | .//b")
    assert items[1]["summary"] == "<script>document.title='pwned'</script> & <b>bold</b>"
    # only http(s) links: javascript: is not a link; a relative url is made absolute
    assert items[1]["href"] is None
    assert items[0]["href"] == "https://www.museumxtd.ch/new/"
    assert items[2]["href"] == f"{base}/relative/mid/"
    assert items[2]["summary"] == "From content_text"
    assert items[0]["datetime"] == "2024-06-30T10:00:00.000Z"
    assert find(container, ".xtd-feed-title")[0].text_content() == "MuseumXTD <b>resources</b>"


def test_widget_shows_a_feed_built_by_xtdpublish(make_vault, tmp_path):
    """The real JSON Feed renderer's output, hostile title included, in the widget."""
    from xtdpublish.build import build
    from xtdpublish.config import load_config

    quoted = HOSTILE_TITLE.replace("'", "''")
    vault = make_vault({
        "xtdpublish.toml": '[site]\ntitle = "Site"\nlanguage = "fr"\n'
                           'base_url = "https://www.example.org"\n[feeds]\ntags = ["ressource"]\n',
        "old.md": "---\ntitle: Ancienne\ntags: ressource\ndate: 2021-01-05\n---\nTexte ancien.\n",
        "hostile.md": f"---\ntitle: '{quoted}'\ntags: ressource\ndate: 2023-03-01\n---\n"
                      "<script>document.title='pwned'</script> Texte du milieu.\n",
        "new.md": "---\ntitle: Nouvelle < 2025 & co\ntags: [ressource]\ndate: 2024-06-30\n---\nTexte récent.\n",
        "other.md": "---\ntitle: Pas une ressource\ndate: 2025-01-01\n---\nx\n",
    })
    out = tmp_path / "out"
    result = build(vault, load_config(vault), out, ["json"])
    assert result.exit_code() == 0, result.report.sorted()
    site = widget_page(tmp_path, (out / "feed.json").read_bytes())
    base, server = serve(site)
    try:
        dom = dump_dom(f"{base}/index.html")
    finally:
        server.shutdown()
    items = shown_items(dom)
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    # the feed's items, newest first, exactly as the feed says them (the renderer may strip
    # markup from titles: whatever it wrote is shown as text)
    assert [i["title"] for i in items] == [i["title"] for i in feed["items"]]
    assert [i["href"] for i in items] == [
        "https://www.example.org/new/", "https://www.example.org/hostile/",
        "https://www.example.org/old/"]
    assert items[0]["title"] == "Nouvelle < 2025 & co"
    assert items[2]["title"] == "Ancienne"
    assert dom.findtext(".//title") == "Partner widget: newest resources"
    assert not widget(dom).xpath(".//img | .//script")


def test_widget_limits_the_number_of_items(tmp_path):
    feed = dict(HAND_WRITTEN_FEED, items=[
        {"id": str(n), "url": f"https://example.org/{n}", "title": f"Item {n}",
         "date_published": f"2024-01-{n:02d}T00:00:00Z"}
        for n in range(1, 10)
    ])
    site = widget_page(tmp_path, feed)
    base, server = serve(site)
    try:
        dom = dump_dom(f"{base}/index.html")  # index.html asks for 5
    finally:
        server.shutdown()
    assert [i["title"] for i in shown_items(dom)] == [f"Item {n}" for n in (9, 8, 7, 6, 5)]


def test_widget_says_so_when_the_feed_is_missing(tmp_path):
    site = widget_page(tmp_path, b"{}")
    (site / "feed.json").unlink()
    base, server = serve(site)
    try:
        dom = dump_dom(f"{base}/index.html")
    finally:
        server.shutdown()
    container = widget(dom)
    assert container.get("data-xtd-state") == "error"
    assert "Could not load the feed (HTTP 404)" in container.text_content()
