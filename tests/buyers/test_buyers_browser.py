"""A buyer on a phone: sign in, open a demand, see the suggested suppliers and why they match, post a demand
with a mistake and see it explained. Chromium via Playwright against a werkzeug server thread."""
import shutil
import threading
from pathlib import Path

import pytest
from buyers_helpers import demand_form
from helpers import TEST_PASSWORD
from werkzeug.serving import make_server

from buyers import services
from core.db import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


@pytest.fixture
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def phone():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()


def test_buyer_sees_matches_and_fixes_a_mistake_on_a_phone(live, phone, make_user, make_org, make_producer,
                                                             make_listing):
    buyer = make_user("buyer", email="buyer-phone@example.com")
    make_org("深圳鲜达生鲜供应链有限公司", county_code="440305", member=buyer)
    producer, _ = make_producer()
    listing = make_listing(producer)
    demand = services.create_demand(buyer, demand_form())
    demand_id, listing_id, email = demand.id, listing.id, buyer.email
    db.session.remove()  # the server thread writes: this thread keeps no transaction open
    page = phone
    page.goto(live + "/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live + "/")
    page.goto(live + "/buyers/demands")
    page.get_by_role("link", name="脐橙 纽荷尔").click()
    page.wait_for_url(f"{live}/buyers/demands/{demand_id}")
    matches = page.get_by_test_id("matches")
    assert f"/listings/{listing_id}" in matches.inner_html()
    matches.get_by_text("为什么推荐").first.click()
    widths = page.eval_on_selector_all(".reasons .bar", "bars => bars.map(b => b.getBoundingClientRect().width)")
    assert widths and max(widths) > 0  # buyers.js drew the factor bars (CSP allows no inline styles)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(live + "/buyers/demands/new")
    page.get_by_label("产品").fill("猕猴桃")
    page.get_by_label("数量下限").fill("20")
    page.get_by_label("数量上限").fill("10")
    page.get_by_label("需要起始日期").fill("2026-12-01")
    page.get_by_label("需要截止日期").fill("2027-01-31")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("alert").filter(has_text="最多数量不能小于最少数量").count() == 1
    page.get_by_label("数量上限").fill("30")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{live}/buyers/demands/*")
    assert "采购需求已发布" in page.content()
