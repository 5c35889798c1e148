"""The vault's images as a word processor shows them: PNG or JPEG, handed to pandoc as ``data:`` URIs.

pandoc runs with ``--sandbox`` and reads no file but its input, so every image travels
inside the document as a ``data:`` URI. PNG and JPEG go as they are. SVG (which pandoc
would embed with no raster fallback, so LibreOffice shows it blank), GIF and WebP become
PNG first: SVG drawn by resvg at three times its size (print resolution), after the
EPUB's cleaning (no script, no outside file), the others by Pillow (a GIF's first frame).
So is a PNG or JPEG whose bytes do not check out (pandoc would embed it without a size,
and the reader would see a broken box); if Pillow cannot read it either, it is left out.
Conversions are kept in ``OUT/.cache/office-images/`` by the hash of the source bytes,
so an unchanged image is converted once; the folder keeps only what the last build used.
"""

from __future__ import annotations

import re

import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ...model import Model
from ...report import Report
from ..epub.xhtml import clean_svg

AS_IS = {"image/png", "image/jpeg"}
CONVERTED = {"image/svg+xml", "image/gif", "image/webp"}
SVG_ZOOM = 3  # ~288 dpi for an SVG drawn at 96 px to the inch
CACHE = Path(".cache") / "office-images"


@dataclass(frozen=True)
class Picture:
    uri: str  # data:image/png;base64,...
    width: str | None  # the size to show it at when the note gives none ("320px"), for drawn SVGs


class OfficeImages:
    def __init__(self, model: Model, out_dir: Path, report: Report) -> None:
        self.model = model
        self.report = report
        self.cache = out_dir / CACHE
        self.media_types = {asset.path: asset.media_type for asset in model.assets}
        self._pictures: dict[str, Picture | None] = {}
        self._used: set[str] = set()

    def picture(self, path: str) -> Picture | None:
        """The vault image ``path`` as pandoc embeds it, or None (not an image, unreadable)."""
        if path not in self._pictures:
            self._pictures[path] = self._load(path)
        return self._pictures[path]

    def alt(self, path: str) -> str:
        """The text an image without its own is given (the model gives each image one: this is
        for a body whose alt went missing on the way)."""
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return re.sub(r"[\s_\-]+", " ", stem).strip() or stem

    def prune(self) -> None:
        """Forget the conversions this build did not use."""
        if not self.cache.is_dir():
            return
        for file in self.cache.iterdir():
            if file.name not in self._used and file.suffix == ".png":
                file.unlink(missing_ok=True)

    def _load(self, path: str) -> Picture | None:
        media_type = self.media_types.get(path)
        file = self.model.asset_file(path)
        if file is None or media_type not in AS_IS | CONVERTED:
            return None
        try:
            data = file.read_bytes()
        except OSError as error:
            self.report.warning(path, None, "office.image", f"this image could not be read: {error}")
            return None
        if media_type in AS_IS and _is_sound(data):
            return Picture(_data_uri(media_type, data), None)
        converted = self._converted(path, media_type, data)  # or a PNG/JPEG to draw again
        if converted is None:
            return None
        png, width = converted
        return Picture(_data_uri("image/png", png), f"{width}px" if width else None)

    def _converted(self, path: str, media_type: str, data: bytes) -> tuple[bytes, int | None] | None:
        key = hashlib.sha256(media_type.encode() + b"\0" + data).hexdigest()
        name = f"{key}.png"
        self._used.add(name)
        cached = self.cache / name
        if cached.is_file():
            png = cached.read_bytes()
        else:
            try:
                png = _svg_to_png(data) if media_type == "image/svg+xml" else _raster_to_png(data)
            except Exception as error:  # a library's refusal: this image is left out, not the document
                self.report.warning(path, None, "office.image",
                                    f"this image could not be converted to PNG for Word and "
                                    f"LibreOffice and is left out: {error}")
                return None
            self.cache.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(".tmp")
            temporary.write_bytes(png)
            temporary.replace(cached)
        zoom = SVG_ZOOM if media_type == "image/svg+xml" else 1
        return png, _png_width(png) // zoom if zoom > 1 else None


def _is_sound(data: bytes) -> bool:
    """Whether Pillow reads the image's structure (chunks and their checksums) without fault."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:
        return False
    return True


def _svg_to_png(data: bytes) -> bytes:
    import resvg_py

    cleaned = clean_svg(data)
    if cleaned is None:
        raise ValueError("not a well-formed SVG document (or it needs an outside file)")
    return bytes(resvg_py.svg_to_bytes(svg_string=cleaned.decode("utf-8"), zoom=SVG_ZOOM))


def _raster_to_png(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        frame = image.convert("RGBA") if image.mode not in ("RGB", "RGBA", "L", "LA") else image.copy()
    out = io.BytesIO()
    frame.save(out, format="PNG")
    return out.getvalue()


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big") if png[12:16] == b"IHDR" else 0


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")
