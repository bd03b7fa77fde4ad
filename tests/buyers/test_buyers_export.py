"""Exports of the buyer database and of supplier-search results: formula injection neutralised."""
import csv
import io

import openpyxl
import pytest
from helpers import finish_jobs

from buyers import exports

HOSTILE = ["=HYPERLINK(\"http://evil\",\"点我\")", "+86 138", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_prefixes_a_quote(text):
    assert exports.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["绿源农业", "a=b", 42, -3, None])
def test_harmless_values_are_kept(value):
    assert exports.neutralise(value) == ("" if value is None else value)


def test_buyer_export_csv_and_xlsx_are_inert(client, login_as, make_org):
    make_org("=cmd|' /C calc'!A0", county_code="360702", address="@SUM(1+1)",
             contacts=[{"name": "-1+1", "phone": "+8613800000000"}])
    make_org("赣州正常公司", county_code="360702")
    login_as("official", region_code="360000")
    response = client.get("/buyers/admin/export.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID", "名称", "类型"]
    hostile = next(r for r in rows if "calc" in r[1])
    assert hostile[1] == "'=cmd|' /C calc'!A0" and hostile[6] == "'@SUM(1+1)" and hostile[7] == "'-1+1"
    assert hostile[9] == "'+8613800000000"
    assert any(r[1] == "赣州正常公司" for r in rows)

    book = openpyxl.load_workbook(io.BytesIO(client.get("/buyers/admin/export.xlsx").data))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'=cmd|' /C calc'!A0" in values and "'@SUM(1+1)" in values and "赣州正常公司" in values


def test_export_respects_region_and_filters(client, login_as, make_org):
    make_org("武汉公司", county_code="420106")
    make_org("赣州超市", county_code="360702", type="supermarket")
    make_org("赣州市场", county_code="360702")
    login_as("official", region_code="360000")
    body = client.get("/buyers/admin/export.csv?type=supermarket").data.decode("utf-8-sig")
    assert "赣州超市" in body and "赣州市场" not in body and "武汉公司" not in body
    assert client.get("/buyers/admin/export.pdf").status_code == 404


def test_export_round_trips_through_the_import(client, login_as, make_org):
    make_org("赣州市场", county_code="360702", contacts=[{"name": "张三", "phone": "13800000000"}])
    login_as("admin")
    exported = client.get("/buyers/admin/export.xlsx").data
    response = client.post("/buyers/admin/import", data={"file": (io.BytesIO(exported), "export.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    finish_jobs()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-count="duplicate">1<' in page


def test_supplier_search_export_is_inert(client, make_user, make_org, make_producer, make_listing):
    buyer = make_user("buyer")
    make_org("甲公司", member=buyer)
    producer, _ = make_producer()
    make_listing(producer, variety="=1+2")
    from helpers import login

    login(client, buyer)
    response = client.get("/buyers/suppliers/export.csv?product=脐橙")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][1] == "产品" and rows[1][2] == "'=1+2"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/buyers/suppliers/export.xlsx?product=脐橙").data))
    assert book.active["C2"].value == "'=1+2" and book.active["C2"].data_type == "s"


def test_search_export_pages_through_all_results(client, make_user, make_org, make_producer, make_listing,
                                                 monkeypatch):
    from buyers import views_search

    buyer = make_user("buyer")
    make_org("甲公司", member=buyer)
    producer, _ = make_producer()
    for index in range(5):
        make_listing(producer, variety=f"品种{index}")
    calls = []
    real = views_search.queries.search_listings

    def two_per_page(params, page, per_page):
        calls.append(page)
        return real(params, page, 2)

    monkeypatch.setattr(views_search.queries, "search_listings", two_per_page)
    from helpers import login

    login(client, buyer)
    rows = list(csv.reader(io.StringIO(client.get("/buyers/suppliers/export.csv?product=脐橙").data.decode("utf-8-sig"))))
    assert len(rows) == 6 and calls == [1, 2, 3]
    assert {r[2] for r in rows[1:]} == {f"品种{i}" for i in range(5)}
