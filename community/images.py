"""Uploaded images: decoded with Pillow, re-encoded without metadata, thumbnailed, stored under random names."""

from __future__ import annotations

import secrets
import warnings
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000          # refuses decompression bombs before decoding them
KEPT_INFO = ("transparency",)    # what a re-encoded image keeps from the upload's info: nothing that describes it
LARGE_EDGE = 1600
THUMB_EDGE = 480
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


class ImageError(ValueError):
    """A user-facing reason why an upload was refused."""


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_image(stream) -> str:
    """Stores an upload; returns its new name. The thumbnail is stored as thumb-<name>."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageError(_("画像は5MB以下にしてください。"))
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit refuses) on huge images: ours is lower, say so in the form.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode_and_store(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageError(_("画像の画素数が大きすぎます。")) from error


def _decode_and_store(data: bytes) -> str:
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ImageError(_("JPEG、PNG、WebP、GIF の画像を選んでください。"))
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageError(_("画像の画素数が大きすぎます。"))
            ext = FORMATS[probe.format]
            probe.verify()
        with Image.open(BytesIO(data)) as opened:
            opened.load()
            return _store(ImageOps.exif_transpose(opened), ext)  # the intended orientation kept, then EXIF dropped
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, ImageError):
            raise
        raise ImageError(_("画像として読み込めませんでした。別のファイルを選んでください。")) from error


def _store(image: Image.Image, ext: str) -> str:
    name = f"{secrets.token_urlsafe(16)}.{ext}"
    folder = upload_dir()
    if ext == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if ext == "png" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # Pillow writes back what the upload's info carries (a JPEG comment, XMP, ICC profile, EXIF): keep none of it.
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    large = image.copy()
    large.thumbnail((LARGE_EDGE, LARGE_EDGE))
    thumb = image.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    # A fresh save without metadata arguments writes no EXIF, GPS, comment or text chunk.
    options = {"jpg": {"quality": 85, "optimize": True}, "webp": {"quality": 85}, "png": {"optimize": True}}[ext]
    large.save(folder / name, **options)
    thumb.save(folder / f"thumb-{name}", **options)
    return name


def delete_image(name: str | None) -> None:
    if not name:
        return
    for file in (upload_dir() / name, upload_dir() / f"thumb-{name}"):
        file.unlink(missing_ok=True)
