"""Fixtures for the produce tests: the catalogue in the database, producers with profiles, listing data."""
from datetime import date, timedelta

import pytest

from core.db import db


@pytest.fixture
def catalogue(app):
    from produce.catalogue import get_catalogue
    from produce.catalogue_services import load_catalogue

    load_catalogue()
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
