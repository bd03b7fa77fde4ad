"""Every route of the URL map, as anonymous and as each role, with GET and each state-changing method,
aimed at records owned by somebody else: never a 5xx, only an allowed answer, and a refusal changes no row.

The routes come from app.url_map and the record ids from the demo data set (every package's demo.py), so a
feature package merged later is walked without editing this module.
"""
import pytest
from helpers import login
from probes import REFUSALS, STATE_CHANGING, changed_tables, offsite, route_targets, rule_key, snapshot

pytestmark = pytest.mark.slow

ROLES = ("anonymous", "producer", "buyer", "official", "admin")
# Signing out ends the walking session; it is walked anonymously (and covered by tests/accounts).
SESSION_ENDING = {"accounts.logout"}


@pytest.fixture
def world(app, runner, make_user):
    """One fresh user per role (official scoped to 360000), then the demo set owned by other users."""
    users = {role: make_user(role) for role in ROLES[1:]}
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return users


def _signed_in(app, user):
    client = app.test_client()
    if user is not None:
        assert login(client, user).status_code == 302
    return client


def _allowed(status: int, method: str, url: str) -> bool:
    if 200 <= status < 400 or status in REFUSALS:
        return True
    # 400 is the answer to a malformed request: an empty form posted where fields are required.
    return status == 400 and (method in STATE_CHANGING or url.startswith("/api/"))


def test_every_route_as_every_role_answers_safely(app, world):
    targets = route_targets(app, _signed_in(app, world["admin"]))
    walked_rules = {rule_key(rule) for rule, _url, _method in targets}
    rules = {rule_key(r) for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert walked_rules == rules, f"rules without a URL to walk: {sorted(rules - walked_rules)}"
    problems = []
    for role in ROLES:
        client = _signed_in(app, world.get(role))
        before = snapshot()  # after signing in, which records the sign-in time
        for rule, url, method in targets:
            if role != "anonymous" and rule.endpoint in SESSION_ENDING:
                continue
            found, before = _probe(client, role, url, method, before)
            problems.extend(found)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _probe(client, role: str, url: str, method: str, before: dict) -> tuple[list[str], dict]:
    """The problems of one request, and the tables after it (the next request's "before")."""
    response = client.open(url, method=method, data={} if method in STATE_CHANGING else None)
    status, where = response.status_code, f"{role:9} {method:6} {url}"
    problems = []
    if not _allowed(status, method, url):
        problems.append(f"{where} -> {status} {response.get_data(as_text=True)[:160]!r}")
    if 300 <= status < 400 and offsite(response.headers.get("Location", "")):
        problems.append(f"{where} -> redirects off-site to {response.headers['Location']}")
    after = snapshot()
    if status >= 400 and changed_tables(before, after):
        problems.append(f"{where} -> {status} but changed {changed_tables(before, after)}")
    return problems, after


def test_the_walk_reaches_records_of_other_owners(app, world):
    """The walk is only worth something if object routes get real ids: check a few shapes are found."""
    targets = route_targets(app, _signed_in(app, world["admin"]))
    with_ids = [url for rule, url, _m in targets if any(a.endswith("_id") for a in rule.arguments)]
    assert with_ids, "no object route was walked"
    missing = [url for url in with_ids if "987654" in url]
    assert len(missing) < len(with_ids), "every object URL pointed at a missing record"


def test_the_snapshot_notices_an_insert_an_update_and_a_delete(app, make_user):
    """The walkers' "nothing changed" proof is only as good as the digest (computed by the server on
    PostgreSQL): a one-field update that keeps the row count must show."""
    from core.db import db

    user = make_user("buyer")
    before = snapshot()
    user.display_name = user.display_name + "x"
    db.session.commit()
    after_update = snapshot()
    assert changed_tables(before, after_update) == ["users"]
    other = make_user("producer")
    after_insert = snapshot()
    assert "users" in changed_tables(after_update, after_insert)
    db.session.delete(other)
    db.session.commit()
    assert "users" in changed_tables(after_insert, snapshot())
    assert changed_tables(snapshot(), snapshot()) == []
