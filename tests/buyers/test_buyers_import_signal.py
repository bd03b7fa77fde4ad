"""Listings that arrive by a large import (more than LISTING_SIGNAL_LIMIT rows) reach the stored matches,
the saved searches and the demand owners through one bulk signal; small imports keep one signal each."""
import io
import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from buyers_helpers import demand_form
from helpers import finish_jobs, login

from buyers import engine, matches, queries, services
from buyers.models import BuyerMember
from core import signals
from core.db import db
from core.notifications import Notification
from produce import importer
from produce import queries as produce_queries
from produce.models import Listing

LISTINGS_READ = re.compile(r"^\s*SELECT\b.*\bFROM listings\b", re.IGNORECASE | re.DOTALL)


def listings_csv(n: int, product: str = "赣南脐橙", products: list[str] | None = None) -> bytes:
    """An import file of n rows of one product, or one row per name in products."""
    today = date.today()
    row = dict(zip([zh for zh, _ in importer.COLUMNS], importer.EXAMPLE, strict=True))
    row.update({"认证": "绿色食品", "供应开始日期": today.isoformat(),
                "供应结束日期": (today + timedelta(days=60)).isoformat()})
    lines = [",".join(row)] + [",".join({**row, "产品名称": name}.values()) for name in products or [product] * n]
    return ("\n".join(lines) + "\n").encode("utf-8")


def insert_listings(producer, data: bytes) -> list[int]:
    """The import's rows committed without announcing them, so a test can send the signal itself."""
    result = importer.check_file(data, "big.csv", producer)
    assert result.ok, result.errors[:3]
    return importer.insert_rows(result)


@contextmanager
def sql_statements():
    """Every SQL statement sent to the database inside the block."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


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


def test_a_large_import_read_in_batches_stores_the_same_matches_and_notices(app, client, buyer, make_producer,
                                                                         catalogue, signals_seen, monkeypatch):
    """The listings are read a few at a time (batches of 2 here): the stored pairs must be those of ranking
    the whole import at once, and each saved search must count its hits across batches."""
    app.config["LISTING_SIGNAL_LIMIT"] = 3
    monkeypatch.setattr(produce_queries, "RECORD_BATCH", 2)
    oranges = services.save_search(buyer, "江西脐橙", {"product": "脐橙", "province_code": "360000"})
    apples = services.save_search(buyer, "苹果", {"product": "苹果"})
    demand = services.create_demand(buyer, demand_form(price_max="4", price_unit="元/斤"))
    producer, _profile = make_producer(county="360732")
    import_listings(client, producer, listings_csv(5, products=["赣南脐橙"] * 3 + ["红富士苹果"] * 2))
    (ids,) = signals_seen["bulk"]
    ids.sort()

    listings = db.session.scalars(sa.select(Listing).where(Listing.id.in_(ids)).order_by(Listing.id)).all()
    (expected,) = engine.rank([queries.demand_record(demand)], [produce_queries.listing_record(x) for x in listings],
                              top=matches.STORED_PER_DEMAND)
    stored = matches.matches_for_demand(demand.id, top=50)
    assert expected["matches"] and ({(m["listing_id"], round(m["score"], 4)) for m in stored}
                                    == {(m["listing_id"], m["score"]) for m in expected["matches"]})

    sent = {note.dedupe_key: note.message for note in notifications_of(buyer, "saved_search")}
    assert sent == {f"saved-search:{oranges.id}:import:{ids[0]}": "您保存的搜索“江西脐橙”有 3 条新供应信息，例如 赣南脐橙",
                    f"saved-search:{apples.id}:import:{ids[3]}": "您保存的搜索“苹果”有 2 条新供应信息，例如 红富士苹果"}
    names = {x.id: x.product_name for x in listings}
    assert {note.dedupe_key: note.message for note in notifications_of(buyer, "demand_match")} == {
        f"demand:{demand.id}:listing:{m['listing_id']}":
            f"有新的供应信息匹配您的“脐橙”采购需求：{names[m['listing_id']]}（匹配度 {round(m['score'] * 100)}%）"
        for m in expected["matches"]}


def test_each_member_of_a_matched_buyer_hears_once_and_members_are_read_once(make_user, make_org, make_producer,
                                                                           catalogue):
    first, second = make_user("buyer"), make_user("buyer")
    org = make_org("深圳鲜达生鲜供应链有限公司", county_code="440305", member=first)
    db.session.add(BuyerMember(buyer_id=org.id, user_id=second.id))
    db.session.commit()
    demand = services.create_demand(first, demand_form(price_max="4", price_unit="元/斤"))
    for name in ("江西脐橙", "兴国脐橙"):
        services.save_search(second, name, {"product": "脐橙", "province_code": "360000"})
    producer, _profile = make_producer(county="360732")
    ids = insert_listings(producer, listings_csv(4))
    with sql_statements() as statements:
        signals.listings_imported.send(None, listing_ids=ids)
    wanted = sorted(f"demand:{demand.id}:listing:{i}" for i in ids)
    for user in (first, second):
        assert sorted(note.dedupe_key for note in notifications_of(user, "demand_match")) == wanted
    assert len(notifications_of(second, "saved_search")) == 2
    # not one query per matched pair, nor per saved search (the matches' commit must not make them reload)
    assert len([s for s in statements if re.search(r"\bFROM buyer_members\b", s, re.IGNORECASE)]) == 1
    assert len([s for s in statements if re.search(r"\bFROM saved_searches\b", s, re.IGNORECASE)]) == 1


def test_an_import_with_no_demand_and_no_saved_search_reads_no_listing(buyer, make_producer, catalogue):
    producer, _profile = make_producer(county="360732")
    ids = insert_listings(producer, listings_csv(4))
    with sql_statements() as statements:
        signals.listings_imported.send(None, listing_ids=ids)
    assert statements and not [s for s in statements if LISTINGS_READ.search(s)]

    # the same import once somebody could hear of it: the listings are read (the check above can see them)
    services.save_search(buyer, "江西脐橙", {"product": "脐橙"})
    with sql_statements() as statements:
        signals.listings_imported.send(None, listing_ids=ids)
    assert [s for s in statements if LISTINGS_READ.search(s)]
    assert len(notifications_of(buyer, "saved_search")) == 1
