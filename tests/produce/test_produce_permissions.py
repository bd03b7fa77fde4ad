"""User B cannot see A's drafts or touch A's listings; extra posted fields are ignored."""
import pytest
import sqlalchemy as sa
from helpers import login

from core.db import db
from produce.models import Listing


@pytest.fixture
def two_producers(make_producer):
    return make_producer(), make_producer(county="610326")


def _snapshot(listing_id):
    db.session.expire_all()
    listing = db.session.get(Listing, listing_id)
    return None if listing is None else (listing.status, listing.version, listing.product_name, listing.quantity)


def test_draft_is_invisible_to_others(client, make_listing, two_producers):
    (a, _), (b, _) = two_producers
    draft = make_listing(a, status="draft")
    assert client.get(f"/produce/listings/{draft.id}").status_code == 404  # anonymous
    login(client, b)
    assert client.get(f"/produce/listings/{draft.id}").status_code == 404
    assert client.get(f"/produce/listings/{draft.id}/edit").status_code == 404
    login(client, a)
    assert client.get(f"/produce/listings/{draft.id}").status_code == 200


@pytest.mark.parametrize(("method", "path", "data"), [
    ("get", "/produce/listings/{id}/edit", None),
    ("post", "/produce/listings/{id}/edit", {"product": "偷改", "quantity": "1", "unit": "斤", "version": "1"}),
    ("post", "/produce/listings/{id}/status", {"status": "paused", "version": "1"}),
    ("post", "/produce/listings/{id}/renew", {}),
    ("post", "/produce/listings/{id}/delete", {}),
    ("post", "/produce/listings/{id}/photos", {}),
])
def test_other_producer_gets_403_and_nothing_changes(client, make_listing, two_producers, method, path, data):
    (a, _), (b, _) = two_producers
    listing = make_listing(a)
    before = _snapshot(listing.id)
    login(client, b)
    response = getattr(client, method)(path.format(id=listing.id), data=data)
    assert response.status_code == 403
    assert _snapshot(listing.id) == before


@pytest.mark.parametrize("path", ["/produce/listings/{id}/status", "/produce/listings/{id}/delete"])
def test_other_producer_gets_404_for_a_draft(client, make_listing, two_producers, path):
    (a, _), (b, _) = two_producers
    draft = make_listing(a, status="draft")
    before = _snapshot(draft.id)
    login(client, b)
    assert client.post(path.format(id=draft.id), data={"status": "active", "version": "1"}).status_code == 404
    assert _snapshot(draft.id) == before


def test_buyers_and_anonymous_cannot_use_producer_routes(client, make_listing, two_producers, make_user):
    (a, _), _ = two_producers
    listing = make_listing(a)
    response = client.post(f"/produce/listings/{listing.id}/delete")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, make_user("buyer"))
    assert client.post(f"/produce/listings/{listing.id}/delete").status_code == 403
    assert _snapshot(listing.id) is not None


def test_extra_fields_producer_id_and_status_are_ignored(client, catalogue, make_listing, two_producers,
                                                         listing_data):
    (_a, profile_a), (b, profile_b) = two_producers
    login(client, b)
    data = listing_data(product="猕猴桃", county_code="610326")
    data.update(producer_id=str(profile_a.id), status="sold_out", version="99", id="12345", search_tokens="hack",
                action="draft")
    response = client.post("/produce/listings/new", data=data)
    assert response.status_code == 302
    listing = db.session.scalar(sa.select(Listing))
    assert listing.producer_id == profile_b.id
    assert listing.status == "draft"
    assert listing.version == 1 and listing.id != 12345
    assert "hack" not in listing.search_tokens


def test_extra_status_on_edit_is_ignored(client, make_listing, two_producers, listing_data):
    (a, _), _ = two_producers
    listing = make_listing(a)
    login(client, a)
    data = listing_data(quantity="4200")
    data.update(status="expired", version=str(listing.version), producer_id="999")
    assert client.post(f"/produce/listings/{listing.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    listing = db.session.get(Listing, listing.id)
    assert listing.status == "active" and listing.quantity == 4200


def test_member_of_a_cooperative_may_edit_its_listings(client, make_listing, make_user, two_producers):
    from produce.profiles import add_member

    (a, profile_a), _ = two_producers
    listing = make_listing(a)
    member = make_user("producer")
    add_member(a, profile_a, member.email)
    login(client, member)
    response = client.post(f"/produce/listings/{listing.id}/status", data={"status": "paused",
                                                                          "version": str(listing.version)})
    assert response.status_code == 302
    assert _snapshot(listing.id)[0] == "paused"


def test_official_verifies_only_inside_their_region(client, make_user, two_producers):
    (_a, profile_jiangxi), (_b, profile_shaanxi) = two_producers
    official = make_user("official", region_code="360700")  # 赣州市, which holds 兴国县 360732
    login(client, official)
    assert client.post(f"/produce/producers/{profile_shaanxi.id}/verify").status_code == 403
    assert client.post(f"/produce/producers/{profile_jiangxi.id}/verify").status_code == 302
    db.session.expire_all()
    assert profile_jiangxi.verified_at is not None and profile_shaanxi.verified_at is None
