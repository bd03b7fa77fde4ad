"""Authentication: the token endpoint, bearer tokens (missing, wrong, revoked, expired), scopes, CSRF rule."""
import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g, jsonify
from helpers import TEST_PASSWORD

from accounts import services as account_services
from api.common import ApiBlueprint
from api.models import ApiToken
from core.db import db, utcnow


def _issue(client, email, password=TEST_PASSWORD):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_token_endpoint_gives_a_working_bearer_token(client, make_user):
    user = make_user("buyer")
    response = _issue(client, user.email)
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["scopes"] == ["read", "write"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["email"] == user.email and me.get_json()["role"] == "buyer"


@pytest.mark.parametrize("email,password", [("buyer1@example.com", "wrong password!"),
                                            ("nobody@example.com", TEST_PASSWORD)])
def test_wrong_credentials_get_401_and_no_token(client, make_user, email, password):
    make_user("buyer")
    response = _issue(client, email, password)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_sign_in_throttling_applies_to_the_token_endpoint(client, make_user, app):
    user = make_user("buyer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert _issue(client, user.email, "wrong password!").status_code == 401
    locked = _issue(client, user.email)  # even the right password, while locked
    assert locked.status_code == 429
    assert locked.get_json()["error"]["code"] == "rate_limited"


def test_token_is_stored_only_as_its_digest(client, make_user):
    user = make_user("producer")
    secret = _issue(client, user.email).get_json()["token"]
    row = db.session.scalar(sa.select(ApiToken))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    values = [str(v) for v in db.session.execute(sa.select(ApiToken.__table__)).one()]
    assert all(secret not in value for value in values)


def test_missing_token_gets_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "missing_token"


@pytest.mark.parametrize("header", ["Bearer hl_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "hl_abc"])
def test_wrong_or_malformed_token_gets_401(client, header):
    response = client.get("/api/v1/regions", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] in ("invalid_token", "invalid_request")


def test_revoked_token_gets_401(client, api_as):
    _user, headers = api_as("buyer")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_expired_token_gets_401(client, api_as):
    _user, headers = api_as("official")
    token = db.session.scalar(sa.select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_deactivated_user_token_gets_401(client, api_as, make_user):
    user, headers = api_as("buyer")
    admin = make_user("admin")
    account_services.set_active(admin, user, False)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_password_change_ends_login_tokens_but_not_personal_ones(client, make_user, token_for, bearer):
    user = make_user("producer")
    login_token = _issue(client, user.email).get_json()["token"]
    personal = token_for(user)
    account_services.change_password(user, TEST_PASSWORD, "another long passphrase 42")
    assert client.get("/api/v1/auth/me", headers=bearer(login_token)).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer(personal)).status_code == 200


def _add_write_probe(app):
    """A POST endpoint on an API blueprint, to test the rules every write goes through."""
    probe = ApiBlueprint("api_test_probe", __name__, url_prefix="/api/v1/test-probe")

    @probe.route("", methods=["POST"])
    def write_probe():
        return jsonify({"ok": True})

    app.register_blueprint(probe)
    from core.extensions import csrf

    csrf.exempt(probe)


def test_read_only_token_cannot_write(app, client, api_as):
    _add_write_probe(app)
    _user, read_only = api_as("producer", scopes=("read",))
    _user2, read_write = api_as("producer")
    refused = client.post("/api/v1/test-probe", headers=read_only)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "insufficient_scope"
    assert client.post("/api/v1/test-probe", headers=read_write).status_code == 200
    assert client.get("/api/v1/auth/me", headers=read_only).get_json()["scopes"] == ["read"]


def _csrf_token(client, page):
    g.pop("csrf_token", None)  # the test's app context outlives requests; a browser's next request has a fresh g
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_csrf_is_waived_only_for_bearer_requests(csrf_app_config, app, client, make_user, token_for, bearer):
    _add_write_probe(app)
    user = make_user("buyer")
    signed_in = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                            "csrf_token": _csrf_token(client, "/login")})
    assert signed_in.status_code == 302
    csrf_token = _csrf_token(client, "/account")  # sign-in starts a fresh session, hence a fresh CSRF token
    # The session cookie alone cannot write: that is what a forged cross-site request would have.
    forged = client.post("/api/v1/test-probe")
    assert forged.status_code == 400
    assert forged.get_json()["error"]["code"] == "csrf_failed"
    ok = client.post("/api/v1/test-probe", headers={"X-CSRFToken": csrf_token})
    assert ok.status_code == 200, ok.get_json()
    assert client.post("/api/v1/test-probe", headers=bearer(token_for(user))).status_code == 200
    # The token endpoint takes a password, not a cookie: no CSRF token needed.
    assert _issue(client, user.email).status_code == 201


def test_bearer_token_overrides_the_session_user(client, login_as, make_user, token_for, bearer):
    login_as("buyer")
    other = make_user("official")
    me = client.get("/api/v1/auth/me", headers=bearer(token_for(other))).get_json()
    assert me["id"] == other.id and me["role"] == "official"


def test_a_token_request_leaves_no_session_behind(client, api_as):
    """The token sets the user for its own request only: no signed-in cookie comes back."""
    user, headers = api_as("producer")
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.get_json()["id"] == user.id
    assert not response.headers.getlist("Set-Cookie")
    assert client.get("/api/v1/auth/me").status_code == 401  # the next request, without the token, is nobody


def test_a_very_long_email_is_refused_cleanly(client):
    """Found by schemathesis on PostgreSQL: the throttle key of a 254-character e-mail overflowed its column."""
    email = "a" * 240 + "@example.com"
    response = _issue(client, email, "wrong password!")
    assert response.status_code == 401


def test_authenticated_answers_are_not_cached_by_proxies(client, api_as):
    _user, headers = api_as("buyer")
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in response.headers["Vary"]
    assert "no-store" not in client.get("/api/v1/regions/360000").headers.get("Cache-Control", "")


def _anonymous_writes(app):
    """(method, url) of every API write that needs a user, with 1 for each part of its path."""
    urls = app.url_map.bind("localhost")
    writes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or getattr(app.view_functions[rule.endpoint], "_api_scope_free",
                                                            False):
            continue
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            writes.append((method, urls.build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method=method)))
    return writes


@pytest.mark.parametrize("body", [{"data": '{"no_such_field": 1, "quantity": 3}', "content_type": "application/json"},
                                  {"data": "{not json", "content_type": "application/json"},
                                  {"data": "a=1", "content_type": "application/x-www-form-urlencoded"}])
def test_anonymous_writes_get_401_whatever_the_body(app, client, body):
    writes = _anonymous_writes(app)
    assert len(writes) >= 10, writes  # the crawl still finds the write endpoints
    answers = {(method, url): client.open(url, method=method, **body) for method, url in writes}
    wrong = {key: response.status_code for key, response in answers.items() if response.status_code != 401}
    assert not wrong, wrong
    assert all(r.get_json()["error"]["code"] == "missing_token" for r in answers.values())
