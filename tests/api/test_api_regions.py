"""Regions through the API: one region with parent and children, children lists with paging."""
from core import regions


def test_county_has_its_parent_and_no_children(client):
    body = client.get("/api/v1/regions/360732").get_json()
    assert body["name"] == regions.get("360732").name
    assert body["level"] == "county"
    assert body["parent"]["code"] == "360700" and body["parent"]["level"] == "prefecture"
    assert body["children"] == []
    assert body["poverty_county"] is regions.is_poverty_county("360732")


def test_province_lists_its_prefectures(client):
    body = client.get("/api/v1/regions/360000").get_json()
    assert body["parent"] is None
    assert [c["code"] for c in body["children"]] == [r.code for r in regions.children("360000")]


def test_children_of_a_parent_are_paged_in_code_order(client):
    expected = [r.code for r in regions.children("360700")]
    first = client.get("/api/v1/regions?parent=360700&size=5").get_json()
    second = client.get("/api/v1/regions?parent=360700&size=5&page=2").get_json()
    assert first["total"] == len(expected) and first["pages"] == -(-len(expected) // 5)
    assert [r["code"] for r in first["items"] + second["items"]] == expected[:10]
    assert all(r["parent"] == "360700" for r in first["items"])


def test_without_parent_the_provinces_are_listed(client):
    body = client.get("/api/v1/regions?size=100").get_json()
    assert body["total"] == len(regions.children(None)) == len(body["items"])
    assert {r["level"] for r in body["items"]} == {"province"}


def test_unknown_region_is_404_in_the_api_format(client):
    for url in ("/api/v1/regions/999999", "/api/v1/regions?parent=999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_malformed_parent_code_is_a_field_error(client):
    response = client.get("/api/v1/regions?parent=36")
    assert response.status_code == 422
    assert "parent" in response.get_json()["error"]["fields"]
