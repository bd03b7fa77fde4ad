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


def test_a_msgid_means_the_same_in_every_package():
    """The app merges all catalogues into one: a msgid translated two ways would win at random."""
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for package in PACKAGES:
        po = ROOT / package / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string or isinstance(message.id, tuple):
                    continue
                first = seen.setdefault(message.id, (package, message.string))
                if first[1] != message.string:
                    clashes.append(f"{message.id!r}: {first[0]}={first[1]!r} vs {package}={message.string!r}")
    assert not clashes, "\n".join(clashes)
