"""Locale selection: the user's explicit choice (a cookie) or Chinese.

The platform is Chinese first: a browser set to English still gets zh_CN until the user
switches, so a farmer borrowing a phone is never surprised by the language.
"""
from pathlib import Path

from flask import current_app, has_request_context, request

from core.config import REPO_ROOT

LOCALE_COOKIE = "hl_lang"
PACKAGES_WITH_TRANSLATIONS = ("core", "accounts", "produce", "buyers", "fairs", "counties", "api")


def translation_directories() -> str:
    dirs = [REPO_ROOT / pkg / "translations" for pkg in PACKAGES_WITH_TRANSLATIONS]
    return ";".join(str(d) for d in dirs if Path(d).is_dir())


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
