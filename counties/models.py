"""Demonstration counties, indicator definitions, values per period and programme targets."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import regions
from core.db import TimestampMixin, db

INDICATOR_KINDS = ("percent", "count", "amount_wan", "area_m2", "boolean")
TARGET_KINDS = ("at_least", "growth_above_average")
PROGRAMME_FLAGS = ("border", "ethnic", "rural_revitalisation_key", "major_grain", "western")
FUND_FIELDS = ("central_allocated", "central_disbursed", "local_allocated", "local_disbursed")
MONEY = sa.Numeric(14, 2)

county_officials = sa.Table(
    "demo_county_officials",
    db.metadata,
    sa.Column("county_id", sa.ForeignKey("demo_counties.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class DemoCounty(TimestampMixin, db.Model):
    """A county in the programme. The poverty flag comes from the national list (core.regions) unless an
    official overrides it: the list has known flaws (a row without code, a duplicated code), so the override
    is kept separately and audited, and the derived value stays visible next to it."""

    __tablename__ = "demo_counties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(6), unique=True, nullable=False)
    batch_year: Mapped[int] = mapped_column(nullable=False)
    poverty_override: Mapped[bool | None] = mapped_column()
    old_revolutionary_area: Mapped[bool] = mapped_column(nullable=False, default=False)
    programme_flags: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    central_allocated: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal(0))
    central_disbursed: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal(0))
    local_allocated: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal(0))
    local_disbursed: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal(0))
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    officials = relationship("User", secondary=county_officials, lazy="selectin", order_by="User.id")

    __table_args__ = (
        sa.CheckConstraint("batch_year BETWEEN 2014 AND 2100", name="batch_year_range"),
        sa.CheckConstraint(
            "central_allocated >= 0 AND central_disbursed >= 0 AND local_allocated >= 0 AND local_disbursed >= 0",
            name="funds_non_negative",
        ),
    )

    @property
    def poverty_county(self) -> bool:
        return regions.is_poverty_county(self.code) if self.poverty_override is None else self.poverty_override

    @property
    def name(self) -> str:
        region = regions.get(self.code)
        return region.name if region else self.code

    @property
    def province_code(self) -> str | None:
        return regions.province_code(self.code)

    def __repr__(self) -> str:
        return f"<DemoCounty {self.code}>"


class Indicator(TimestampMixin, db.Model):
    """An indicator definition: data, so admins add indicators without a code change."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    name_zh: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    name_en: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="")
    # A flow (sales, trainees) adds up over periods; a level (coverage, stations) is read at the period end.
    flow: Mapped[bool] = mapped_column(nullable=False, default=False)
    definition: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    sort_order: Mapped[int] = mapped_column(nullable=False, default=100)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    __table_args__ = (sa.CheckConstraint(f"kind IN {INDICATOR_KINDS}", name="kind_known"),)

    def label(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class IndicatorValue(TimestampMixin, db.Model):
    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(sa.ForeignKey("demo_counties.id", ondelete="CASCADE"), nullable=False)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False)
    period: Mapped[str] = mapped_column(sa.String(6), nullable=False)  # 2025Q3 or 2025
    value: Mapped[Decimal] = mapped_column(sa.Numeric(16, 3), nullable=False)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="manual")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    county = relationship(DemoCounty)
    indicator = relationship(Indicator, lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("county_id", "indicator_id", "period", name="uq_indicator_values_cell"),
        sa.Index("ix_indicator_values_indicator_period", "indicator_id", "period"),
    )


class Target(TimestampMixin, db.Model):
    """A programme target on an indicator, nationally (scope_code NULL) or for a province/prefecture."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(24), nullable=False, default="at_least")
    threshold: Mapped[Decimal] = mapped_column(sa.Numeric(16, 3), nullable=False)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    scope_code: Mapped[str | None] = mapped_column(sa.String(6))
    description: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")

    indicator = relationship(Indicator, lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"kind IN {TARGET_KINDS}", name="kind_known"),)
