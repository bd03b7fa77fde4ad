"""Producers, the product catalogue, listings (供应信息) with their photos, and listing imports.

Search keys are computed when a listing is written (produce/tokens.py) and stored in
``listings.search_tokens``; each dialect indexes them in its own way (see ``search_ddl``).
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.cache import watch
from core.db import UNMANAGED_SCHEMA_NAME_PREFIXES, TimestampMixin, UTCDateTime, db, utcnow

PRODUCER_KINDS = ("farmer", "cooperative", "family_farm", "enterprise")
MEMBER_ROLES = ("owner", "member")
CERTIFICATIONS = ("green_food", "organic", "gi", "pollution_free")
# One bit per certification so that a filter is a cheap check inside the covering index.
CERT_BITS = {code: 1 << i for i, code in enumerate(CERTIFICATIONS)}
LISTING_STATUSES = ("draft", "active", "paused", "sold_out", "expired")
ALIAS_KINDS = ("synonym", "regional", "traditional", "english", "variety")
IMPORT_STATUSES = ("checking", "staged", "failed", "committing", "committed")
MAX_PHOTOS = 6


def cert_flags(codes) -> int:
    return sum(CERT_BITS[c] for c in set(codes or ()) if c in CERT_BITS)


class ProducerProfile(TimestampMixin, db.Model):
    __tablename__ = "producer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    county_code: Mapped[str] = mapped_column(sa.String(6), nullable=False, index=True)
    address: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")
    introduction: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    members: Mapped[list["ProducerMember"]] = relationship(back_populates="producer", cascade="all, delete-orphan")
    certifications: Mapped[list["ProducerCertification"]] = relationship(
        back_populates="producer", cascade="all, delete-orphan", order_by="ProducerCertification.id")

    __table_args__ = (sa.CheckConstraint(f"kind IN {PRODUCER_KINDS}", name="kind_known"),)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def held_certifications(self, on: date | None = None) -> set[str]:
        """Certification kinds held and not expired on the given day (today by default)."""
        on = on or date.today()
        return {c.kind for c in self.certifications if c.expires_on is None or c.expires_on >= on}


class ProducerMember(db.Model):
    __tablename__ = "producer_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer_profiles.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    # A user acts for at most one producer profile.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="member")

    producer: Mapped[ProducerProfile] = relationship(back_populates="members")
    user = relationship("User")

    __table_args__ = (sa.CheckConstraint(f"role IN {MEMBER_ROLES}", name="role_known"),)


class ProducerCertification(db.Model):
    __tablename__ = "producer_certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer_profiles.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    number: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    expires_on: Mapped[date | None] = mapped_column(sa.Date)

    producer: Mapped[ProducerProfile] = relationship(back_populates="certifications")

    __table_args__ = (sa.CheckConstraint(f"kind IN {CERTIFICATIONS}", name="kind_known"),)


# ---------------------------------------------------------------- catalogue

class ProductCategory(db.Model):
    __tablename__ = "product_categories"

    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    name_en: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(48), unique=True, nullable=False)
    category_code: Mapped[str] = mapped_column(sa.ForeignKey("product_categories.code"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    traditional: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")
    pinyin: Mapped[str] = mapped_column(sa.String(96), nullable=False, default="")
    english: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")  # "|"-separated

    category: Mapped[ProductCategory] = relationship()
    aliases: Mapped[list["ProductAlias"]] = relationship(back_populates="product", cascade="all, delete-orphan",
                                                         order_by="ProductAlias.id")


class ProductAlias(db.Model):
    __tablename__ = "product_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    alias: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="synonym")

    product: Mapped[Product] = relationship(back_populates="aliases")

    __table_args__ = (
        sa.UniqueConstraint("product_id", "alias", name="uq_product_aliases_product_alias"),
        sa.CheckConstraint(f"kind IN {ALIAS_KINDS}", name="kind_known"),
    )


class CatalogueVersion(db.Model):
    """One row whose counter rises on every catalogue edit, so every worker rebuilds its cached catalogue."""

    __tablename__ = "catalogue_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False, default=0)
    # A random stamp as well: a counter alone could repeat after a database is rebuilt (tests, restores).
    stamp: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")


# ---------------------------------------------------------------- listings

class Listing(TimestampMixin, db.Model):
    __tablename__ = "listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer_profiles.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="SET NULL"))
    category_code: Mapped[str | None] = mapped_column(sa.String(16))
    product_name: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    variety: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    spec: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(14, 3), nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    net_weight_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 3))
    quantity_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 3))
    price: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # None: negotiable (面议)
    price_unit: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="元/公斤")
    price_per_kg: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    min_order: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 3))
    available_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    available_to: Mapped[date] = mapped_column(sa.Date, nullable=False)
    county_code: Mapped[str] = mapped_column(sa.String(6), nullable=False)
    poverty_county: Mapped[bool] = mapped_column(nullable=False, default=False)
    certifications: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    cert_flags: Mapped[int] = mapped_column(nullable=False, default=0)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="draft")
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    # Space-separated search tokens (produce/tokens.py), indexed per dialect by search_ddl.
    search_tokens: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    producer: Mapped[ProducerProfile] = relationship()
    product: Mapped[Product | None] = relationship()
    photos: Mapped[list["ListingPhoto"]] = relationship(back_populates="listing", cascade="all, delete-orphan",
                                                        order_by="ListingPhoto.position")

    # SQLAlchemy adds "AND version = :old" to every UPDATE and raises StaleDataError when another
    # writer got there first: no silent overwrite even between the explicit check and the flush.
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        sa.CheckConstraint(f"status IN {LISTING_STATUSES}", name="status_known"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        sa.CheckConstraint("available_to >= available_from", name="window_ordered"),
        # The search's hot paths. The leading columns choose the rows in order; the trailing ones are
        # there so the filters are checked inside the index, without visiting the table.
        sa.Index("ix_listings_search_product", "product_id", "status", "id", "available_to", "county_code",
                 "cert_flags", "poverty_county", "category_code", "price_per_kg", "quantity_kg", "available_from"),
        sa.Index("ix_listings_search_status", "status", "id", "available_to", "county_code", "cert_flags",
                 "poverty_county", "category_code", "price_per_kg", "quantity_kg", "available_from"),
        sa.Index("ix_listings_status_category", "status", "category_code", "id"),
        sa.Index("ix_listings_status_county", "status", "county_code", "id"),
        sa.Index("ix_listings_status_price", "status", "price_per_kg"),
        sa.Index("ix_listings_status_available_to", "status", "available_to"),
    )


class ListingPhoto(TimestampMixin, db.Model):
    __tablename__ = "listing_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    filename: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    thumb_filename: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    width: Mapped[int] = mapped_column(nullable=False)
    height: Mapped[int] = mapped_column(nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    listing: Mapped[Listing] = relationship(back_populates="photos")


class ListingImport(db.Model):
    """An uploaded listing file on its way in: checking -> staged (or failed: the file could not be read) ->
    committing -> committed; a refused or failed commit goes back to staged. The status is the claim that lets
    exactly one commit job write the file (produce/import_jobs.py); the bytes and the row report stay in the
    upload folder (produce/import_store.py)."""
    __tablename__ = "listing_imports"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # the upload token
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="checking")
    # rows, valid and errors once checked; created once committed
    counts: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    # The jobs the page follows: the last check and the last commit started (a retry replaces the commit job).
    check_job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))
    commit_job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint(f"status IN {IMPORT_STATUSES}", name="status_known"),)


# ---------------------------------------------------------------- dialect-specific search DDL

SQLITE_SEARCH_DDL = (
    # External-content FTS5 over listings.search_tokens: the tokens are made by produce/tokens.py
    # (unigrams, bigrams, pinyin, x<product id> markers) and separated by spaces, so unicode61 only splits.
    "CREATE VIRTUAL TABLE IF NOT EXISTS listings_fts USING fts5(search_tokens, content='listings', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_ai AFTER INSERT ON listings BEGIN "
    "INSERT INTO listings_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_ad AFTER DELETE ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_au AFTER UPDATE OF search_tokens ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens); "
    "INSERT INTO listings_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
)
SQLITE_SEARCH_DROP = ("DROP TABLE IF EXISTS listings_fts",)
POSTGRESQL_SEARCH_DDL = (
    # string_to_array is immutable, so the expression can be indexed; queries use the same expression with @>.
    "CREATE INDEX IF NOT EXISTS ix_listings_search_tokens ON listings "
    "USING gin (string_to_array(search_tokens, ' '))",
)


def search_ddl(dialect_name: str) -> tuple[str, ...]:
    """The DDL that create_all cannot express; the Alembic migration must run the same statements."""
    return {"sqlite": SQLITE_SEARCH_DDL, "postgresql": POSTGRESQL_SEARCH_DDL}.get(dialect_name, ())


def _create_search_ddl(_table, connection, **_kw) -> None:
    for statement in search_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _drop_search_ddl(_table, connection, **_kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DROP:
            connection.exec_driver_sql(statement)


# Alembic's autogenerate and the migrations test leave these to the DDL above.
UNMANAGED_SCHEMA_NAME_PREFIXES.update({"listings_fts", "ix_listings_search_tokens"})
sa.event.listen(Listing.__table__, "after_create", _create_search_ddl)
sa.event.listen(Listing.__table__, "before_drop", _drop_search_ddl)


# What the public search shows comes from these tables: a committed write to any of them ends the cached
# search results (core/cache.py).
watch("listings", ProducerProfile, ProducerCertification, Product, ProductAlias, CatalogueVersion, Listing,
      ListingPhoto)
