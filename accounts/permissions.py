"""Permission helpers: one place per kind of check, used by views, services and the API."""
from functools import wraps

from flask import abort
from flask_login import current_user

from core import regions


def roles_required(*roles: str):
    """Anonymous -> login page; signed in with another role -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from core.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_administer_region(user, region_code: str | None) -> bool:
    """Admins everywhere; officials inside their scope (province, prefecture or county)."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    if user.role != "official" or not user.region_code or not region_code:
        return False
    return regions.is_within(region_code, user.region_code)


def require_region(user, region_code: str | None) -> None:
    if not can_administer_region(user, region_code):
        abort(403)
