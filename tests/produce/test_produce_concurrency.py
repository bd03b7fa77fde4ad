"""Two people saving the same listing: the second gets a conflict, never a silent overwrite."""
import threading

import pytest
from helpers import login

from core.db import db
from produce.models import Listing
from produce.services import VersionConflict, update_listing


def test_stale_version_from_the_form_gets_a_conflict_page(client, make_producer, make_listing, listing_data):
    user, _ = make_producer()
    listing = make_listing(user)
    login(client, user)
    first = listing_data(quantity="6000")
    first["version"] = "1"
    assert client.post(f"/produce/listings/{listing.id}/edit", data=first).status_code == 302
    second = listing_data(quantity="7000")
    second["version"] = "1"  # loaded before the first save
    response = client.post(f"/produce/listings/{listing.id}/edit", data=second)
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Listing, listing.id)
    assert saved.quantity == 6000 and saved.version == 2


def test_service_refuses_a_stale_version(app, make_producer, make_listing, listing_data):
    user, _ = make_producer()
    listing = make_listing(user)
    update_listing(user, listing, listing_data(quantity="6000"), expected_version=1)
    with pytest.raises(VersionConflict):
        update_listing(user, listing, listing_data(quantity="7000"), expected_version=1)


@pytest.mark.concurrency
def test_two_threads_saving_the_same_version(app, make_producer, make_listing, listing_data):
    """Both threads read version 1 and then save. Exactly one wins; the other gets VersionConflict."""
    user, _ = make_producer()
    listing_id, user_id = make_listing(user).id, user.id
    db.session.remove()
    both_loaded = threading.Barrier(2, timeout=20)
    outcomes = []

    def editor(quantity):
        from accounts.models import User

        with app.app_context():
            try:
                me = db.session.get(User, user_id)
                mine = db.session.get(Listing, listing_id)
                version = mine.version
                db.session.commit()  # end the read transaction, as a page load would
                both_loaded.wait()
                update_listing(me, mine, listing_data(quantity=quantity), expected_version=version)
                outcomes.append(("saved", quantity))
            except VersionConflict:
                db.session.rollback()
                outcomes.append(("conflict", quantity))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=editor, args=(q,)) for q in ("6000", "7000")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(kind for kind, _q in outcomes) == ["conflict", "saved"], outcomes
    winner = next(q for kind, q in outcomes if kind == "saved")
    listing = db.session.get(Listing, listing_id)
    assert listing.version == 2 and str(int(listing.quantity)) == winner
