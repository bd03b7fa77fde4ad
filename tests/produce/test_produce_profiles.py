"""Producer profiles through the pages: create, field errors, certifications, members, CSRF, search DDL."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from helpers import login

from core.db import db
from produce.models import ProducerCertification, ProducerProfile


def test_producer_creates_a_profile_and_becomes_its_owner(client, login_as):
    user = login_as("producer", producer_kind="cooperative")
    response = client.post("/produce/profile", data={
        "kind": "cooperative", "name": "兴国县富民脐橙专业合作社", "county_code": "360732", "contact_phone": "0797-1234567"})
    assert response.status_code == 302
    profile = db.session.scalar(sa.select(ProducerProfile))
    assert profile.county_code == "360732" and profile.members[0].user_id == user.id
    assert profile.members[0].role == "owner"


@pytest.mark.parametrize(("field", "value"), [("county_code", "999999"), ("name", ""), ("kind", "pirate"),
                                              ("contact_phone", "call me")])
def test_profile_field_errors(client, login_as, field, value):
    login_as("producer")
    data = {"kind": "farmer", "name": "刘大山", "county_code": "640522", "contact_phone": "13800000000"}
    data[field] = value
    response = client.post("/produce/profile", data=data)
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProducerProfile)) == 0


def test_only_producers_have_a_profile_page(client, login_as):
    login_as("buyer")
    assert client.get("/produce/profile").status_code == 403
    assert client.get("/produce/listings/new").status_code == 403


def test_certifications_offered_on_the_form_are_those_held(client, catalogue, make_producer):
    user, profile = make_producer(certs=("organic",))
    db.session.add(ProducerCertification(producer_id=profile.id, kind="gi", number="AGI-OLD",
                                         expires_on=date.today() - timedelta(days=1)))
    db.session.commit()
    login(client, user)
    html = client.get("/produce/listings/new").get_data(as_text=True)
    assert 'value="organic"' in html and 'value="gi"' not in html and 'value="green_food"' not in html


def test_owner_adds_and_removes_a_certification(client, make_producer):
    user, _profile = make_producer(certs=())
    login(client, user)
    client.post("/produce/profile/certifications", data={"kind": "green_food", "number": "LB-18-1",
                                                         "expires_on": (date.today() + timedelta(days=90)).isoformat()})
    cert = db.session.scalar(sa.select(ProducerCertification))
    assert cert.kind == "green_food"
    other, _ = make_producer()
    login(client, other)
    assert client.post(f"/produce/profile/certifications/{cert.id}/delete").status_code == 404
    assert db.session.get(ProducerCertification, cert.id) is not None


def test_forms_need_a_csrf_token(app, client, make_producer, listing_data):
    user, _ = make_producer()
    login(client, user)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/produce/listings/new", data=dict(listing_data(), action="publish"))
    assert response.status_code == 400


def test_search_index_ddl_exists(app):
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name IN "
                                         "('listings_fts', 'listings_fts_ai', 'listings_fts_ad', 'listings_fts_au')")
            assert len(found.fetchall()) == 4
        else:
            found = conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE indexname = 'ix_listings_search_tokens'")
            assert found.fetchall()
