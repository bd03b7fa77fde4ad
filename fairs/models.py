"""Fairs: set-up, registrations, suggestions, meetings (with seats that stop double booking), messages,
agreements."""
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import TimestampMixin, UTCDateTime, db, utcnow
from core.jobs import Job  # noqa: F401  (the jobs table must be in the metadata; core.models is the lead's)

FAIR_STATES = ("draft", "open", "registration_closed", "running", "finished", "archived")
# Allowed moves of the state machine: state -> states it may go to.
TRANSITIONS = {
    "draft": ("open",),
    "open": ("registration_closed",),
    "registration_closed": ("open", "running"),
    "running": ("finished",),
    "finished": ("archived",),
    "archived": (),
}
REGISTRATION_STATES = ("pending", "approved", "rejected", "withdrawn")
MEETING_STATES = ("requested", "confirmed", "declined", "cancelled", "held")
AGREEMENT_KINDS = ("intent", "deal")
AGREEMENT_STATES = ("recorded", "confirmed", "verified")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Fair(TimestampMixin, db.Model):
    __tablename__ = "fairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    theme: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    region_code: Mapped[str] = mapped_column(sa.String(6), nullable=False, index=True)  # organiser's scope
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    categories: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    target_region_codes: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    priority_poverty: Mapped[bool] = mapped_column(default=True, nullable=False)
    priority_old_revolutionary: Mapped[bool] = mapped_column(default=False, nullable=False)
    registration_opens_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    registration_closes_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    day_start: Mapped[time] = mapped_column(sa.Time, nullable=False)
    day_end: Mapped[time] = mapped_column(sa.Time, nullable=False)
    slot_minutes: Mapped[int] = mapped_column(nullable=False, default=30)
    max_meetings_per_day: Mapped[int] = mapped_column(nullable=False, default=8)
    meeting_link_template: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    status: Mapped[str] = mapped_column(sa.String(24), default="draft", nullable=False, index=True)
    suggestions_job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))
    suggestions_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(_in("status", FAIR_STATES), name="status_known"),
        sa.CheckConstraint("registration_opens_on <= registration_closes_on", name="registration_window"),
        sa.CheckConstraint("starts_on <= ends_on", name="fair_days"),
        sa.CheckConstraint("day_start < day_end", name="day_hours"),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_length"),
        sa.CheckConstraint("max_meetings_per_day BETWEEN 1 AND 50", name="daily_cap"),
    )


class Registration(TimestampMixin, db.Model):
    __tablename__ = "fair_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(10), nullable=False)  # producer | buyer
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producer_profiles.id", ondelete="CASCADE"))
    buyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buyer_orgs.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    fair: Mapped[Fair] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    items: Mapped[list["RegistrationItem"]] = relationship(cascade="all, delete-orphan", back_populates="registration")

    __table_args__ = (
        sa.UniqueConstraint("fair_id", "user_id", name="uq_fair_registrations_fair_user"),
        sa.CheckConstraint(_in("status", REGISTRATION_STATES), name="status_known"),
        sa.CheckConstraint("(role = 'producer' AND producer_id IS NOT NULL AND buyer_id IS NULL) OR "
                           "(role = 'buyer' AND buyer_id IS NOT NULL AND producer_id IS NULL)", name="role_party"),
        sa.Index("ix_fair_registrations_fair_status", "fair_id", "status"),
    )


class RegistrationItem(db.Model):
    """One listing (producer) or demand (buyer) a participant brings to the fair."""

    __tablename__ = "fair_registration_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    listing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("listings.id", ondelete="CASCADE"))
    demand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))

    registration: Mapped[Registration] = relationship(back_populates="items")

    __table_args__ = (
        sa.CheckConstraint("(listing_id IS NULL) <> (demand_id IS NULL)", name="one_item"),
        sa.UniqueConstraint("registration_id", "listing_id", "demand_id", name="uq_fair_registration_items_item"),
    )


