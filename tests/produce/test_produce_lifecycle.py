"""Lifecycle: status changes, renew, expiry (command and read-time filter), deletion, contact requests,
and the record other packages read."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from helpers import login

from core.db import db
from core.signals import listing_saved
from produce.models import Listing
from produce.queries import active_records, listing_record, search_listings
from produce.services import ListingError, expire_listings, renew_listing, set_status


def _end_window(listing, days_ago=1):
    listing.available_from = date.today() - timedelta(days=30)
    listing.available_to = date.today() - timedelta(days=days_ago)
    db.session.commit()


def test_expire_command_flags_ended_listings_only(runner, make_producer, make_listing):
    user, _ = make_producer()
    ended, running, paused = make_listing(user), make_listing(user), make_listing(user)
    _end_window(ended)
    set_status(user, paused, "paused")
    _end_window(paused)
    result = runner.invoke(args=["listings", "expire"])
    assert "2" in result.output
    db.session.expire_all()
    assert (ended.status, running.status, paused.status) == ("expired", "active", "expired")
    assert expire_listings() == 0  # idempotent


def test_ended_listing_is_hidden_before_the_job_runs(make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user, product="香梨")
    assert search_listings("香梨").total == 1
    _end_window(listing)
    assert search_listings("香梨").total == 0


def test_renew_reopens_an_expired_listing(make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user)
    _end_window(listing)
    expire_listings()
    db.session.expire_all()
    with pytest.raises(ListingError):
        set_status(user, listing, "active")
    renew_listing(user, listing)
    assert listing.status == "active" and listing.available_to >= date.today() + timedelta(days=29)
    assert search_listings("脐橙").total == 1


def test_pause_and_sold_out_hide_from_search(client, make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user)
    login(client, user)
    client.post(f"/produce/listings/{listing.id}/status", data={"status": "paused", "version": str(listing.version)})
    assert search_listings("脐橙").total == 0
    db.session.expire_all()
    client.post(f"/produce/listings/{listing.id}/status", data={"status": "active", "version": str(listing.version)})
    assert search_listings("脐橙").total == 1


def test_status_change_with_a_stale_version_is_refused(client, make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user)
    set_status(user, listing, "paused")
    login(client, user)
    client.post(f"/produce/listings/{listing.id}/status", data={"status": "active", "version": "1"})
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "paused"


def test_delete_removes_the_listing(client, make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user)
    login(client, user)
    assert client.post(f"/produce/listings/{listing.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Listing)) == 0


def test_saving_sends_listing_saved_after_commit(make_producer, make_listing, listing_data):
    from produce.services import update_listing

    user, _ = make_producer()
    seen = []

    def receiver(listing, created):
        seen.append((listing.id, created, db.session.get(Listing, listing.id) is not None))

    with listing_saved.connected_to(receiver):
        listing = make_listing(user)
        update_listing(user, listing, listing_data(quantity="6000"), listing.version)
    assert seen == [(listing.id, True, True), (listing.id, False, True)]


def test_listing_record_uses_the_matching_vocabulary(make_producer, make_listing):
    user, _ = make_producer(county="360732")
    record = listing_record(make_listing(user, unit="箱", spec="10斤/箱", price="40", price_unit="元/箱",
                                         quantity="100", min_order="10"))
    assert record["product"] == "赣南脐橙" and record["product_code"] == "navel_orange"
    assert record["quantity_kg"] == 500 and record["price_per_kg"] == 8
    assert record["county_code"] == "360732" and record["poverty_county"] is True
    assert record["certifications"] == ["green_food"]
    assert record["available_from"] == date.today().isoformat()


def test_records_read_in_batches_equal_the_orm_records(make_producer, make_listing):
    """A large import's listings are read with Core queries (active_records): each record must be exactly the
    one listing_record builds from the ORM object, only active listings among the ids asked for are read, in
    id order, a batch at a time."""
    user, _ = make_producer(county="360732")
    first = make_listing(user, unit="箱", spec="10斤/箱", price="40", price_unit="元/箱", quantity="100",
                         min_order="10")
    not_asked = make_listing(user, product="红富士苹果")
    draft = make_listing(user, status="draft")
    negotiable = make_listing(user, product="土豆", price="", certifications=[])
    ids = [negotiable.id, first.id, draft.id]
    batches = list(active_records(ids, batch=2))
    assert [[x["id"] for x in batch] for batch in batches] == [[first.id], [negotiable.id]]
    db.session.expire_all()
    assert batches[0][0] == listing_record(db.session.get(Listing, first.id))
    assert batches[1][0] == listing_record(db.session.get(Listing, negotiable.id))
    assert batches[1][0]["price"] is None and batches[0][0]["product_code"] == "navel_orange"
    assert not_asked.id not in {x["id"] for batch in batches for x in batch}


def test_buyer_contact_request_notifies_the_producer(client, make_producer, make_listing, make_user):
    from core.notifications import Notification

    user, _ = make_producer()
    listing = make_listing(user)
    login(client, make_user("buyer", display_name="鲜达采购"))
    response = client.post(f"/produce/listings/{listing.id}/contact", data={"message": "要 10 吨，送深圳"})
    assert response.status_code == 302
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == user.id))
    assert "鲜达采购" in note.message and "10 吨" in note.message


def test_producers_cannot_send_contact_requests(client, make_producer, make_listing):
    user, _ = make_producer()
    listing = make_listing(user)
    other, _ = make_producer()
    login(client, other)
    assert client.post(f"/produce/listings/{listing.id}/contact", data={"message": "hi"}).status_code == 403
