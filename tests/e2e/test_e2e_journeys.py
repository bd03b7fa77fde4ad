"""Whole journeys in Debian's Chromium against a real gunicorn with the demo set, on a phone and a desktop:
a farmer registers and lists produce with a photo; a buyer searches, saves the search and posts a demand;
an official imports buyers and follows a fair to its report; a county official enters indicator values.
The last page of each journey is saved under test-artifacts/ (save_screenshot)."""
import io
import re
from datetime import date, timedelta

import pytest
from browser_support import save_screenshot
from livesrv import gunicorn
from PIL import Image

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
XSS = '"><img src=x onerror=alert(1)>'



@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A gunicorn with the demo set, its schema from the migrations."""
    with gunicorn(tmp_path_factory.mktemp("journeys"), workers=2, demo=True) as (base_url, env, _log):
        yield base_url, env


def _sign_in(page, base, email, password=DEMO_PASSWORD):
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1


def _pick_county(form, province="江西省", prefecture="赣州市", county="兴国县"):
    form.get_by_label("省份", exact=True).select_option(label=province)
    form.get_by_label("地市", exact=True).select_option(label=prefecture)
    form.get_by_label("区县", exact=True).select_option(label=county)


def _photo(tmp_path) -> str:
    path = tmp_path / "navel-oranges.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 750), (240, 150, 30)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_farmer_registers_and_lists_produce_with_a_photo_on_a_phone(live_server, phone_page, tmp_path):
    base, _env = live_server
    page = phone_page
    page.goto(base + "/register")
    page.fill("#email", "xingguo.farmer@example.com")
    page.fill("#display_name", "钟大伯")
    page.fill("#phone", "13907970123")
    page.select_option("#role", "producer")
    page.select_option("#producer_kind", "farmer")
    page.fill("#password", "orange grove by the river 2026")
    page.fill("#confirm", "orange grove by the river 2026")
    _no_sideways_scroll(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "欢迎" in page.locator(".flash").first.inner_text()

    page.goto(base + "/produce/profile")
    form = page.locator("main form").first
    form.locator("#name").fill("钟大伯脐橙园")
    _pick_county(form)
    form.locator("#contact_phone").fill("13907970123")
    _no_sideways_scroll(page)
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(base + "/produce/mine")
    page.click("[data-testid=new-listing]")
    page.fill("#product", "赣南脐橙")
    page.fill("#variety", XSS)  # shown to every visitor: must come back as text, never run
    page.fill("#quantity", "5000")
    page.select_option("#unit", "斤")
    page.fill("#price", "3.2")
    page.select_option("#price_unit", "元/斤")
    page.set_input_files("#photos", _photo(tmp_path))
    _no_sideways_scroll(page)
    page.click("button[name=action][value=publish]")
    page.wait_for_url("**/produce/listings/*")
    assert "赣南脐橙" in page.inner_text("h1")
    image = page.locator(".listing-photos img").first
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    assert XSS in page.locator("main").inner_text(), "the variety is shown as text"
    detail = page.url
    page.goto(base + "/produce/?q=脐橙")
    page.goto(detail)
    assert not page.dialogs, page.dialogs
    save_screenshot(page, "journey-farmer-listing-phone")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_buyer_searches_saves_the_search_and_posts_a_demand(live_server, request, viewport):
    base, _env = live_server
    page = request.getfixturevalue(f"{viewport}_page")
    _sign_in(page, base, "buyer@demo.harvestlink.cn")
    page.goto(base + "/buyers/suppliers?q=" + "脐橙")
    assert page.locator("main").inner_text()
    name = f"脐橙货源-{viewport}"
    page.locator("form[action$='/buyers/saved-searches'] input[name=name]").fill(name)
    page.locator("form[action$='/buyers/saved-searches'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash").count() >= 1

    page.goto(base + "/buyers/demands/new")
    form = page.locator("main form").first
    form.locator("#product_name").fill("脐橙")
    form.locator("#quantity_min").fill("2000")
    form.locator("#quantity_max").fill("5000")
    form.locator("#unit").select_option("公斤")
    form.locator("#price_max").fill("6")
    form.locator("#price_unit").select_option("元/公斤")
    _pick_county(form, "广东省", "深圳市", "福田区")
    start = date.today() + timedelta(days=7)
    form.locator("#needed_from").fill(start.isoformat())
    form.locator("#needed_to").fill((start + timedelta(days=60)).isoformat())
    _no_sideways_scroll(page)
    form.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/buyers/demands/\d+$"))
    assert "脐橙" in page.locator("main").inner_text()
    assert not page.dialogs
    save_screenshot(page, f"journey-buyer-demand-{viewport}")


def test_an_official_imports_buyers_and_follows_a_fair_to_its_report(live_server, desktop_page, tmp_path):
    base, _env = live_server
    page = desktop_page
    _sign_in(page, base, "official.jiangxi@demo.harvestlink.cn")
    csv_path = tmp_path / "buyers.csv"
    csv_path.write_text("名称,类型,统一社会信用代码,地区代码,地址,联系人,职务,电话,邮箱,年采购量(吨),关注产品,来源\n"
                        "赣州果蔬批发市场旅程测试有限公司,超市,,360702,章贡区测试路1号,刘经理,采购,13907971111,,800,脐橙,旅程测试\n"
                        "南昌旅程测试生鲜超市有限公司,超市,,360102,东湖区测试路2号,王经理,采购,13907972222,,300,大米,旅程测试\n",
                        encoding="utf-8")
    page.goto(base + "/buyers/admin/import")
    page.set_input_files("input[type=file]", str(csv_path))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/buyers/admin/import/[^/]+$"))
    # the progress page reloads itself into the preview when the staging job is done
    page.locator("[data-testid=counts]").wait_for(timeout=60_000)
    page.locator("form[action$='/commit'] button[type=submit]").click()
    page.locator("[data-testid=job-outcome].flash-success").wait_for(timeout=60_000)
    assert "旅程测试" in page.goto(base + "/buyers/admin?q=旅程测试").text()

    page.goto(base + "/fairs/")
    fair_links = page.locator("main a[href^='/fairs/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href')).filter(h => /^\\/fairs\\/\\d+$/.test(h))")
    assert fair_links, "the demo set has fairs"
    reports = []
    for link in fair_links:
        response = page.goto(base + link + "/report")
        if response.status == 200:
            reports.append(link)
            break
    assert reports, "no fair report could be opened"
    assert page.locator("main").inner_text()
    assert not page.dialogs
    save_screenshot(page, "journey-official-fair-report-desktop")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_county_official_enters_indicator_values(live_server, request, viewport):
    base, _env = live_server
    page = request.getfixturevalue(f"{viewport}_page")
    _sign_in(page, base, "official.xingguo@demo.harvestlink.cn")
    page.goto(base + "/counties/360732/values")
    form = page.locator("main form").first
    quarter = (date.today().month - 1) // 3 + 1
    form.locator("#period").fill(f"{date.today().year}Q{quarter}")
    inputs = form.locator("input[type=text]:not(#period), input[inputmode=decimal], input[type=number]")
    filled = 0
    for i in range(min(inputs.count(), 3)):
        inputs.nth(i).fill("1")  # valid for every kind of indicator (counts, amounts, yes/no)
        filled += 1
    assert filled, "the values form has number fields"
    _no_sideways_scroll(page)
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    errors = page.locator(".error, .flash-error").all_inner_texts()
    assert re.search(r"/counties/360732$", page.url), (page.url, errors)
    assert page.locator(".flash").first.inner_text()
    assert not page.dialogs
    save_screenshot(page, f"journey-county-values-{viewport}")
