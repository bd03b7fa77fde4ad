"""End to end in Chromium: an official sets a fair up, a producer and a buyer register, the official approves and
publishes suggestions, the buyer books, both meet, a deal is recorded, confirmed and verified, and it shows in the
dashboard and in the XLSX report."""
import io
import socket
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import TEST_PASSWORD
from openpyxl import load_workbook
from playwright.sync_api import expect
from werkzeug.serving import make_server

from core.db import db

CHROMIUM = "/usr/bin/chromium"
expect.set_options(timeout=30_000)
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True  # the browser sends real forms, so CSRF stays on
    return app_config


@pytest.fixture
def server(app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield browser
        browser.close()


def sign_in(browser, base, email, phone=False):
    context = browser.new_context(viewport={"width": 360, "height": 740} if phone else {"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(60000)  # the machine is shared; be patient, never flaky
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]:has-text('登录'), form button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    page.console_errors = errors
    return page


def test_one_fair_from_set_up_to_report(server, browser, make_user, make_producer, make_buyer):
    official = make_user("official", email="org@example.com", region_code="360700", display_name="赣州市商务局")
    producer, _profile, _listings = make_producer(email="coop@example.com")
    buyer, _org, _demands = make_buyer(email="buyer@example.com")
    emails = (official.email, producer.email, buyer.email)
    db.session.commit()
    base = server
    today = date.today()

    # 1. The official sets the fair up and opens registration.
    org = sign_in(browser, base, emails[0])
    org.goto(base + "/fairs/new")
    org.fill("#title", "赣南脐橙网上购销对接会")
    org.check("input[name=categories][value=fruit]")
    org.fill("#registration_opens_on", today.isoformat())
    org.fill("#registration_closes_on", (today + timedelta(days=5)).isoformat())
    org.fill("#starts_on", (today + timedelta(days=7)).isoformat())
    org.fill("#ends_on", (today + timedelta(days=7)).isoformat())
    org.fill("#day_start", "09:00")
    org.fill("#day_end", "12:00")
    org.click("[data-testid=save-fair]")
    org.wait_for_url("**/fairs/*")
    fair_url = org.url
    org.click("button:has-text('开放报名')")
    expect(org.locator("h1 [data-status=open]")).to_have_count(1)

    # 2. The producer and the buyer register with their listing / demand.
    for email in emails[1:]:
        page = sign_in(browser, base, email)
        page.goto(fair_url)
        page.click("[data-testid=register]")
        page.locator("ul.checks input[type=checkbox]").first.check()
        page.click("[data-testid=send-registration]")
        expect(page.locator("[data-testid=my-registration] [data-status=pending]")).to_have_count(1)
        page.context.close()

    # 3. The official approves both, runs matching (progress bar) and publishes.
    org.goto(fair_url + "/registrations")
    for _ in range(2):
        row = org.locator("tr:has([data-status=pending]) form.decision").first
        row.locator("input[value=approve]").check()
        with org.expect_navigation():
            row.locator("button[type=submit]").click()
    expect(org.locator("[data-status=approved]")).to_have_count(2)
    org.goto(fair_url + "/suggestions")
    org.click("button:has-text('运行匹配')")
    org.wait_for_selector("[data-testid=suggestions] tbody tr td.num", timeout=60000)
    assert "脐橙" in org.locator("[data-testid=suggestions]").inner_text()
    org.click("button:has-text('发布给参会者')")
    expect(org.locator("[data-testid=published]")).to_have_count(1)

    # 4. The buyer sees the suggested producer and books the first free slot.
    b = sign_in(browser, base, emails[2])
    b.goto(fair_url)
    b.locator("[data-testid=suggested] a.button").first.click()
    b.click("[data-testid=book-submit]")
    expect(b.locator("h1 [data-status=confirmed]")).to_have_count(1)
    meeting_url = b.url
    assert "meet.example.org/harvestlink-" in b.locator("[data-testid=room-link]").inner_text()

    # 5. The fair runs; they meet; the buyer records a deal; the producer confirms; the official verifies.
    org.goto(fair_url)
    org.click("button:has-text('截止报名')")
    org.click("button:has-text('开始对接会')")
    b.goto(meeting_url)
    b.click("button:has-text('标记为已洽谈')")
    expect(b.locator("h1 [data-status=held]")).to_have_count(1)
    b.select_option("#kind", "deal")
    b.fill("#product_name", "赣南脐橙")
    b.fill("#quantity", "3000")
    b.fill("#unit", "公斤")
    b.fill("#amount", "19500.50")
    b.click("[data-testid=record-outcome]")
    expect(b.locator("[data-testid=agreements] [data-status=recorded]")).to_have_count(1)
    p = sign_in(browser, base, emails[1])
    p.goto(meeting_url)
    p.click("[data-testid=agreements] button:has-text('确认')")
    expect(p.locator("[data-testid=agreements] [data-status=confirmed]")).to_have_count(1)
    org.goto(meeting_url)
    org.click("[data-testid=agreements] button:has-text('核实')")
    expect(org.locator("[data-testid=agreements] [data-status=verified]")).to_have_count(1)

    # 6. The dashboard (filled by fetch) and the XLSX report show the deal.
    org.goto(fair_url + "/dashboard")
    expect(org.locator("[data-stats-url][data-loaded=true]")).to_have_count(1)  # filled by fetch
    assert org.locator("[data-stat=deal_amount]").inner_text() == "19500.50"
    expect(org.locator("canvas[data-chart=by_county]")).to_have_count(1)
    org.goto(fair_url + "/report")
    with org.expect_download() as download:
        org.click("[data-testid=xlsx]")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    values = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert any(isinstance(v, int | float) and Decimal(str(v)) == Decimal("19500.50") for v in values), values
    assert not org.console_errors, org.console_errors

    # 7. On a phone the schedule fits the screen.
    phone = sign_in(browser, base, emails[2], phone=True)
    phone.goto(base + "/fairs/schedule")
    expect(phone.locator("[data-testid=schedule] tbody tr")).to_have_count(1)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, width
