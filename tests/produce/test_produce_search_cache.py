"""The search page's cached results (core/cache.py): served again without searching, never stale after a
committed write in this process, per locale, and never in the way when the cache fails or is turned off."""
import sqlalchemy as sa

import produce.views_search as views_search
from core.db import db
from core.i18n import LOCALE_COOKIE
from produce.models import Listing


def _count_searches(monkeypatch) -> list:
    calls = []
    real = views_search.search_listings

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(views_search, "search_listings", counting)
    return calls


def _cards(response) -> int:
    return response.get_data(as_text=True).count('data-testid="listing-card"')


def test_the_same_search_is_answered_from_the_cache(client, make_producer, make_listing, monkeypatch):
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    calls = _count_searches(monkeypatch)
    first = client.get("/produce/?q=脐橙")
    second = client.get("/produce/?q=脐橙")
    assert _cards(first) == _cards(second) == 1
    assert len(calls) == 1
    client.get("/produce/?q=脐橙&page=2")
    client.get("/produce/?q=苹果")
    assert len(calls) == 3  # another page or another query is another entry


def test_a_new_listing_shows_at_once(client, make_producer, make_listing):
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    assert _cards(client.get("/produce/?q=脐橙")) == 1
    make_listing(user, product="赣南脐橙", variety="伦晚")
    assert _cards(client.get("/produce/?q=脐橙")) == 2


def test_a_write_by_statement_ends_the_cached_results(client, make_producer, make_listing):
    """Bulk UPDATEs (expiry, imports) bypass the ORM's unit of work; they must end the cached results too."""
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    assert _cards(client.get("/produce/?q=脐橙")) == 1
    db.session.execute(sa.update(Listing).values(status="paused"))
    db.session.commit()
    assert _cards(client.get("/produce/?q=脐橙")) == 0


def test_a_rolled_back_write_keeps_the_cache(client, make_producer, make_listing, monkeypatch):
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    client.get("/produce/?q=脐橙")
    calls = _count_searches(monkeypatch)
    db.session.execute(sa.update(Listing).values(status="paused"))
    db.session.rollback()
    assert _cards(client.get("/produce/?q=脐橙")) == 1
    assert calls == []


def test_each_language_has_its_own_results(client, make_producer, make_listing):
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙", price="")
    chinese = client.get("/produce/?q=脐橙").get_data(as_text=True)
    client.set_cookie(LOCALE_COOKIE, "en")
    english = client.get("/produce/?q=脐橙").get_data(as_text=True)
    assert "价格面议" in chinese
    assert "Price negotiable" in english and "价格面议" not in english


def test_unknown_parameters_are_not_cached(client, make_producer, make_listing, monkeypatch):
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    calls = _count_searches(monkeypatch)
    for n in range(3):
        client.get(f"/produce/?q=脐橙&utm={n}")
    client.get("/produce/?q=脐橙&utm=0")
    assert len(calls) == 4


def test_a_failing_cache_still_answers(client, make_producer, make_listing, monkeypatch):
    from core.cache import cache

    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")

    def down(*_args, **_kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "get_many", "set"):
        monkeypatch.setattr(cache, method, down)
    response = client.get("/produce/?q=脐橙")
    assert response.status_code == 200 and _cards(response) == 1


def test_timeout_zero_turns_the_cache_off(app, client, make_producer, make_listing, monkeypatch):
    app.config["FRAGMENT_CACHE_SECONDS"] = 0
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    calls = _count_searches(monkeypatch)
    client.get("/produce/?q=脐橙")
    client.get("/produce/?q=脐橙")
    assert len(calls) == 2


def test_results_are_escaped_when_served_from_the_cache(client, make_producer, make_listing):
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙", variety="<script>alert(1)</script>")
    for _ in range(2):
        page = client.get("/produce/?q=脐橙").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_with_redis_a_write_in_one_worker_ends_the_results_in_another(app, app_config, client, make_producer,
                                                                       make_listing):
    """Two app instances stand for two gunicorn workers sharing Redis: the second must not serve the results it
    cached before the first committed a new listing."""
    import pytest

    from core import create_app

    if not app.config.get("REDIS_URL"):
        pytest.skip("needs TEST_REDIS_URL: without Redis each worker keeps its own cache (stale up to the timeout)")
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    other_worker = create_app(app_config)
    with other_worker.app_context():
        assert _cards(other_worker.test_client().get("/produce/?q=脐橙")) == 1
    make_listing(user, product="赣南脐橙", variety="伦晚")
    with other_worker.app_context():
        assert _cards(other_worker.test_client().get("/produce/?q=脐橙")) == 2
        db.session.remove()


def test_a_bulk_insert_on_the_sessions_connection_ends_the_cached_results(client, make_producer, make_listing):
    """The listing import inserts with Core on the session's connection, past the ORM."""
    user, _ = make_producer()
    listing = make_listing(user, product="赣南脐橙")
    assert _cards(client.get("/produce/?q=脐橙")) == 1
    row = {c.name: getattr(listing, c.key) for c in Listing.__table__.columns if c.name != "id"}
    db.session.connection().execute(sa.insert(Listing.__table__), [row])
    db.session.commit()
    assert _cards(client.get("/produce/?q=脐橙")) == 2


def test_a_bulk_import_insert_ends_the_cached_results(client, make_producer, make_listing):
    """core.bulk hands the import's rows straight to the driver, past SQLAlchemy's execute events."""
    from core import bulk

    user, _ = make_producer()
    listing = make_listing(user, product="赣南脐橙")
    assert _cards(client.get("/produce/?q=脐橙")) == 1
    row = {c.key: getattr(listing, c.key) for c in Listing.__table__.columns if c.key != "id"}
    bulk.insert_rows(Listing.__table__, [row])
    db.session.commit()
    assert _cards(client.get("/produce/?q=脐橙")) == 2


def test_with_redis_a_page_served_from_the_cache_costs_one_round_trip(app, client, make_producer, make_listing,
                                                                    monkeypatch):
    """The generation and the entry come back in one MGET."""
    import pytest

    from core.cache import cache

    if not app.config.get("REDIS_URL"):
        pytest.skip("needs TEST_REDIS_URL")
    user, _ = make_producer()
    make_listing(user, product="赣南脐橙")
    client.get("/produce/?q=脐橙")  # rendered and stored
    redis_client, sent = cache.cache._read_client, []
    real = redis_client.execute_command
    monkeypatch.setattr(redis_client, "execute_command", lambda *args, **kw: sent.append(args[0]) or real(*args, **kw))
    calls = _count_searches(monkeypatch)
    assert _cards(client.get("/produce/?q=脐橙")) == 1
    assert calls == [] and sent == ["MGET"]
