"""Hostile text in every form a user of each role can reach: XSS probes come back escaped on every page,
SQL-looking and oversized inputs never give a 5xx, and no `next`/redirect parameter leads off the site.

The demo users are used because they have the profiles, organisations and fairs that unlock most forms.
"""
import pytest
import sqlalchemy as sa
from helpers import login
from probes import (
    HUGE_TEXT,
    LONG_NAME,
    REDIRECT_PARAMS,
    REDIRECT_PROBES,
    SQL_PROBES,
    XSS_PROBES,
    crawl,
    fill_form,
    forms_of,
    is_html,
    offsite,
    raw_probes_in,
    rule_for,
    simple_get_paths,
    submit,
)

from core.db import db
from core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

DEMO_ROLES = {"producer": "farmer@demo.harvestlink.cn", "buyer": "buyer@demo.harvestlink.cn",
              "official": "official.jiangxi@demo.harvestlink.cn", "admin": "admin@demo.harvestlink.cn"}
# Forms that end the probing session or lock its user out; each has its own tests in tests/accounts.
SKIPPED_ENDPOINTS = {"accounts.logout", "accounts.account", "accounts.admin_set_active",
                     "accounts.admin_reset_password"}


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _client(app, role):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, DEMO_ROLES[role], DEMO_PASSWORD).status_code == 302
    return client


def _probe_forms(app, client, role, texts, problems, serial):
    """Submits every reachable form once per (text, everywhere) and checks each answer."""
    forms = forms_of(app, client)
    print(f"{role}: {len(forms)} distinct forms")
    for page, form in forms:
        rule, _ = rule_for(app, form.action, form.method if form.method != "GET" else "GET")
        if rule is None or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for text, everywhere in texts:
            serial[0] += 1
            response = submit(client, form, fill_form(form, text, everywhere, serial[0]))
            where = f"{role} {form.method} {form.action} (form on {page}) with {text[:40]!r}"
            if response.status_code >= 500:
                problems.append(f"{where} -> {response.status_code}")
            elif is_html(response) and raw_probes_in(response.get_data(as_text=True)):
                problems.append(f"{where} -> the answer shows the probe unescaped")


def _rows_containing(text: str) -> list[str]:
    """Tables holding text somewhere: proof that a probe was stored and so was rendered back later."""
    db.session.rollback()
    found = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
            if columns and conn.execute(sa.select(sa.func.count()).select_from(table).where(
                    sa.or_(*(c.contains(text, autoescape=True) for c in columns)))).scalar_one():
                found.append(table.name)
    return found


def test_xss_probes_in_every_text_field_come_back_escaped(app, demo):
    problems, serial = [], [0]
    texts = [(XSS_PROBES[0], False), (XSS_PROBES[1], False), (XSS_PROBES[1], True)]
    for role in DEMO_ROLES:
        _probe_forms(app, _client(app, role), role, texts, problems, serial)
    stored = _rows_containing("onerror=alert(1)") + _rows_containing("<script>alert(1)</script>")
    assert stored, "no probe was stored: the form filler no longer reaches the forms"
    for role in ("anonymous", *DEMO_ROLES):
        for url, (status, html) in crawl(app, _client(app, role), simple_get_paths(app), limit=300).items():
            if status >= 500:
                problems.append(f"{role} GET {url} -> {status} after the probes were stored")
            elif raw_probes_in(html):
                problems.append(f"{role} GET {url} shows a stored probe unescaped")
    assert not problems, f"{len(problems)} problems (stored in {sorted(set(stored))}):\n" + "\n".join(problems)


def test_sql_looking_and_oversized_inputs_never_give_a_server_error(app, demo):
    problems, serial = [], [0]
    texts = [(SQL_PROBES[0], False), (SQL_PROBES[2], True), (LONG_NAME, False), (HUGE_TEXT, True)]
    for role in DEMO_ROLES:
        _probe_forms(app, _client(app, role), role, texts, problems, serial)
    assert not problems, "\n".join(problems)


def test_query_strings_with_hostile_values_never_break_a_page(app, demo):
    problems = []
    hostile = [*XSS_PROBES, *SQL_PROBES, LONG_NAME, "-1", "0", "99999999999999999999", "\x00", "%00", "中文"]
    client = _client(app, "admin")
    for path in simple_get_paths(app):
        for value in hostile:
            response = client.get(path, query_string={"q": value, "page": value, "sort": value, "region": value,
                                                      "county": value, "category": value, "status": value})
            if response.status_code >= 500:
                problems.append(f"GET {path} with {value[:30]!r} -> {response.status_code}")
            elif is_html(response) and raw_probes_in(response.get_data(as_text=True)):
                problems.append(f"GET {path} with {value[:30]!r} shows the probe unescaped")
    assert not problems, "\n".join(problems)


def test_no_redirect_parameter_leads_off_the_site(app, demo):
    problems = []
    client = _client(app, "producer")
    for path in simple_get_paths(app):
        for name in REDIRECT_PARAMS:
            for probe in REDIRECT_PROBES:
                response = client.get(path, query_string={name: probe})
                if 300 <= response.status_code < 400 and offsite(response.headers["Location"]):
                    problems.append(f"GET {path}?{name}={probe!r} -> {response.headers['Location']}")
    for probe in REDIRECT_PROBES:
        fresh = app.test_client()
        for data in ({"email": DEMO_ROLES["buyer"], "password": DEMO_PASSWORD, "next": probe},):
            response = fresh.post("/login", data=data, query_string={"next": probe})
            if response.status_code != 302 or offsite(response.headers["Location"]):
                problems.append(f"POST /login next={probe!r} -> {response.status_code} {response.location}")
        response = fresh.post("/language", data={"language": "en", "next": probe})
        if offsite(response.headers.get("Location", "/")):
            problems.append(f"POST /language next={probe!r} -> {response.headers['Location']}")
    assert not problems, "\n".join(problems)
