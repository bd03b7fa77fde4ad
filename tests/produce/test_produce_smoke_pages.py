"""Every produce page renders for the role it is for (no 500s), in Chinese by default."""
import pytest


@pytest.fixture
def seeded(catalogue, make_producer, make_listing):
    user, profile = make_producer()
    listing = make_listing(user)
    return user, profile, listing


def test_public_pages_render(client, seeded):
    _user, profile, listing = seeded
    assert client.get("/produce/?q=脐橙&region=360000&certification=green_food").status_code == 200
    page = client.get(f"/produce/listings/{listing.id}")
    assert page.status_code == 200
    assert "赣南脐橙" in page.get_data(as_text=True)
    assert client.get(f"/produce/producers/{profile.id}").status_code == 200


def test_producer_pages_render(client, seeded):
    from helpers import login

    user, _profile, listing = seeded
    login(client, user)
    for path in ("/produce/mine", "/produce/profile", "/produce/listings/new", f"/produce/listings/{listing.id}/edit",
                 "/produce/import", "/produce/import/template.xlsx", "/produce/import/template.csv"):
        assert client.get(path).status_code == 200, path


def test_admin_catalogue_pages_render(client, catalogue, login_as):
    login_as("admin")
    assert client.get("/produce/catalogue?q=苹果").status_code == 200
    assert client.get("/produce/catalogue/products/1").status_code == 200
