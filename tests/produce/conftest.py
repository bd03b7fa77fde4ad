"""Fixtures for the produce tests: the catalogue in the database, producers with profiles, listing data."""
from datetime import date, timedelta

import pytest

from core.db import db

_SNAPSHOT = {}


@pytest.fixture
def catalogue(app):
    """The shipped catalogue in the database. The first test loads it through the service; later ones
    insert the same rows with the same ids and a fixed version stamp, so the per-process catalogue
    cache is reused (as in production, where the catalogue rarely changes)."""
    import sqlalchemy as sa

    from produce.catalogue import get_catalogue
    from produce.catalogue_services import load_catalogue
    from produce.models import CatalogueVersion, Product, ProductAlias, ProductCategory

    tables = (ProductCategory, Product, ProductAlias)
    if not _SNAPSHOT:
        load_catalogue()
        for model in tables:
            _SNAPSHOT[model] = [dict(row._mapping) for row in db.session.execute(sa.select(model.__table__))]
        db.session.execute(sa.update(CatalogueVersion).values(version=1, stamp="fixture"))
        db.session.commit()
    else:
        for model in tables:
            db.session.execute(sa.insert(model.__table__), _SNAPSHOT[model])
        db.session.add(CatalogueVersion(id=1, version=1, stamp="fixture"))
        if db.engine.dialect.name == "postgresql":  # explicit ids do not move the sequences on
            for table in ("products", "product_aliases"):
                db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
    return get_catalogue()


@pytest.fixture
def make_producer(app, make_user):
    """make_producer(county='360732', certs=('green_food',), **user_fields) -> (user, profile)."""
    from produce.models import ProducerCertification, ProducerMember, ProducerProfile

    def _make(county="360732", certs=("green_food", "gi"), name=None, kind="cooperative", **fields):
        user = make_user("producer", **fields)
        profile = ProducerProfile(kind=kind, name=name or f"合作社{user.id}", county_code=county)
        db.session.add(profile)
        db.session.flush()
        db.session.add(ProducerMember(producer_id=profile.id, user_id=user.id, role="owner"))
        for kind_code in certs:
            db.session.add(ProducerCertification(producer_id=profile.id, kind=kind_code, number=f"LB-{kind_code}-1",
                                                 expires_on=date.today() + timedelta(days=365)))
        db.session.commit()
        return user, profile

    return _make


@pytest.fixture
def listing_data():
    """listing_data(**overrides) -> a valid listing in the matching vocabulary."""

    def _data(**overrides):
        data = {
            "product": "赣南脐橙", "variety": "纽荷尔", "spec": "80mm以上", "quantity": "5000", "unit": "斤",
            "price": "3.80", "price_unit": "元/斤", "min_order": "500",
            "available_from": date.today().isoformat(), "available_to": (date.today() + timedelta(days=60)).isoformat(),
            "county_code": "360732", "certifications": ["green_food"], "description": "果园直供", "status": "active",
        }
        data.update(overrides)
        return data

    return _data


@pytest.fixture
def make_listing(catalogue, listing_data):
    """make_listing(user, **overrides) -> a committed listing through the service."""
    from produce.services import create_listing

    def _make(user, **overrides):
        return create_listing(user, listing_data(**overrides))

    return _make
