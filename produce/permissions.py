"""Who may see and change producer records: one place, used by views, services and the API."""
from __future__ import annotations

from accounts.permissions import can_administer_region

PUBLIC_STATUSES = ("active", "sold_out", "expired")


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_member(user, producer) -> bool:
    if not _signed_in(user) or producer is None:
        return False
    return any(member.user_id == user.id for member in producer.members)


def is_owner(user, producer) -> bool:
    if not _signed_in(user) or producer is None:
        return False
    return any(m.user_id == user.id and m.role == "owner" for m in producer.members)


def can_edit_listing(user, listing) -> bool:
    return is_member(user, listing.producer)


def can_view_listing(user, listing) -> bool:
    """Anyone sees published listings (active, sold out, expired); drafts and paused ones only their producer,
    admins and officials of the origin region."""
    if listing.status in PUBLIC_STATUSES:
        return True
    return is_member(user, listing.producer) or can_administer_region(user, listing.county_code)


def can_verify_producer(user, producer) -> bool:
    return _signed_in(user) and user.role in ("official", "admin") and can_administer_region(user, producer.county_code)
