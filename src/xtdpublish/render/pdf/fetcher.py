"""What WeasyPrint may read, and what it complained about.

``ConfinedFetcher`` lets WeasyPrint read ``data:`` URIs and files inside a few folders
(the vault and the theme), nothing else: no network, no ``..`` or symlink out.
``weasyprint_log`` collects the log records WeasyPrint writes instead of raising.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import URLFetcher

from ...regular_file import read_regular
from weasyprint.urls import URLFetcherResponse


class RefusedResource(ValueError):
    """A resource outside the allowed folders, or not a file/data URL."""


class ConfinedFetcher(URLFetcher):
    def __init__(self, allowed: list[Path], max_bytes: int | None = None) -> None:
        """``max_bytes``: a larger file is refused (limits.asset_bytes)."""
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.allowed = [folder.resolve() for folder in allowed]
        self.max_bytes = max_bytes

    def fetch(self, url: str, headers=None):
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedResource(f"not read: only files of the vault and theme are ({url})")
        path = self.local_path(url)
        if path is None:
            raise RefusedResource(f"not read: outside the vault and the theme ({url})")
        if not path.is_file():
            raise FileNotFoundError(f"no such file ({url})")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # a regular file only, checked on the open file (never a FIFO or a device), bounded
        body = read_regular(path, self.max_bytes)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})

    def local_path(self, url: str) -> Path | None:
        """The real file ``url`` names, when it is inside an allowed folder."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            return None
        return path


@contextlib.contextmanager
def weasyprint_log() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors during the block."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    previous_level = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.WARNING or logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
