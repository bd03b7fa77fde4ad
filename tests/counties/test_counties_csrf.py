"""With CSRF on (as in production), the counties forms refuse a post without the form's token."""
import re

import pytest

from counties import queries


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def _login_with_token(client, user):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post("/login", data={"email": user.email, "password": "correct horse battery staple",
                                       "csrf_token": token})


def test_values_form_needs_its_token(client, add_county, indicators, officials):
    add_county("360732", 2015)
    assert _login_with_token(client, officials["xingguo"]).status_code == 302
    response = client.post("/counties/360732/values", data={"period": "2025Q3", "trainees": "5"})
    assert response.status_code in (200, 400)
    assert queries.value_history(queries.county_by_code("360732")) == []
    form = client.get("/counties/360732/values").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = client.post("/counties/360732/values", data={"period": "2025Q3", "trainees": "5", "csrf_token": token})
    assert response.status_code == 302
    assert len(queries.value_history(queries.county_by_code("360732"))) == 1


def test_target_delete_needs_a_token(client, make_user, indicators):
    admin = make_user("admin")
    assert _login_with_token(client, admin).status_code == 302
    assert client.post("/counties/targets/1/delete").status_code == 400
