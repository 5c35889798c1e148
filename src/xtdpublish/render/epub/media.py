"""The vault images a book shows, as files of its own: ``EPUB/media/img001.png``...

Only images the model lists among the vault's used assets (``Model.assets``) go in,
read from inside the vault and nowhere else (``..``, absolute paths and symlinks that
leave it give nothing); SVGs are cleaned first (``xhtml.clean_svg``). Raster images
are read again only when the zip is written, so a book's pictures are never all in memory.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from ...model import Model
from ...report import Report
from .xhtml import clean_svg

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg",
              "image/webp": "webp"}
MEDIA_FOLDER = "media/"  # relative to the package document
FROM_CHAPTER = "../"  # chapters live in text/, one folder below the package document


@dataclass(frozen=True)
class MediaFile:
    """One image of the book: where it goes in the zip and where its bytes come from."""

    href: str  # relative to the package document: "media/img001.png"
    media_type: str
    source: Path  # the vault file
    cleaned: bytes | None = None  # an SVG's bytes once cleaned; None: read ``source`` when zipping

    def data(self) -> bytes:
        return self.cleaned if self.cleaned is not None else self.source.read_bytes()


class VaultImages:
    """Vault images as book files; nothing outside the vault, nothing but images."""

    def __init__(self, model: Model, report: Report | None = None, max_bytes: int | None = None) -> None:
        self.report = report or Report()
        self.model = model
        self.root = model.root.resolve()
        # a file over limits.asset_bytes is never embedded (the reader has said so)
        self.media_types = {asset.path: asset.media_type for asset in model.assets
                            if max_bytes is None or asset.size <= max_bytes}
        self.files: list[MediaFile] = []  # in order of first use: the manifest's order
        self._by_path: dict[str, MediaFile | None] = {}
        self._warned: set[str] = set()

    @property
    def used(self) -> bool:
        return bool(self.files)

    def src(self, path: str) -> str | None:
        """The ``src`` a chapter gives the vault image ``path``, or None if it cannot be in the book."""
        if path not in self._by_path:
            media = self._read(path) if path in self.media_types else None
            self._by_path[path] = media
            if media is not None:
                self.files.append(media)
        media = self._by_path[path]
        return FROM_CHAPTER + media.href if media is not None else None

    def data_uri(self, path: str) -> str | None:
        """A vault image inlined as a ``data:`` URI (the generated cover's logo), same confinement."""
        media = self._load(path, self.media_types.get(path) or mimetypes.guess_type(path)[0], "")
        if media is None:
            return None
        return f"data:{media.media_type};base64," + base64.b64encode(media.data()).decode("ascii")

    def _read(self, path: str) -> MediaFile | None:
        number = len(self.files) + 1
        media_type = self.media_types[path]
        extension = EXTENSIONS.get(media_type, "bin")
        return self._load(path, media_type, f"{MEDIA_FOLDER}img{number:03d}.{extension}")

    def _load(self, path: str, media_type: str | None, href: str) -> MediaFile | None:
        file = self.model.asset_file(path)  # in the vault, or taken out of an office note
        if file is None or media_type not in IMAGE_TYPES:
            return None
        if media_type != "image/svg+xml":
            return MediaFile(href, media_type, file)
        cleaned = clean_svg(file.read_bytes())
        if cleaned is None:
            if path not in self._warned:
                self._warned.add(path)
                self.report.warning(path, None, "epub.svg",
                                    "this SVG is not a well-formed SVG document (or needs an outside "
                                    "file to be read); the EPUB leaves it out. Export it again as plain SVG")
            return None
        return MediaFile(href, media_type, file, cleaned)
