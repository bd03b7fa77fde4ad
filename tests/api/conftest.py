"""API test helpers: personal tokens for users of each role and bearer-authenticated requests."""
import pytest

from api import services


@pytest.fixture
def token_for(app):
    """token_for(user, scopes=("read", "write"), days=30) -> the bearer secret of a new personal token."""

    def _make(user, scopes=("read", "write"), days=30):
        _token, secret = services.create_personal_token(user, "test", scopes, days)
        return secret

    return _make


@pytest.fixture
def bearer():
    def _headers(secret):
        return {"Authorization": f"Bearer {secret}"}

    return _headers


@pytest.fixture
def api_as(client, make_user, token_for, bearer):
    """api_as(role, scopes=..., **user_fields) -> (user, headers) for a fresh user of that role."""

    def _as(role="producer", scopes=("read", "write"), **fields):
        user = make_user(role, **fields)
        return user, bearer(token_for(user, scopes))

    return _as
