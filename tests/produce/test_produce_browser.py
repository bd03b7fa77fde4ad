"""A farmer on a phone (360x740) creates a listing with a photo, through real Chromium."""
import io
import threading
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.serving import make_server

from core.db import db
from produce.models import Listing

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def phone(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


def photo_file(tmp_path) -> str:
    path = tmp_path / "orchard.jpg"
    image = Image.new("RGB", (1200, 900), (230, 140, 20))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_phone_creates_a_listing_with_a_photo(live_server, phone, catalogue, make_producer, tmp_path):
    from helpers import TEST_PASSWORD

    user, profile = make_producer(county="360732")
    email, profile_id = user.email, profile.id
    db.session.remove()  # on SQLite the test's own open transaction would hold the write lock
    page = phone
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/produce/mine")
    page.click("[data-testid=new-listing]")
    page.fill("#product", "赣南脐橙")
    page.fill("#variety", "纽荷尔")
    page.fill("#quantity", "3000")
    page.select_option("#unit", "斤")
    page.fill("#price", "3.5")
    page.select_option("#price_unit", "元/斤")
    page.set_input_files("#photos", photo_file(tmp_path))
    # Nothing on the form may force sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.click("button[name=action][value=publish]")
    page.wait_for_url("**/produce/listings/*")
    assert "赣南脐橙" in page.inner_text("h1")
    image = page.locator(".listing-photos img").first
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    db.session.expire_all()
    listing = db.session.query(Listing).one()
    assert (listing.status, listing.producer_id, len(listing.photos)) == ("active", profile_id, 1)
    assert listing.product.code == "navel_orange"
