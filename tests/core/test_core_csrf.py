"""CSRF protection is on for every state-changing route (this module turns it back on)."""
import re

import pytest
from helpers import TEST_PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _post_routes(app):
    """Every rule that accepts POST/PUT/PATCH/DELETE, with placeholder arguments filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.rule.startswith("/api/"):
            continue  # the API authenticates with bearer tokens, not cookies (tested in tests/api)
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", "1", url)
        routes.extend((method, url) for method in sorted(methods))
    return routes


def test_there_are_state_changing_routes_to_protect(app):
    assert ("POST", "/login") in _post_routes(app)
    assert ("POST", "/logout") in _post_routes(app)


def test_every_state_changing_route_refuses_a_missing_token(app, client, make_user):
    user = make_user("admin")
    signed_in = app.test_client()
    page = signed_in.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed_in.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    for method, url in _post_routes(app):
        for who in (client, signed_in):
            response = who.open(url, method=method, data={"anything": "1"})
            assert response.status_code == 400, (method, url, response.status_code)


def test_login_works_with_the_token_from_the_form(app, client, make_user):
    user = make_user("buyer")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_a_token_from_another_session_is_refused(app, client, make_user):
    user = make_user("buyer")
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    foreign = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": foreign})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