class Invitation(db.Model):
    __tablename__ = "fair_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), nullable=False)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("buyer_orgs.id", ondelete="CASCADE"), nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (sa.UniqueConstraint("fair_id", "buyer_id", name="uq_fair_invitations_fair_buyer"),)


class Suggestion(db.Model):
    """A proposed listing-demand pair of a fair with its score, reasons and allocated quantity."""

    __tablename__ = "fair_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), nullable=False)
    producer_reg_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    buyer_reg_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                              nullable=False, index=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id", ondelete="CASCADE"), nullable=False)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"), nullable=False)
    score: Mapped[float] = mapped_column(sa.Float, nullable=False, default=0.0)
    reasons: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    # What matching.allocate assigned: kilograms, or a count unit (箱, 头...) when no weight is known.
    allocated_quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 3))
    allocated_unit: Mapped[str | None] = mapped_column(sa.String(10))
    source: Mapped[str] = mapped_column(sa.String(8), default="auto", nullable=False)  # auto | manual
    removed: Mapped[bool] = mapped_column(default=False, nullable=False)

    producer_reg: Mapped[Registration] = relationship(foreign_keys=[producer_reg_id])
    buyer_reg: Mapped[Registration] = relationship(foreign_keys=[buyer_reg_id])

    __table_args__ = (
        sa.UniqueConstraint("fair_id", "listing_id", "demand_id", name="uq_fair_suggestions_pair"),
        sa.Index("ix_fair_suggestions_fair_removed", "fair_id", "removed"),
    )


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), nullable=False, index=True)
    producer_reg_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    buyer_reg_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                              nullable=False, index=True)
    suggestion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fair_suggestions.id", ondelete="SET NULL"))
    # Whose turn it is: the party that proposed the current slots waits for the other one.
    proposed_by_reg_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fair_registrations.id",
                                                                         ondelete="SET NULL"))
    proposed_slots: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)  # ISO UTC strings
    status: Mapped[str] = mapped_column(sa.String(10), default="requested", nullable=False)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)

    fair: Mapped[Fair] = relationship()
    producer_reg: Mapped[Registration] = relationship(foreign_keys=[producer_reg_id])
    buyer_reg: Mapped[Registration] = relationship(foreign_keys=[buyer_reg_id])

    __table_args__ = (
        sa.CheckConstraint(_in("status", MEETING_STATES), name="status_known"),
        sa.CheckConstraint("status NOT IN ('confirmed', 'held') OR slot_start IS NOT NULL", name="slot_when_booked"),
    )


class MeetingSeat(db.Model):
    """One row per party per booked meeting. The unique keys are what stop double booking, in the database:
    a participant holds a slot once, and at most `max_meetings_per_day` numbered seats per day."""

    __tablename__ = "meeting_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), nullable=False)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                                 nullable=False)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False)
    day_ordinal: Mapped[int] = mapped_column(nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("fair_id", "registration_id", "slot_start", name="uq_meeting_seats_slot"),
        sa.UniqueConstraint("fair_id", "registration_id", "day", "day_ordinal", name="uq_meeting_seats_day_ordinal"),
        sa.UniqueConstraint("meeting_id", "registration_id", name="uq_meeting_seats_meeting_party"),
        sa.CheckConstraint("day_ordinal >= 1", name="ordinal_positive"),
    )


class MeetingMessage(db.Model):
    __tablename__ = "meeting_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))  # the uploader's file name, shown only
    attachment_path: Mapped[str | None] = mapped_column(sa.String(100))  # generated name under UPLOAD_FOLDER
    attachment_mime: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author = relationship("User")


class Agreement(TimestampMixin, db.Model):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(sa.ForeignKey("fairs.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    kind: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    product_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(14, 3), nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False)  # 元
    signed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # Copied from the producer when recorded, so reports group by county without joining other packages.
    producer_county_code: Mapped[str | None] = mapped_column(sa.String(6), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="recorded", nullable=False)
    recorded_by_reg_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_registrations.id", ondelete="CASCADE"),
                                                    nullable=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("kind", AGREEMENT_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("status", AGREEMENT_STATES), name="status_known"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )
