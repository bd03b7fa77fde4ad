"""Per-token rate limits, counted where every worker sees them (the database here, Redis with TEST_REDIS_URL)."""
import pytest

from api import ratelimit


@pytest.fixture
def app_config(app_config):
    app_config.update(API_RATE_LIMIT_PER_MINUTE=3, API_ANON_RATE_LIMIT_PER_MINUTE=2)
    return app_config


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """A pinned clock: a test never straddles two windows (the counter would start again mid-test)."""
    now = {"t": 999_970.0}  # 10 s into a minute
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def test_a_token_over_its_limit_gets_429_with_retry_after(client, api_as):
    _user, headers = api_as("buyer")
    statuses = [client.get("/api/v1/regions/360000", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/regions/360000", headers=headers)
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "50"  # the pinned clock is 10 s into its minute
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_limits_are_per_token(client, api_as):
    _a, first = api_as("buyer")
    _b, second = api_as("buyer")
    for _ in range(3):
        client.get("/api/v1/regions/360000", headers=first)
    assert client.get("/api/v1/regions/360000", headers=first).status_code == 429
    assert client.get("/api/v1/regions/360000", headers=second).status_code == 200


def test_anonymous_callers_are_limited_by_address(client):
    codes = [client.get("/api/v1/regions/360000").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_remaining_requests_are_announced(client, api_as):
    _user, headers = api_as("producer")
    first = client.get("/api/v1/regions/360000", headers=headers)
    assert first.headers["X-RateLimit-Limit"] == "3"
    assert first.headers["X-RateLimit-Remaining"] == "2"


def test_counter_starts_again_in_a_new_window(app, clock):
    assert [ratelimit.hit("k", 2).allowed for _ in range(3)] == [True, True, False]
    clock["t"] += 60
    assert ratelimit.hit("k", 2).allowed
