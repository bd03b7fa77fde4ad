"""Who reads and writes which county: county officials edit only their own county; prefecture and province
officials read their region; officials elsewhere get 403; anonymous users are sent to sign in."""
import pytest
import sqlalchemy as sa
from helpers import login

from core.db import db
from counties import queries, services
from counties.models import IndicatorValue


@pytest.fixture
def two_counties(add_county, indicators):
    return add_county("360732", 2015), add_county("360735", 2016), add_county("422822", 2016)


def _count_values():
    return db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue))


def test_county_official_enters_values_only_for_their_own_county(client, officials, two_counties):
    login(client, officials["xingguo"])
    assert client.get("/counties/360732/values").status_code == 200
    assert client.get("/counties/360735/values").status_code == 403
    response = client.post("/counties/360735/values", data={"period": "2025Q3", "village_coverage": "60"})
    assert response.status_code == 403
    assert _count_values() == 0
    # and may not even read a neighbouring county's dashboard
    assert client.get("/counties/360735").status_code == 403
    assert client.get("/counties/360735/series.json").status_code == 403


@pytest.mark.parametrize("who", ["ganzhou", "jiangxi"])
def test_prefecture_and_province_officials_read_but_do_not_enter_values(client, officials, two_counties, who):
    login(client, officials[who])
    page = client.get("/counties/360732")
    assert page.status_code == 200 and "兴国县" in page.get_data(as_text=True)
    assert client.get("/counties/360732/series.json").status_code == 200
    assert client.get("/counties/360732/history").status_code == 200
    assert client.get("/counties/360732/values").status_code == 403
    assert client.post("/counties/360732/values", data={"period": "2025Q3", "trainees": "10"}).status_code == 403
    assert _count_values() == 0


def test_province_official_dashboard_lists_only_their_province(client, officials, two_counties):
    login(client, officials["jiangxi"])
    html = client.get("/counties/").get_data(as_text=True)
    assert "兴国县" in html and "石城县" in html and "建始县" not in html
    assert client.get("/counties/?scope=420000").status_code == 403
    assert client.get("/counties/export.xlsx?scope=420000").status_code == 403


def test_hubei_official_cannot_see_jiangxi_pages(client, officials, two_counties):
    login(client, officials["hubei"])
    for path in ("/counties/360732", "/counties/360732/edit", "/counties/360732/values",
                 "/counties/360732/history", "/counties/360732/series.json", "/counties/360732/values.xlsx"):
        assert client.get(path).status_code == 403, path
    assert client.post("/counties/360732/edit", data={"batch_year": "2020"}).status_code == 403
    assert client.get("/counties/422822").status_code == 200


def test_registry_is_managed_by_province_officials_and_admins_only(client, officials, two_counties, make_user):
    login(client, officials["ganzhou"])
    assert client.get("/counties/360732/edit").status_code == 403
    assert client.get("/counties/new").status_code == 403
    assert client.get("/counties/import").status_code == 403
    login(client, officials["jiangxi"])
    assert client.get("/counties/360732/edit").status_code == 200
    assert client.get("/counties/422822/edit").status_code == 403
    response = client.post("/counties/new", data={"code": "421127", "batch_year": "2019"})
    assert response.status_code == 200  # the form again, with the error on the code field
    assert "不得管理" in response.get_data(as_text=True) or "outside your region" in response.get_data(as_text=True)
    assert queries.county_by_code("421127") is None
    login(client, make_user("admin"))
    assert client.get("/counties/422822/edit").status_code == 200


@pytest.mark.parametrize("role", ["producer", "buyer"])
def test_other_roles_get_403_and_anonymous_users_sign_in(client, make_user, two_counties, role):
    assert client.get("/counties/360732").status_code == 302
    assert "/login" in client.get("/counties/360732/values").headers["Location"]
    login(client, make_user(role))
    assert client.get("/counties/360732").status_code == 403
    assert client.get("/counties/360732/values").status_code == 403


def test_services_refuse_writes_outside_the_scope_without_http(app, officials, two_counties):
    xingguo, shicheng, _jianshi = two_counties
    with pytest.raises(services.NotAllowed):
        services.save_values(officials["xingguo"], shicheng, "2025Q3", {"trainees": "5"})
    with pytest.raises(services.NotAllowed):
        services.save_values(officials["jiangxi"], xingguo, "2025Q3", {"trainees": "5"})
    with pytest.raises(services.NotAllowed):
        services.update_county(officials["hubei"], xingguo, {"batch_year": "2015"})
    assert _count_values() == 0
    assert services.save_values(officials["xingguo"], xingguo, "2025Q3", {"trainees": "5"}) == 1
