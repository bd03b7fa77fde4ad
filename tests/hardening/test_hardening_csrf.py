"""CSRF on every state-changing route, with CSRF switched on, for every role and real record ids.

tests/core/test_core_csrf.py checks the basic case (anonymous and one admin, placeholder ids, cookie routes
only). This module extends it: every role, URLs of real records of other users, a token from another session,
JSON bodies, and the API's cookie-authenticated writes; and a refused request changes no row.
"""
import re

import pytest
from helpers import TEST_PASSWORD
from probes import STATE_CHANGING, changed_tables, route_targets, snapshot

pytestmark = pytest.mark.slow

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROLES = ("anonymous", "producer", "buyer", "official", "admin")
# Exchanging an e-mail and password for an API token needs no CSRF token: the request carries the secret itself.
CREDENTIAL_EXCHANGE = {"api_v1_auth.issue_token"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _signed_in(app, user):
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
        assert response.status_code == 302
    return client


def _foreign_token(app) -> str:
    return TOKEN.search(app.test_client().get("/login").get_data(as_text=True)).group(1)


def test_every_state_changing_route_refuses_requests_without_a_valid_token(app, runner, make_user):
    users = {role: make_user(role) for role in ROLES[1:]}
    assert runner.invoke(args=["demo"]).exit_code == 0
    targets = [(rule, url, method) for rule, url, method in route_targets(app, _signed_in(app, users["admin"]))
               if method in STATE_CHANGING]
    assert any(url.startswith("/api/") for _r, url, _m in targets) or not any(
        r.rule.startswith("/api/") for r in app.url_map.iter_rules())
    foreign = _foreign_token(app)
    form_attempts = [{"data": {"anything": "1"}}, {"data": {"csrf_token": foreign}}]
    api_attempts = [{"json": {"name": "x"}}, {"json": {"name": "x"}, "headers": {"X-CSRFToken": foreign}}]
    problems = []
    for role in ROLES:
        client = _signed_in(app, users.get(role))
        before = snapshot()  # after signing in, which records the sign-in time
        for rule, url, method in targets:
            api = url.startswith("/api/")
            # Without a session there is nothing to forge: an anonymous API write may fail validation first.
            refusals = (400, 401, 403, 422) if api and (role == "anonymous" or rule.endpoint in CREDENTIAL_EXCHANGE) \
                else (400, 401, 403)
            for attempt in api_attempts if api else form_attempts:
                response = client.open(url, method=method, **attempt)
                where = f"{role} {method} {url} {attempt}"
                if response.status_code not in refusals:
                    problems.append(f"{where} -> {response.status_code}, expected a refusal")
                after = snapshot()
                if changed_tables(before, after):
                    problems.append(f"{where} -> changed {changed_tables(before, after)}")
                before = after
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
