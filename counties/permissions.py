"""Who may read and write what in the programme (one place; views, imports and the API use it).

- Read a county's dashboard: admins, and officials whose region contains the county (county, prefecture,
  province officials).
- Enter or import indicator values: only officials of that county (their region scope IS the county).
- Manage the registry (add, edit, import counties): admins, and province officials inside their province.
"""
from core import regions

PROVINCE_LEVEL = "province"


def _is_official(user) -> bool:
    return user is not None and user.is_authenticated and user.role == "official" and bool(user.region_code)


def is_admin(user) -> bool:
    return user is not None and user.is_authenticated and user.role == "admin"


def can_view(user, code: str) -> bool:
    return is_admin(user) or (_is_official(user) and regions.is_within(code, user.region_code))


def can_enter_values(user, code: str) -> bool:
    return _is_official(user) and user.region_code == code


def can_manage_registry(user, code: str | None = None) -> bool:
    if is_admin(user):
        return True
    if not _is_official(user):
        return False
    scope = regions.get(user.region_code)
    if scope is None or scope.level != PROVINCE_LEVEL:
        return False
    return code is None or regions.is_within(code, scope.code)


def reading_scope(user) -> str | None:
    """The region a dashboard shows by default: None (national) for admins, the official's region otherwise."""
    return None if is_admin(user) else user.region_code


def can_read_scope(user, scope_code: str | None) -> bool:
    if is_admin(user):
        return True
    return _is_official(user) and scope_code is not None and regions.is_within(scope_code, user.region_code)
