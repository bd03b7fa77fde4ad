"""Buyer organisations, their contacts and users, demands, saved searches, stored matches, staged imports."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import TimestampMixin, UTCDateTime, db, utcnow

BUYER_TYPES = ("wholesale_market", "supermarket", "ecommerce", "processor", "catering", "exporter", "distributor")
DEMAND_STATUSES = ("open", "paused", "fulfilled", "closed")
FREQUENCIES = ("one_off", "weekly", "monthly", "seasonal")
CERTIFICATIONS = ("green_food", "organic", "gi", "pollution_free")
SOURCES = ("manual", "import", "self_registered", "demo")


class BuyerOrg(TimestampMixin, db.Model):
    __tablename__ = "buyer_orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # Normalised company name (matching.normalise_company_name), kept for search and de-duplication.
    name_norm: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="", index=True)
    type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # 统一社会信用代码, checked with the GB 32100-2015 check digit; unique when present.
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    county_code: Mapped[str] = mapped_column(sa.String(6), nullable=False, index=True)
    # Province of county_code, denormalised so officials' scope filters stay a simple IN / prefix match.
    province_code: Mapped[str] = mapped_column(sa.String(6), nullable=False, index=True)
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    annual_volume_tons: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    products_of_interest: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    preferred_origin_codes: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    delivery_region_codes: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    source: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="manual")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    # Set when this record was merged into another one; the merge is undone from its audit record.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buyer_orgs.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(nullable=False, default=1)

    contacts: Mapped[list["BuyerContact"]] = relationship(
        back_populates="buyer", order_by="BuyerContact.id", cascade="all, delete-orphan")
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(f"type IN {BUYER_TYPES}", name="type_known"),
        sa.Index("ix_buyer_orgs_province_active", "province_code", "active"),
    )

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class BuyerContact(db.Model):
    __tablename__ = "buyer_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("buyer_orgs.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    phone: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="", index=True)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    # Private contacts are seen only by the organisation's own users and officials in scope.
    private: Mapped[bool] = mapped_column(nullable=False, default=False)

    buyer: Mapped[BuyerOrg] = relationship(back_populates="contacts")


class BuyerMember(db.Model):
    """A buyer user acts for one organisation; an organisation has several users."""
    __tablename__ = "buyer_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("buyer_orgs.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                         unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    buyer: Mapped[BuyerOrg] = relationship()
    user = relationship("User")


class Demand(TimestampMixin, db.Model):
    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("buyer_orgs.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    # products.id of the produce catalogue (no FK here: the catalogue belongs to produce and the
    # free-text product_name is always kept).
    product_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    product_code: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    product_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    variety: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    spec: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    quantity_min: Mapped[Decimal] = mapped_column(sa.Numeric(14, 3), nullable=False)
    quantity_max: Mapped[Decimal] = mapped_column(sa.Numeric(14, 3), nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    quantity_min_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 3))
    quantity_max_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 3))
    price_max: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    price_unit: Mapped[str | None] = mapped_column(sa.String(10))
    price_max_per_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 4))
    delivery_county_code: Mapped[str] = mapped_column(sa.String(6), nullable=False)
    preferred_province_codes: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    needed_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    needed_to: Mapped[date] = mapped_column(sa.Date, nullable=False)
    required_certifications: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    frequency: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="one_off")
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="open", index=True)
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(nullable=False, default=1)

    buyer: Mapped[BuyerOrg] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(f"status IN {DEMAND_STATUSES}", name="status_known"),
        sa.CheckConstraint(f"frequency IN {FREQUENCIES}", name="frequency_known"),
        sa.CheckConstraint("quantity_min > 0 AND quantity_max >= quantity_min", name="quantity_range"),
        sa.CheckConstraint("needed_to >= needed_from", name="window_order"),
    )


class SavedSearch(db.Model):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    # Supplier-search parameters: q, product_code, province_code, county_code, certification, verified.
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    # Catalogue code of the product, when resolved: lets a new listing find its saved searches by index.
    product_code: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class DemandMatch(db.Model):
    """A stored, scored listing-demand pair, refreshed incrementally when one side is saved."""
    __tablename__ = "demand_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"), nullable=False)
    # listings.id (produce owns that table; rows for deleted listings are dropped on refresh).
    listing_id: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    score: Mapped[float] = mapped_column(sa.Float, nullable=False)
    reasons: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("demand_id", "listing_id", name="uq_demand_matches_pair"),
        sa.Index("ix_demand_matches_demand_score", "demand_id", "score"),
    )


class BuyerImport(db.Model):
    """A staged import: the validated rows and decisions live in a file under UPLOAD_FOLDER keyed by id."""
    __tablename__ = "buyer_imports"

    id: Mapped[str] = mapped_column(sa.String(43), primary_key=True)  # random token
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="staged")  # staged|committed|failed
    counts: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
