"""A farmer signs in on a phone and sees the Chinese interface."""
import pytest
from browser_support import save_screenshot

from core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_login_on_a_phone_shows_the_chinese_ui(live_server, phone_page):
    base_url, _env = live_server
    page = phone_page
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".brand").inner_text() == "丰收对接"
    page.locator("label.nav-toggle-label").click()  # the menu folds away on a narrow screen
    page.get_by_role("navigation").get_by_role("link", name="登录").click()
    page.get_by_label("邮箱").fill("farmer@demo.harvestlink.cn")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/")
    page.locator("label.nav-toggle-label").click()
    assert page.get_by_test_id("account-link").inner_text() == "刘大山"
    assert page.get_by_role("button", name="退出").is_visible()
    # Nothing is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    save_screenshot(page, "foundation-login-phone")


def test_wrong_password_shows_a_chinese_error(live_server, phone_page):
    base_url, _env = live_server
    page = phone_page
    page.goto(base_url + "/login")
    page.get_by_label("邮箱").fill("farmer@demo.harvestlink.cn")
    page.get_by_label("密码", exact=True).fill("not the password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").first.inner_text() == "邮箱或密码错误。"


def test_language_switch_sticks_across_pages(live_server, desktop_page):
    base_url, _env = live_server
    page = desktop_page
    page.goto(base_url + "/login")
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "Sign in"
    page.goto(base_url + "/register")
    assert page.locator("h1").inner_text() == "Register"
    assert not page.dialogs
