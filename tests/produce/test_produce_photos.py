"""Photos are checked by content, bounded in bytes and pixels, re-encoded without EXIF, and served only
for listings the viewer may see."""
import io
from pathlib import Path

import pytest
from helpers import login
from PIL import Image

from core.db import db
from produce.models import ListingPhoto


def jpeg_with_gps(size=(640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"                     # Make
    exif[0x8825] = {1: "N", 2: (26.0, 20.0, 0.0)}   # GPSInfo: where the farm is
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def owner_listing(client, make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user)
    login(client, user)
    return user, listing


def upload(client, listing, data: bytes, name: str):
    return client.post(f"/produce/listings/{listing.id}/photos",
                       data={"photos": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                       follow_redirects=True)


def test_photo_is_reencoded_without_exif_and_thumbnailed(app, client, owner_listing):
    _user, listing = owner_listing
    upload(client, listing, jpeg_with_gps(), "IMG_0001.jpg")
    photo = db.session.query(ListingPhoto).one()
    assert photo.filename != "IMG_0001.jpg" and photo.filename.endswith(".jpg")
    stored = Path(app.config["UPLOAD_FOLDER"]) / "photos" / photo.filename
    with Image.open(stored) as image:
        assert not image.getexif()  # no GPS, no maker
    with Image.open(stored.with_name(photo.thumb_filename)) as thumb:
        assert max(thumb.size) <= 360
    response = client.get(f"/produce/photos/{photo.filename}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_png_with_transparency_and_webp_are_accepted(client, owner_listing):
    _user, listing = owner_listing
    for fmt, mode in (("PNG", "RGBA"), ("WEBP", "RGB")):
        out = io.BytesIO()
        Image.new(mode, (50, 40)).save(out, fmt)
        upload(client, listing, out.getvalue(), f"x.{fmt.lower()}")
    assert db.session.query(ListingPhoto).count() == 2


def test_renamed_executable_is_rejected(client, owner_listing):
    _user, listing = owner_listing
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    windows = b"MZ\x90\x00" + b"\x00" * 200
    for data in (elf, windows, b"<svg onload=alert(1)></svg>", b"GIF89a" + b"\x00" * 50):
        html = upload(client, listing, data, "photo.jpg").get_data(as_text=True)
        assert "JPEG" in html  # "only JPEG, PNG or WebP" in the flash message
    assert db.session.query(ListingPhoto).count() == 0


def test_oversized_file_is_rejected(app, client, owner_listing):
    _user, listing = owner_listing
    app.config["UPLOAD_MAX_IMAGE_BYTES"] = 10_000
    upload(client, listing, jpeg_with_gps((1200, 900)) + b"\x00" * 20_000, "big.jpg")
    assert db.session.query(ListingPhoto).count() == 0


def test_too_many_pixels_is_rejected_before_decoding(client, owner_listing, monkeypatch):
    from produce import photos

    _user, listing = owner_listing
    monkeypatch.setattr(photos, "MAX_PIXELS", 100 * 100)
    upload(client, listing, jpeg_with_gps((101, 100)), "wide.jpg")
    assert db.session.query(ListingPhoto).count() == 0


def test_decompression_bomb_png_is_rejected(client, owner_listing):
    _user, listing = owner_listing
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 400 megapixels, a few kilobytes compressed
    assert len(out.getvalue()) < 200_000
    upload(client, listing, out.getvalue(), "bomb.png")
    assert db.session.query(ListingPhoto).count() == 0


def test_at_most_six_photos(client, owner_listing):
    _user, listing = owner_listing
    for i in range(7):
        upload(client, listing, jpeg_with_gps((20, 20)), f"{i}.jpg")
    assert db.session.query(ListingPhoto).count() == 6


def test_photos_of_a_draft_are_hidden_from_others(client, make_producer, make_listing, make_user):
    user, _ = make_producer()
    draft = make_listing(user, status="draft")
    login(client, user)
    upload(client, draft, jpeg_with_gps((30, 30)), "a.jpg")
    photo = db.session.query(ListingPhoto).one()
    assert client.get(f"/produce/photos/{photo.thumb_filename}").status_code == 200
    login(client, make_user("producer"))
    assert client.get(f"/produce/photos/{photo.thumb_filename}").status_code == 404
    assert client.get("/produce/photos/../../etc/passwd").status_code == 404


def test_result_cards_show_the_first_photo_the_producer_and_the_badges(app, client, owner_listing):
    """The search page and the producer's page read their cards in one query (produce/cards.py)."""
    from datetime import UTC, datetime

    _user, listing = owner_listing
    for _ in range(2):
        assert upload(client, listing, jpeg_with_gps(), "farm.jpg").status_code == 200
    first, second = sorted(listing.photos, key=lambda p: p.position)
    second.position, first.position = 0, 1  # the owner moved the second photo to the front
    listing.producer.verified_at = datetime.now(UTC)
    db.session.commit()
    for page in (f"/produce/?q={listing.product_name}", f"/produce/producers/{listing.producer_id}"):
        html = client.get(page).get_data(as_text=True)
        card = html[html.index('data-testid="listing-card"'):]
        card = card[:card.index("</article>")]
        assert second.thumb_filename in card and first.thumb_filename not in card, page
        assert listing.producer.name in card and "badge-ok" in card and "badge-warn" in card, page  # 兴国县
        assert f"/produce/listings/{listing.id}" in card and "¥3.80 元/斤" in card, page
