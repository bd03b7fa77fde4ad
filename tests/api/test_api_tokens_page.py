"""The token page in the account area: create (secret shown once), list, revoke; nobody touches others' tokens."""
import sqlalchemy as sa

from api.models import ApiToken
from core.db import db


def _create(client, name="ERP", scopes="read", days="30"):
    return client.post("/account/api-tokens", data={"name": name, "scopes": scopes, "days": days})


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/account/api-tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_account_page_links_to_tokens(client, login_as):
    login_as("buyer")
    assert "/account/api-tokens" in client.get("/account").get_data(as_text=True)


def test_created_token_is_shown_once_and_works(client, login_as):
    user = login_as("producer")
    response = _create(client, scopes="read write", days="7")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalar(sa.select(ApiToken))
    page = response.get_data(as_text=True)
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith(token.prefix)
    assert token.scope_set == {"read", "write"} and token.user_id == user.id
    assert 6 <= (token.expires_at - token.created_at).days <= 7
    assert secret not in client.get("/account/api-tokens").get_data(as_text=True)
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert me["id"] == user.id and me["scopes"] == ["read", "write"]


def test_read_only_choice_makes_a_read_only_token(client, login_as):
    login_as("buyer")
    _create(client, scopes="read")
    assert db.session.scalar(sa.select(ApiToken)).scope_set == {"read"}


def test_bad_input_is_a_field_error_and_creates_nothing(client, login_as):
    login_as("buyer")
    for data in ({"name": "", "scopes": "read", "days": "30"}, {"name": "x", "scopes": "admin", "days": "30"},
                 {"name": "x", "scopes": "read", "days": "10000"}, {"name": "x" * 81, "scopes": "read", "days": "7"}):
        response = client.post("/account/api-tokens", data=data)
        assert response.status_code == 422
        assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_owner_revokes_and_the_token_stops_working(client, login_as):
    login_as("buyer")
    page = _create(client).get_data(as_text=True)
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    token = db.session.scalar(sa.select(ApiToken))
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_another_user_cannot_see_or_revoke_my_token(client, make_user, login_as):
    from api import services

    owner = make_user("producer")
    token, _secret = services.create_personal_token(owner, "owner-secret-erp", ["read"], 30)
    login_as("producer")
    assert "owner-secret-erp" not in client.get("/account/api-tokens").get_data(as_text=True)
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_token_page_speaks_chinese_by_default_and_english_on_request(client, login_as):
    login_as("buyer")
    assert "创建令牌" in client.get("/account/api-tokens").get_data(as_text=True)
    client.set_cookie("hl_lang", "en")
    assert "Create a token" in client.get("/account/api-tokens").get_data(as_text=True)
