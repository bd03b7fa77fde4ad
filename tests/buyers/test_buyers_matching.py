"""Supplier search, saved-search and demand notifications on listing_saved, stored matches with reasons,
and "why not?" through matching.explain."""
import pytest
from buyers_helpers import demand_form
from helpers import login

from buyers import matches, services
from buyers.models import DemandMatch
from core.db import db
from core.notifications import Notification


@pytest.fixture
def buyer(make_user, make_org):
    user = make_user("buyer")
    make_org("深圳鲜达生鲜供应链有限公司", county_code="440305", member=user)
    return user


def notifications_of(user, kind):
    return list(db.session.scalars(db.select(Notification).where(Notification.user_id == user.id,
                                                                 Notification.kind == kind)))


def test_saved_search_is_notified_of_a_new_matching_listing(client, buyer, make_producer, make_listing):
    login(client, buyer)
    response = client.post("/buyers/saved-searches", data={"name": "江西脐橙", "product": "脐橙",
                                                           "province_code": "360000"})
    assert response.status_code == 302
    producer, _profile = make_producer(county="360732")
    listing = make_listing(producer)
    make_listing(producer, product="猕猴桃", variety="", county_code="360732")       # other product
    make_listing(producer, county_code="450103")                                     # other province
    sent = notifications_of(buyer, "saved_search")
    assert len(sent) == 1 and "江西脐橙" in sent[0].message and str(listing.id) in sent[0].link
    body = client.get("/notifications").get_data(as_text=True)
    assert "江西脐橙" in body


def test_saved_search_notifies_once_per_listing(buyer, make_producer, make_listing):
    from buyers_helpers import listing_form

    from produce.services import update_listing

    services.save_search(buyer, "脐橙", {"product": "脐橙"})
    producer, _ = make_producer()
    listing = make_listing(producer)
    update_listing(producer, listing, listing_form(price="2.80"), listing.version)
    assert len(notifications_of(buyer, "saved_search")) == 1


def test_open_demand_gets_stored_matches_and_a_notification(client, buyer, make_producer, make_listing):
    demand = services.create_demand(buyer, demand_form(price_max="4", price_unit="元/斤"))
    producer, _ = make_producer()
    good = make_listing(producer, price="3.00", price_unit="元/斤")
    too_dear = make_listing(producer, price="9.00", price_unit="元/公斤")  # 4.5 元/斤 > ceiling 4 元/斤
    stored = matches.matches_for_demand(demand.id)
    assert [m["listing_id"] for m in stored] == [good.id]
    assert set(stored[0]["reasons"]) >= {"product", "price", "region", "block"}
    assert 0 < stored[0]["score"] <= 1
    assert matches.demands_for_listing(good.id)[0]["demand_id"] == demand.id
    assert matches.demands_for_listing(too_dear.id) == []
    assert len(notifications_of(buyer, "demand_match")) == 1

    login(client, buyer)
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    assert "为什么推荐" in page and f"/listings/{good.id}" in page
    why_not = client.get(f"/buyers/demands/{demand.id}/why-not?listing_id={too_dear.id}").get_data(as_text=True)
    assert 'data-testid="violations"' in why_not and "价格" in why_not
    why = client.get(f"/buyers/demands/{demand.id}/why-not?listing_id={good.id}").get_data(as_text=True)
    assert 'data-testid="eligible"' in why


def test_new_demand_finds_existing_listings_and_pausing_a_listing_drops_it(buyer, make_producer, make_listing):
    from produce.services import set_status

    producer, _ = make_producer()
    listing = make_listing(producer)
    demand = services.create_demand(buyer, demand_form())
    assert [m["listing_id"] for m in matches.matches_for_demand(demand.id)] == [listing.id]
    set_status(producer, listing, "paused")
    assert matches.matches_for_demand(demand.id) == []


def test_closing_a_demand_clears_its_matches(buyer, make_producer, make_listing):
    producer, _ = make_producer()
    make_listing(producer)
    demand = services.create_demand(buyer, demand_form())
    assert matches.matches_for_demand(demand.id)
    services.set_demand_status(buyer, demand, "closed")
    assert db.session.scalar(db.select(db.func.count()).select_from(DemandMatch)) == 0


