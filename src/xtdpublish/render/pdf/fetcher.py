"""What WeasyPrint may read.

``ConfinedFetcher`` lets WeasyPrint read ``data:`` URIs and files inside a few folders
(the vault and the theme), nothing else: no network, no ``..`` or symlink out.

The guide names those folders by fixed URLs (``file://vault/…``, ``file://theme/…``) that the
fetcher maps to where they are: WeasyPrint names an image after its URL, so with the folders'
real paths the same vault in two places would give two different PDFs.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from ...model import Model
from ...regular_file import read_regular


class RefusedResource(ValueError):
    """A resource outside the allowed folders, or not a file/data URL."""


def folder_url(name: str, path: str = "") -> str:
    """The fixed URL of ``path`` (a POSIX path relative to the folder ``name``)."""
    return f"file://{name}/" + quote(path.lstrip("/"))


def asset_url(model: Model, path: str) -> str:
    """The fixed URL of the asset ``path``: a vault file, or an image the reader took out of
    an office note (``file://office/…``, served from the build's cache by ``files``)."""
    return folder_url("office" if path in model.extracted else "vault", path)


class ConfinedFetcher(URLFetcher):
    """Reads files of the ``allowed`` folders, by their path or by ``folders``' fixed URLs
    (name → folder) or ``files``' URLs (URL → file); ``replaced`` gives the bytes served
    instead of some URLs' files."""

    def __init__(self, allowed: list[Path], folders: dict[str, Path] | None = None,
                 replaced: dict[str, bytes] | None = None,
                 files: dict[str, Path] | None = None, max_bytes: int | None = None) -> None:
        """``max_bytes``: a larger file is refused (limits.asset_bytes)."""
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.allowed = [folder.resolve() for folder in allowed]
        self.folders = {name: folder.resolve() for name, folder in (folders or {}).items()}
        self.allowed += self.folders.values()
        self.replaced = dict(replaced or {})
        self.files = {url: file.resolve() for url, file in (files or {}).items()}
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
        body = self.replaced[url] if url in self.replaced else read_regular(path, self.max_bytes)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})

    def local_path(self, url: str) -> Path | None:
        """The real file ``url`` names, when it is inside an allowed folder."""
        if url in self.files:
            return self.files[url]
        parts = urlsplit(url)
        if parts.netloc in self.folders:
            path = (self.folders[parts.netloc] / unquote(parts.path).lstrip("/")).resolve()
        elif parts.netloc in ("", "localhost"):
            path = Path(url2pathname(parts.path)).resolve()
        else:
            return None
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            return None
        return path
