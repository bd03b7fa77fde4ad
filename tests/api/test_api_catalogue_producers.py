"""Products (the catalogue) and producers' public profiles through the API."""


def test_products_are_public_and_searchable_by_alias(client, catalogue):
    found = client.get("/api/v1/products?q=土豆").get_json()
    potato = next(p for p in found["items"] if p["name"] == "马铃薯")
    assert potato["category"] == "vegetables"
    assert "土豆" in {a["alias"] for a in potato["aliases"]}
    assert client.get(f"/api/v1/products/{potato['code']}").get_json()["name"] == "马铃薯"


def test_product_category_filter_and_unknown_code(client, catalogue):
    fruit = client.get("/api/v1/products?category=fruit&size=100").get_json()
    assert fruit["total"] > 10 and {p["category"] for p in fruit["items"]} == {"fruit"}
    assert client.get("/api/v1/products?category=metals").status_code == 422
    assert client.get("/api/v1/products/no-such-product").status_code == 404
    categories = client.get("/api/v1/products/categories").get_json()
    assert len(categories) == 10 and {"code": "fruit", "name_zh": "水果", "name_en": "Fruit"} in categories


def test_producer_profile_is_public_without_private_details(client, producer_with_profile):
    from produce.queries import producer_for_user

    producer = producer_for_user(producer_with_profile())
    body = client.get(f"/api/v1/producers/{producer.id}").get_json()
    assert body["name"] == producer.name and body["certifications"] == ["green_food"]
    assert body["verified"] is False
    assert "contact_phone" not in body and "address" not in body
    assert client.get("/api/v1/producers/999999").status_code == 404


def test_producer_search_is_for_buyers_officials_and_admins(client, api_as, producer_with_profile):
    producer_with_profile(county="360732")
    producer_with_profile(county="420102")
    assert client.get("/api/v1/producers").status_code == 401
    assert client.get("/api/v1/producers", headers=api_as("producer")[1]).status_code == 403
    buyer = api_as("buyer")[1]
    assert client.get("/api/v1/producers", headers=buyer).get_json()["total"] == 2
    jiangxi = client.get("/api/v1/producers?region=360000", headers=buyer).get_json()
    assert [p["county_code"] for p in jiangxi["items"]] == ["360732"]
