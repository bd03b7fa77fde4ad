"""Every UI string of every package has its Chinese translation (Chinese is the default language)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/translations") if p.is_dir())


def test_packages_with_ui_strings_have_catalogues():
    assert {"core", "accounts"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_chinese_catalogue_is_complete(package):
    result = subprocess.run([sys.executable, "scripts/i18n.py", "missing", package], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"untranslated in {package}:\n{result.stdout}{result.stderr}"


def test_english_is_available_and_chinese_is_default(client):
    assert "<h1>登录</h1>" in client.get("/login").get_data(as_text=True)
    client.set_cookie("hl_lang", "en")
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
