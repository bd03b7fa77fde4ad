"""The region picker's JSON endpoints."""


def test_provinces_then_prefectures_then_counties(client):
    provinces = client.get("/regions/children").get_json()
    assert len(provinces) == 31
    assert {"code": "360000", "name": "江西省", "level": "province", "parent": None} in provinces
    prefectures = client.get("/regions/children?parent=360000").get_json()
    assert {"code": "360700", "name": "赣州市", "level": "prefecture", "parent": "360000"} in prefectures
    counties = client.get("/regions/children?parent=360700").get_json()
    assert any(c["code"] == "360732" and c["name"] == "兴国县" for c in counties)


def test_unknown_parent_is_404(client):
    assert client.get("/regions/children?parent=999999").status_code == 404


def test_search_by_name_pinyin_and_initials(client):
    for text in ("兴国", "xingguo", "xg"):
        codes = [r["code"] for r in client.get("/regions/search", query_string={"q": text}).get_json()]
        assert "360732" in codes, text
    assert client.get("/regions/search?q=").get_json() == []
