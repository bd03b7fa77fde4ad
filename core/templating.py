"""Template globals: navigation that fits the role, region names, safe url_for for optional pages."""
from flask import current_app, url_for
from flask_babel import get_locale
from flask_login import current_user

from core import navigation, notifications, regions


def optional_url(endpoint: str, **values) -> str | None:
    """url_for that yields None for a page whose package is not installed, so nav can hide it."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def region_full_name(code: str | None) -> str:
    if not code:
        return ""
    return regions.full_name(code) or code


def nav_items():
    role = current_user.role if current_user.is_authenticated else None
    return [(label, url) for label, endpoint in navigation.items_for(role) if (url := optional_url(endpoint))]


def unread_notifications() -> int:
    return notifications.unread_count(current_user.id) if current_user.is_authenticated else 0


def register_template_helpers(app) -> None:
    app.jinja_env.globals.update(optional_url=optional_url, nav_items=nav_items, get_locale=get_locale,
                                 unread_notifications=unread_notifications)
    app.jinja_env.filters["region"] = region_full_name
