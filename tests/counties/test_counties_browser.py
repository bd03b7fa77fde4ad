"""Browser: a county official enters a quarter's values and the county page's chart shows them
(Playwright + Debian Chromium, a real werkzeug server on a free port, CSRF on, phone viewport)."""
import threading
from datetime import date
from decimal import Decimal

import pytest
from helpers import TEST_PASSWORD
from werkzeug.serving import make_server

from core.db import db
from counties.models import IndicatorValue

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text
                and page.console_errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and page.console_errors.append(f"{r.status} {r.url}"))
        yield page
        browser.close()


def _quarter(today: date) -> str:
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def _chart(page, kind):
    page.wait_for_selector(".counties-charts[data-ready='true']")
    return page.evaluate("""kind => {
        const chart = Chart.getChart(document.querySelector(`canvas[data-kind='${kind}']`));
        return {labels: chart.data.labels, sets: chart.data.datasets.map(d => [d.label, d.data])};
    }""", kind)


def test_entering_a_quarter_updates_the_chart(server, page, add_county, indicators, make_user):
    county = add_county("360732", 2015)
    official = make_user("official", "official.xingguo@example.com", region_code="360732")
    email, coverage_id = official.email, indicators["village_coverage"].id
    for period, value in (("2025Q3", "48"), ("2025Q4", "55")):
        db.session.add(IndicatorValue(county_id=county.id, indicator_id=coverage_id, period=period,
                                      value=Decimal(value)))
    db.session.commit()
    db.session.close()  # outside a request SQLite begins IMMEDIATE: hold no lock while the server writes
    quarter = _quarter(date.today())

    page.goto(server + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=account-link]", state="attached")
    page.goto(server + "/counties/360732")
    before = _chart(page, "percent")
    assert before["labels"] == ["2025Q3", "2025Q4"]
    assert before["sets"] == [["建制村电商服务覆盖率 (%)", [48, 55]]]

    page.click("[data-testid=enter-values]")
    page.fill("input[name=period]", quarter)
    page.fill("input[name=village_coverage]", "172.5")  # a typo first: the field says why
    page.click("[data-testid=save-values]")
    assert "0 到 100" in page.inner_text(".has-error")
    page.fill("input[name=village_coverage]", "72.5")
    page.fill("input[name=trainees]", "340")
    page.click("[data-testid=save-values]")

    page.wait_for_url(server + "/counties/360732")
    after = _chart(page, "percent")
    assert after["labels"] == ["2025Q3", "2025Q4", quarter]
    assert after["sets"] == [["建制村电商服务覆盖率 (%)", [48, 55, 72.5]]]
    counts = _chart(page, "count")
    assert counts["sets"] == [["电商培训人次 (人次)", [None, None, 340]]]
    assert page.console_errors == []  # no CSP violations, no script errors
