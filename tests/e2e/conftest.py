"""Browser fixtures: Playwright driving Debian's Chromium against a real gunicorn with demo data."""
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE
from livesrv import gunicorn


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """(base_url, env) of a gunicorn with two workers and the demo data set."""
    with gunicorn(tmp_path_factory.mktemp("live"), workers=2, demo=True) as (base_url, env, _log):
        yield base_url, env


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    return context, page


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()