def test_listing_refresh_touches_only_its_own_pairs(buyer, make_producer, make_listing):
    producer, _ = make_producer()
    first = make_listing(producer)
    demand = services.create_demand(buyer, demand_form())
    before = db.session.scalar(db.select(DemandMatch).where(DemandMatch.listing_id == first.id))
    stamp = before.computed_at
    make_listing(producer, price="2.50")
    after = db.session.scalar(db.select(DemandMatch).where(DemandMatch.listing_id == first.id))
    assert after.id == before.id and after.computed_at == stamp
    assert len(matches.matches_for_demand(demand.id)) == 2


def test_supplier_search_lists_listings_and_producers(client, buyer, make_producer, make_listing):
    producer, profile = make_producer(verified=True, certs=("organic", "green_food"))
    listing = make_listing(producer)
    other, other_profile = make_producer(county="610326", verified=False, certs=())
    make_listing(other, product="猕猴桃", variety="徐香", county_code="610326", certifications=[])
    login(client, buyer)
    body = client.get("/buyers/suppliers?product=脐橙").get_data(as_text=True)
    assert f"/listings/{listing.id}" in body and "猕猴桃" not in body
    producers = client.get("/buyers/suppliers?kind=producers&product=猕猴桃").get_data(as_text=True)
    assert other_profile.name in producers and profile.name not in producers
    verified = client.get("/buyers/suppliers?kind=producers&verified=1").get_data(as_text=True)
    assert profile.name in verified and other_profile.name not in verified
    organic = client.get("/buyers/suppliers?kind=producers&certification=organic").get_data(as_text=True)
    assert profile.name in organic and other_profile.name not in organic
    region = client.get("/buyers/suppliers?kind=producers&province_code=610000").get_data(as_text=True)
    assert other_profile.name in region and profile.name not in region
    assert f"/producers/{profile.id}" in verified


def test_saved_search_needs_words_and_belongs_to_its_owner(client, buyer, make_user):
    login(client, buyer)
    client.post("/buyers/saved-searches", data={"name": "空"})
    from buyers.models import SavedSearch

    assert db.session.scalar(db.select(db.func.count()).select_from(SavedSearch)) == 0
    search = services.save_search(buyer, "脐橙", {"product": "脐橙"})
    client.post("/logout")
    stranger = make_user("buyer")
    login(client, stranger)
    assert client.post(f"/buyers/saved-searches/{search.id}/delete").status_code == 404
    assert db.session.get(SavedSearch, search.id) is not None


def test_why_not_does_not_reveal_a_draft_listing(client, buyer, make_producer, make_listing):
    demand = services.create_demand(buyer, demand_form())
    producer, _ = make_producer()
    draft = make_listing(producer, status="draft", variety="秘密品种")
    login(client, buyer)
    body = client.get(f"/buyers/demands/{demand.id}/why-not?listing_id={draft.id}").get_data(as_text=True)
    assert "秘密品种" not in body and "没有此编号" in body


def test_a_matched_producer_reads_the_demand_but_nothing_more(client, buyer, make_producer, make_listing):
    demand = services.create_demand(buyer, demand_form())
    producer, _ = make_producer()
    make_listing(producer)
    other, _ = make_producer()
    make_listing(other, product="大白菜", variety="", spec="")  # another category: no match
    login(client, producer)
    page = client.get(f"/buyers/demands/{demand.id}")
    assert page.status_code == 200 and "脐橙" in page.get_data(as_text=True)
    assert 'data-testid="matches"' not in page.get_data(as_text=True)
    assert client.get(f"/buyers/demands/{demand.id}/edit").status_code == 403
    assert client.post(f"/buyers/demands/{demand.id}/status", data={"status": "closed"}).status_code == 403
    assert client.get(f"/buyers/demands/{demand.id}/why-not?listing_id=1").status_code == 403
    client.post("/logout")
    login(client, other)
    assert client.get(f"/buyers/demands/{demand.id}").status_code == 404
    services.set_demand_status(buyer, demand, "closed")
    client.post("/logout")
    login(client, producer)
    assert client.get(f"/buyers/demands/{demand.id}").status_code == 404
