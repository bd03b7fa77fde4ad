"""A category that is not a catalogue code finds nothing instead of breaking the full-text query."""
import pytest

from produce.search import SearchFilters, search_listings


@pytest.mark.parametrize("category", ['fruit" OR "x', "a b", "-", "水果*", "NEAR(x y)"])
def test_unknown_category_is_an_empty_result_not_an_error(app, category):
    page = search_listings(q="苹果", filters=SearchFilters(category=category))
    assert page.total == 0 and list(page.items) == []


def test_unknown_category_page_is_200(client):
    response = client.get("/produce/", query_string={"q": "苹果", "category": 'fruit" OR "x'})
    assert response.status_code == 200
