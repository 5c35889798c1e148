"""Which URLs are a video's own page, as Obsidian sees them in ``![](https://youtu.be/…)``.

Obsidian shows such an image as the video itself: the reader does not hear it as an image
without alternative text (vault/accessibility.py), and every output prints it as a video
(render/body.py).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse


# Sites whose pages are videos: a frame of theirs is printed as a video, others as an embed.
VIDEO_HOSTS = {"youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "peertube.tv"}


def is_video_host(url: str) -> bool:
    """Whether ``url`` is on a video site (a frame from there is a video, not a page)."""
    return _host(urlparse(url)) in VIDEO_HOSTS


def _host(parsed) -> str:
    return parsed.netloc.lower().removeprefix("www.").removeprefix("m.")


def is_video_page(url: str | None) -> bool:
    """Whether an image's URL is a video's page, as in Obsidian's ``![](https://youtu.be/…)``,
    which Obsidian shows as the video itself."""
    parsed = urlparse((url or "").strip())
    host = _host(parsed)
    if parsed.scheme not in ("http", "https"):
        return False
    if host == "youtube.com":
        return parsed.path == "/watch" and "v" in parse_qs(parsed.query) or parsed.path.startswith("/shorts/")
    return (host == "youtu.be" and len(parsed.path) > 1) or (
        host == "vimeo.com" and parsed.path.strip("/").isdigit())
