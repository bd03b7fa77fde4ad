"""Every listing field rejects bad input with a message on that field, through the service and the form."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.db import db
from produce.models import Listing
from produce.services import ListingError, create_listing

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
BAD_VALUES = [
    ("product", ""),
    ("product", "苹" * 61),
    ("variety", "x" * 61),
    ("spec", "x" * 121),
    ("quantity", ""),
    ("quantity", "-5"),
    ("quantity", "0"),
    ("quantity", "abc"),
    ("quantity", "NaN"),
    ("quantity", "1e20"),
    ("quantity", "1.23456"),
    ("unit", "桶装"),
    ("unit", ""),
    ("net_weight_kg", "-1"),
    ("price", "-3"),
    ("price", "三块"),
    ("price_unit", "美元/斤"),
    ("min_order", "-1"),
    ("min_order", "999999"),
    ("available_from", "2026-13-40"),
    ("available_from", ""),
    ("available_to", "not a date"),
    ("available_to", YESTERDAY),
    ("county_code", "999999"),
    ("county_code", "36073"),
    ("county_code", "360000"),
    ("certifications", ["halal"]),
    ("certifications", ["organic"]),  # the producer does not hold it
    ("description", "x" * 2001),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_service_names_the_bad_field_and_writes_nothing(app, catalogue, make_producer, listing_data, field, value):
    user, _profile = make_producer()
    with pytest.raises(ListingError) as caught:
        create_listing(user, listing_data(**{field: value}))
    assert field in caught.value.errors
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Listing)) == 0


def test_window_end_before_start_is_refused(app, catalogue, make_producer, listing_data):
    user, _ = make_producer()
    start = date.today() + timedelta(days=10)
    with pytest.raises(ListingError) as caught:
        create_listing(user, listing_data(available_from=start.isoformat(),
                                          available_to=(start - timedelta(days=1)).isoformat()))
    assert "available_to" in caught.value.errors


def test_a_status_other_than_draft_or_active_is_refused_on_create(app, catalogue, make_producer, listing_data):
    user, _ = make_producer()
    with pytest.raises(ListingError) as caught:
        create_listing(user, listing_data(status="sold_out"))
    assert caught.value.field == "status"


FORM_FIELDS = {"product", "variety", "spec", "quantity", "net_weight_kg", "price", "min_order", "available_from",
               "available_to", "county_code", "description", "unit"}


def _form(listing_data, **overrides):
    data = listing_data(**overrides)
    data.pop("status")
    data["certifications"] = data["certifications"]
    data["action"] = "publish"
    return data


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, v in BAD_VALUES if f in FORM_FIELDS])
def test_form_shows_the_error_next_to_the_field(client, catalogue, make_producer, listing_data, field, value):
    from helpers import login

    user, _ = make_producer()
    login(client, user)
    response = client.post("/produce/listings/new", data=_form(listing_data, **{field: value}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    assert f'id="{field}"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Listing)) == 0


def test_count_units_take_the_net_weight_from_the_spec(app, catalogue, make_producer, listing_data):
    user, _ = make_producer()
    listing = create_listing(user, listing_data(unit="箱", spec="10斤/箱", quantity="200", price="45",
                                                price_unit="元/箱", min_order=""))
    assert listing.net_weight_kg == 5
    assert listing.quantity_kg == 1000
    assert listing.price_per_kg == 9


def test_a_count_unit_without_net_weight_has_no_kilograms(app, catalogue, make_producer, listing_data):
    user, _ = make_producer()
    listing = create_listing(user, listing_data(product="生猪", unit="头", spec="", quantity="30", price="2000",
                                                price_unit="元/头", min_order=""))
    assert listing.quantity_kg is None and listing.price_per_kg is None


def test_negotiable_price(app, catalogue, make_producer, listing_data):
    user, _ = make_producer()
    listing = create_listing(user, listing_data(price="面议"))
    assert listing.price is None and listing.price_per_kg is None
