"""Listings that arrive by a large import (more than LISTING_SIGNAL_LIMIT rows) reach the stored matches,
the saved searches and the demand owners through one bulk signal; small imports keep one signal each."""
import io
from datetime import date, timedelta

import pytest
from buyers_helpers import demand_form
from helpers import finish_jobs, login

from buyers import matches, services
from core import signals
from core.db import db
from core.notifications import Notification
from produce import importer


def listings_csv(n: int, product: str = "赣南脐橙") -> bytes:
    today = date.today()
    row = dict(zip([zh for zh, _ in importer.COLUMNS], importer.EXAMPLE, strict=True))
    row.update({"产品名称": product, "认证": "绿色食品", "供应开始日期": today.isoformat(),
                "供应结束日期": (today + timedelta(days=60)).isoformat()})
    lines = [",".join(row)] + [",".join(row.values()) for _ in range(n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def buyer(make_user, make_org):
    user = make_user("buyer")
    make_org("深圳鲜达生鲜供应链有限公司", county_code="440305", member=user)
    return user


@pytest.fixture
def signals_seen():
    seen = {"bulk": [], "single": []}

    def bulk(_sender, listing_ids=(), **_extra):
        seen["bulk"].append(list(listing_ids))

    def single(listing, **_extra):
        seen["single"].append(listing.id)

    with signals.listings_imported.connected_to(bulk), signals.listing_saved.connected_to(single):
        yield seen


def import_listings(client, user, data: bytes) -> None:
    login(client, user)
    response = client.post("/produce/import", data={"file": (io.BytesIO(data), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    finish_jobs()
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/produce/import/{token}/commit").status_code == 302
    (job,) = finish_jobs()
    assert job.status == "finished" and job.result["ok"], (job.error, job.result)


def notifications_of(user, kind):
    return list(db.session.scalars(db.select(Notification).where(Notification.user_id == user.id,
                                                                 Notification.kind == kind)))


def test_a_saved_search_and_a_demand_hear_of_a_large_import(app, client, buyer, make_producer, catalogue,
                                                            signals_seen):
    app.config["LISTING_SIGNAL_LIMIT"] = 3  # stands for 1,000: the same path, with a small file
    services.save_search(buyer, "江西脐橙", {"product": "脐橙", "province_code": "360000"})
    services.save_search(buyer, "猕猴桃", {"product": "猕猴桃"})
    demand = services.create_demand(buyer, demand_form(price_max="4", price_unit="元/斤"))
    producer, _profile = make_producer(county="360732")
    import_listings(client, producer, listings_csv(5))
    assert len(signals_seen["bulk"]) == 1 and len(signals_seen["bulk"][0]) == 5 and signals_seen["single"] == []
    sent = notifications_of(buyer, "saved_search")
    assert len(sent) == 1 and "江西脐橙" in sent[0].message and "5" in sent[0].message  # one, naming how many
    stored = {m["listing_id"] for m in matches.matches_for_demand(demand.id, top=20)}
    assert stored == set(signals_seen["bulk"][0])
    assert len(notifications_of(buyer, "demand_match")) == 5


def test_one_listing_of_a_large_import_is_notified_like_a_saved_listing(app, client, buyer, make_producer,
                                                                        catalogue, signals_seen):
    app.config["LISTING_SIGNAL_LIMIT"] = 0
    services.save_search(buyer, "江西脐橙", {"product": "脐橙", "province_code": "360000"})
    producer, _profile = make_producer(county="360732")
    import_listings(client, producer, listings_csv(1))
    (sent,) = notifications_of(buyer, "saved_search")
    assert sent.link.endswith(f"/produce/listings/{signals_seen['bulk'][0][0]}")


def test_a_small_import_sends_one_signal_per_listing(client, buyer, make_producer, catalogue, signals_seen):
    services.save_search(buyer, "江西脐橙", {"product": "脐橙", "province_code": "360000"})
    producer, _profile = make_producer(county="360732")
    import_listings(client, producer, listings_csv(2))
    assert signals_seen["bulk"] == [] and len(signals_seen["single"]) == 2
    assert len(notifications_of(buyer, "saved_search")) == 2
