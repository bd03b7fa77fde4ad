"""Listing photos: checked by content, bounded in bytes and pixels, re-encoded (EXIF and its GPS
position are dropped), thumbnailed, and stored under random names outside the static folder."""
from __future__ import annotations

import io
import logging
import secrets
import warnings
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.db import db
from produce.models import MAX_PHOTOS, Listing, ListingPhoto
from produce.permissions import can_edit_listing

log = logging.getLogger(__name__)

ALLOWED_TYPES = {"image/jpeg", "image/png", "image/webp"}
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000      # a 40-megapixel photo is plenty; more is a decompression bomb
MAX_SIDE = 1600              # stored photos are scaled down to this on their longest side
THUMB_SIDE = 360
PHOTO_DIR = "photos"


class PhotoError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.field = "photos"
        self.message = message


def photo_dir() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / PHOTO_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PhotoError(_("The photo is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise PhotoError(_("The file is empty."))
    return data


def _open_checked(data: bytes) -> Image.Image:
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise PhotoError(_("Only JPEG, PNG or WebP photos are accepted."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise PhotoError(_("Only JPEG, PNG or WebP photos are accepted."))
            width, height = image.size
            if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                raise PhotoError(_("The photo has too many pixels (at most %(mp)d megapixels).",
                                   mp=MAX_PIXELS // 1_000_000))
            image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as error:
            if isinstance(error, PhotoError):
                raise
            raise PhotoError(_("The photo could not be read."))
    return image


def _encode(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant, then drop EXIF
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


def add_photo(user, listing: Listing, storage) -> ListingPhoto:
    """Check, re-encode and store one uploaded photo (a werkzeug FileStorage) for the listing."""
    if not can_edit_listing(user, listing):
        raise PermissionError("not this producer's listing")
    if len(listing.photos) >= MAX_PHOTOS:
        raise PhotoError(_("A listing has at most %(n)d photos.", n=MAX_PHOTOS))
    data = _read_limited(storage.stream, current_app.config["UPLOAD_MAX_IMAGE_BYTES"])
    image = _open_checked(data)
    full, width, height = _encode(image, MAX_SIDE)
    thumb, _w, _h = _encode(image, THUMB_SIDE)
    stem = secrets.token_hex(16)
    names = (f"{stem}.jpg", f"{stem}_t.jpg")
    folder = photo_dir()
    try:
        for name, content in zip(names, (full, thumb), strict=True):
            (folder / name).write_bytes(content)
    except OSError as error:  # a full disk or a read-only volume: say so, and leave no half-written file
        log.error("cannot store a listing photo: %s", error)
        delete_photo_files(names)
        raise PhotoError(_("The photo could not be stored on the server. Please try again later.")) from error
    photo = ListingPhoto(listing_id=listing.id, filename=names[0], thumb_filename=names[1],
                         content_type="image/jpeg", width=width, height=height,
                         position=max((p.position for p in listing.photos), default=-1) + 1)
    db.session.add(photo)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_photo_files(names)
        raise
    return photo


def remove_photo(user, photo: ListingPhoto) -> None:
    if not can_edit_listing(user, photo.listing):
        raise PermissionError("not this producer's listing")
    names = [photo.filename, photo.thumb_filename]
    db.session.delete(photo)
    db.session.commit()
    delete_photo_files(names)


def delete_photo_files(names) -> None:
    folder = photo_dir()
    for name in names:
        try:
            (folder / Path(name).name).unlink()
        except FileNotFoundError:
            log.warning("photo file %s was already gone", name)
