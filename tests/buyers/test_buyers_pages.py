"""Every buyers page renders for the role it is for (Chinese by default, English on request), and every
form posts with a CSRF token when CSRF is on."""
import re

import pytest
from buyers_helpers import demand_form
from helpers import login

from buyers import services


@pytest.fixture
def setup(make_user, make_org):
    buyer = make_user("buyer")
    org = make_org("深圳鲜达生鲜供应链有限公司", county_code="440305", member=buyer,
                   contacts=[{"name": "王敏", "phone": "13800138000"}])
    demand = services.create_demand(buyer, demand_form())
    return buyer, org, demand


def test_buyer_pages_render(client, setup):
    buyer, org, demand = setup
    login(client, buyer)
    for path in ["/buyers/demands", "/buyers/demands/new", f"/buyers/demands/{demand.id}",
                 f"/buyers/demands/{demand.id}/edit", f"/buyers/demands/{demand.id}/why-not",
                 f"/buyers/orgs/{org.id}", f"/buyers/orgs/{org.id}/edit", f"/buyers/orgs/{org.id}/history",
                 "/buyers/suppliers", "/buyers/suppliers?q=脐橙&kind=producers"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<script>" not in response.get_data(as_text=True) and 'style="' not in response.get_data(as_text=True)


def test_official_pages_render(client, login_as, setup):
    _buyer, org, _demand = setup
    login_as("official", region_code="440000")
    for path in ["/buyers/admin", "/buyers/admin?verified=no&type=distributor&q=鲜达", "/buyers/orgs/new",
                 "/buyers/admin/import", "/buyers/admin/merge", f"/buyers/orgs/{org.id}",
                 f"/buyers/orgs/{org.id}/history", "/buyers/admin/import/template.csv"]:
        assert client.get(path).status_code == 200, path
    assert "深圳鲜达" in client.get("/buyers/admin?q=13800138000").get_data(as_text=True)


def test_english_on_request(client, setup):
    buyer, _org, _demand = setup
    client.set_cookie("hl_lang", "en")
    login(client, buyer)
    body = client.get("/buyers/demands").get_data(as_text=True)
    assert "My demands" in body and "Post a demand" in body


def test_csrf_is_required_on_buyer_forms(app, make_user, make_org):
    app.config["WTF_CSRF_ENABLED"] = True
    buyer = make_user("buyer")
    org = make_org("甲公司", member=buyer)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": buyer.email, "password": "correct horse battery staple",
                                "csrf_token": token})
    for path, data in [("/buyers/demands/new", demand_form()), (f"/buyers/orgs/{org.id}/contacts", {"name": "x"}),
                       ("/buyers/saved-searches", {"product": "脐橙"})]:
        assert client.post(path, data=data).status_code == 400, path
    from buyers.models import Demand, SavedSearch
    from core.db import db

    assert db.session.scalar(db.select(db.func.count()).select_from(Demand)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(SavedSearch)) == 0


def test_organisation_form_with_contact_works_with_csrf_on(app, make_user):
    from buyers.models import BuyerOrg
    from core.db import db

    app.config["WTF_CSRF_ENABLED"] = True
    buyer = make_user("buyer")
    client = app.test_client()

    def token(path):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)
                         ).group(1)

    client.post("/login", data={"email": buyer.email, "password": "correct horse battery staple",
                                "csrf_token": token("/login")})
    response = client.post("/buyers/orgs/new", data={
        "csrf_token": token("/buyers/orgs/new"), "name": "深圳鲜达生鲜供应链有限公司", "type": "distributor",
        "county_code": "440305", "contact-name": "王敏", "contact-phone": "13800138000"})
    assert response.status_code == 302
    org = db.session.scalar(db.select(BuyerOrg))
    assert [c.name for c in org.contacts] == ["王敏"]
