"""Who may do what with a fair and its records: one place per object kind, used by views and services."""
import sqlalchemy as sa

from accounts.permissions import can_administer_region
from core.db import db
from fairs.models import Agreement, Fair, Meeting, Registration


def can_organise(user, fair: Fair) -> bool:
    return can_administer_region(user, fair.region_code)


def can_see_fair(user, fair: Fair) -> bool:
    """Drafts are the organisers' business; every other state is public."""
    return fair.status != "draft" or can_organise(user, fair)


def registration_of(user, fair_id: int) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Registration).where(
        Registration.fair_id == fair_id, Registration.user_id == user.id))


def party_registration(user, meeting: Meeting) -> Registration | None:
    """The user's side of the meeting, or None when the user is not one of its two parties."""
    if user is None or not user.is_authenticated:
        return None
    for reg in (meeting.producer_reg, meeting.buyer_reg):
        if reg.user_id == user.id:
            return reg
    return None


def can_view_meeting(user, meeting: Meeting) -> bool:
    return party_registration(user, meeting) is not None or can_organise(user, meeting.fair)


def can_view_agreement(user, agreement: Agreement) -> bool:
    return can_view_meeting(user, agreement.meeting)
