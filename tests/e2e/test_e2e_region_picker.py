"""An admin creates a county official on a phone, choosing the county with the cascading picker."""
import pytest
from browser_support import save_screenshot

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_cascading_region_picker_fills_the_county_code(live_server, phone_page):
    base_url, _env = live_server
    page = phone_page
    page.goto(base_url + "/login")
    page.get_by_label("邮箱").fill("admin@demo.harvestlink.cn")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(base_url + "/admin/users")
    form = page.locator("form", has=page.get_by_role("button", name="创建", exact=True))
    form.get_by_label("邮箱").fill("ningdu@example.com")
    form.get_by_label("名称").fill("宁都县商务局")
    form.get_by_label("角色").select_option("official")
    form.get_by_label("省份").select_option(label="江西省")
    form.get_by_label("地市").select_option(label="赣州市")
    form.get_by_label("区县").select_option(label="宁都县")
    assert form.locator("input[name=region_code]").input_value() == "360730"
    form.get_by_label("初始密码").fill("county official passphrase")
    form.get_by_role("button", name="创建", exact=True).click()
    assert "账号已创建" in page.locator(".flash").first.inner_text()
    row = page.locator("tr", has_text="ningdu@example.com")
    assert "宁都县" in row.inner_text() and "official" in row.inner_text()
    save_screenshot(page, "foundation-admin-region-picker-phone")
