"""Shared probe data and helpers for the hardening tests: hostile inputs, a form parser and filler,
a crawler that finds real URLs for every rule of the URL map, and table snapshots to prove "nothing changed".

Everything is generic over the URL map and db.metadata, so a feature package merged later is covered
without editing these tests.
"""
import hashlib
import re
import sqlite3
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import sqlalchemy as sa
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from core.db import db

# ------------------------------------------------------------------ hostile inputs
XSS_PROBES = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
SQL_PROBES = ("' OR 1=1 --", "1; DROP TABLE users; --", "%' UNION SELECT email, password_hash FROM users --")
HUGE_TEXT = "x" * (1024 * 1024)  # 1 MB in one text field
LONG_NAME = "丰" * 10_000
REDIRECT_PROBES = ("https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
                   "https:evil.example", "javascript:alert(1)", " //evil.example", "/%2F%2Fevil.example",
                   "http://127.0.0.1@evil.example/", "\t//evil.example")
REDIRECT_PARAMS = ("next", "redirect", "redirect_to", "return", "return_to", "url", "back")
STRONG_PASSWORD = "Probe passphrase 2026 river!"

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSALS = frozenset({401, 403, 404, 405, 409, 422})
SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})

# Names of text fields that validators expect in a particular shape; filling them sensibly lets a form with
# a probe in its free-text fields pass validation, so the probe is stored and shown back to other users.
NUMERIC_HINTS = ("quantity", "price", "amount", "volume", "weight", "year", "min_order", "count", "capacity",
                 "slots", "minutes", "duration", "value", "tons", "kg", "funding", "target", "score", "max", "min")
DATE_HINTS = ("date", "_from", "_to", "_on", "until", "since", "starts", "ends", "deadline")
REGION_HINTS = ("region", "county", "code")
PHONE_HINTS = ("phone", "mobile", "tel")


# ------------------------------------------------------------------ HTML forms
@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    @property
    def file_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind == "file"]

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind in ("text", "textarea", "search", "email", "tel", "url", "")]


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self.links = page_url, [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
            return
        for key in ("href", "src", "action", "data-url", "formaction"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "form":
            self._form = Form(urljoin(self.page_url, a.get("action") or self.page_url),
                              (a.get("method") or "get").upper(), a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            self._form.fields.append(Field(a["name"], (a.get("type") or "text").lower(), a.get("value", ""),
                                           checked="checked" in a))
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "button" and a.get("value"):
            self._form.fields.append(Field(a["name"], "button", a["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(html: str, page_url: str) -> tuple[list[Form], list[str]]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms, parser.links


def _looks(name: str, hints) -> bool:
    name = name.lower()
    return any(h in name for h in hints)


def fill_form(form: Form, text: str, everywhere: bool = False, serial: int = 0) -> dict:
    """Form data with `text` in the free-text fields (in every text field when `everywhere`)."""
    data: dict = {}
    for f in form.fields:
        value = _value_for(f, text, everywhere, serial)
        if value is None:
            continue
        if f.name in data:  # repeated names (checkbox groups) become lists
            previous = data[f.name]
            data[f.name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[f.name] = value
    return data


def _value_for(f: Field, text: str, everywhere: bool, serial: int):
    if f.kind in ("submit", "reset", "image", "file"):
        return None
    if f.kind in ("hidden", "button"):
        return f.value
    if f.kind in ("checkbox", "radio"):
        return f.value or "y" if f.checked or f.kind == "checkbox" else None
    if f.kind == "select":
        return f.value or next((o for o in f.options if o), "")
    if f.kind == "password":
        return STRONG_PASSWORD
    if f.kind == "number":
        return "10"
    if f.kind in ("date", "datetime-local", "time", "month"):
        return {"date": "2026-12-01", "datetime-local": "2026-12-01T10:00", "time": "10:00",
                "month": "2026-12"}[f.kind]
    if f.kind == "email":
        return f"probe{serial}-{abs(hash(text)) % 10**6}@example.com"
    if everywhere:
        return text
    if _looks(f.name, PHONE_HINTS):
        return "13800138000"
    if _looks(f.name, REGION_HINTS):
        return "360732"
    if _looks(f.name, DATE_HINTS):
        return "2026-12-01"
    if _looks(f.name, NUMERIC_HINTS):
        return "10"
    return text


# ------------------------------------------------------------------ URL map
def rule_for(app, url: str, method: str = "GET"):
    """(rule, args) the URL map gives this local URL, or (None, None)."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc not in ("localhost", ""):
        return None, None
    adapter = app.url_map.bind("localhost")
    try:
        rule, args = adapter.match(parts.path, method=method, return_rule=True)
    except (HTTPException, RequestRedirect):
        return None, None
    return rule, args


def rule_key(rule) -> tuple[str, str]:
    return rule.endpoint, rule.rule


def methods_to_probe(rule) -> list[str]:
    return sorted(rule.methods - SKIPPED_METHODS)


def crawl(app, client, start_paths, limit: int = 400, per_rule: int = 2) -> dict:
    """GETs pages breadth-first, at most per_rule pages of one rule; returns {url: (status, html)}."""
    seen, queue, pages, visits = set(), list(start_paths), {}, {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        rule, _args = rule_for(app, url)
        if rule is None or rule.endpoint == "static" or visits.get(rule_key(rule), 0) >= per_rule:
            continue
        visits[rule_key(rule)] = visits.get(rule_key(rule), 0) + 1
        response = client.get(url)
        if not response.mimetype or response.mimetype != "text/html":
            pages[url] = (response.status_code, "")
            continue
        html = response.get_data(as_text=True)
        pages[url] = (response.status_code, html)
        _forms, links = parse_page(html, "http://localhost" + url)
        for link in links:
            target = urljoin("http://localhost" + url, link)
            parts = urlsplit(target)
            if parts.netloc == "localhost" and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def simple_get_paths(app) -> list[str]:
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"})


def samples_by_rule(app, urls) -> dict:
    """{rule: [args, ...]} for every URL (page links and form actions) that the URL map recognises."""
    found: dict = {}
    for url in urls:
        for method in ("GET", "POST"):
            rule, args = rule_for(app, url, method)
            if rule is not None and rule.arguments and args not in found.setdefault(rule_key(rule), []):
                found[rule_key(rule)].append(args)
    return found


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def table_for_argument(argument: str):
    """The table a rule argument such as listing_id or reg_id most likely names (None if unsure)."""
    stem = argument.removesuffix("_id")
    aliases = {"reg": "registration", "org": "buyer_org", "buyer": "buyer_org", "producer": "producer_profile",
               "entry": "merge", "search": "saved_search", "cert": "certification", "token": "token"}
    stem = aliases.get(stem, stem)
    mappers = {_snake(m.class_.__name__): m.local_table for m in db.Model.registry.mappers}
    for test in (lambda n: n == stem, lambda n: n.endswith("_" + stem), lambda n: n.startswith(stem + "_"),
                 lambda n: stem in n):
        matches = sorted(name for name in mappers if test(name))
        if matches:
            return mappers[matches[0]]
    return None


def other_owner_ids(rule) -> dict:
    """Arguments pointing at the newest existing record of each argument's table (demo data, so owned by
    somebody other than the probing user)."""
    args = {}
    for argument in rule.arguments:
        table = table_for_argument(argument) if argument.endswith("_id") else None
        if table is None or "id" not in table.c:
            return {}
        args[argument] = db.session.scalar(sa.select(sa.func.max(table.c.id))) or 1
    return args


def build_url(rule, args: dict) -> str | None:
    """The path of this very rule (not the endpoint's first rule) for args, or None if a converter refuses."""
    try:
        built = rule.build({**(rule.defaults or {}), **args}, append_unknown=False)
    except Exception:  # a converter that rejects the value (e.g. any() lists)
        return None
    return None if built is None else built[1]


def urls_for_rule(app, rule, samples: dict) -> list[str]:
    """A few concrete URLs for a rule: ones seen in pages, one at another owner's newest record, a missing id."""
    if not rule.arguments:
        return [rule.rule]
    candidates = [*samples.get(rule_key(rule), [])[:2], other_owner_ids(rule),
                  {a: 987654 if a.endswith("_id") or a == "id" else "nonexistent" for a in rule.arguments}]
    urls = []
    for args in candidates:
        if set(args) == set(rule.arguments):
            url = build_url(rule, args)
            if url and url not in urls and rule_for(app, url, next(iter(rule.methods - SKIPPED_METHODS)))[0] is rule:
                urls.append(url)
    return urls


def route_targets(app, admin_client) -> list[tuple]:
    """(rule, url, method) for every rule: URLs seen in the admin's pages, another owner's record, a missing id."""
    pages = crawl(app, admin_client, simple_get_paths(app), limit=250)
    urls = set(pages)
    for url, (_status, html) in pages.items():
        forms, links = parse_page(html, "http://localhost" + url)
        urls.update(links)
        urls.update(form.action for form in forms)
    samples = samples_by_rule(app, urls)
    targets = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        for url in urls_for_rule(app, rule, samples):
            targets.extend((rule, url, method) for method in methods_to_probe(rule))
    return targets


def forms_of(app, client, limit: int = 150) -> list[tuple[str, "Form"]]:
    """(page url, form) for each distinct form (by action rule, method and field names) a user can reach."""
    seen, found = set(), []
    for url, (_status, html) in crawl(app, client, simple_get_paths(app), limit=limit).items():
        for form in parse_page(html, "http://localhost" + url)[0]:
            rule, _args = rule_for(app, form.action, form.method if form.method in STATE_CHANGING else "GET")
            key = (rule_key(rule) if rule else form.action, form.method, tuple(sorted(f.name for f in form.fields)))
            if rule is not None and key not in seen:
                seen.add(key)
                found.append((url, form))
    return found


def offsite(location: str) -> bool:
    """True when a Location header would take the browser to another site (or run script)."""
    target = urlsplit(urljoin("http://localhost/", location.strip()))
    return target.scheme not in ("http", "https") or target.netloc != "localhost"


# ------------------------------------------------------------------ database snapshots
def snapshot() -> dict[str, tuple[int, str]]:
    """(row count, digest of every row) per table: any insert, update or delete shows."""
    db.session.rollback()  # do not hold a transaction (outside a request it would take the write lock)
    settle_jobs()
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return _digests_in_postgresql(conn)
        return _digests_in_sqlite(conn)


# One read-only connection per SQLite file, kept to ask whether anything was committed since its last look.
_sqlite_watchers: dict[str, list] = {}


def _digests_in_sqlite(conn) -> dict[str, tuple[int, str]]:
    """Read afresh only when a commit happened since the last snapshot: SQLite's data_version, asked on a
    connection that never writes, changes with every commit made on any other connection. Most walked
    requests are refusals that write nothing, and reading every table after each was the walkers' main cost."""
    path = db.engine.url.database
    watcher = _sqlite_watchers.get(path)
    if watcher is None:
        watcher = _sqlite_watchers[path] = [sqlite3.connect(path, check_same_thread=False), None, None]
    version = watcher[0].execute("PRAGMA data_version").fetchone()[0]
    if version != watcher[1] or watcher[2] is None:
        result = {}
        for table in db.metadata.sorted_tables:
            # Raw rows (no type conversion): the digest only has to notice a difference.
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {_key_order(table)}').fetchall()
            result[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
        watcher[1:] = [version, result]
    return dict(watcher[2])


def _key_order(table, alias: str = "") -> str:
    return ", ".join(f'{alias}"{c.name}"' for c in (table.primary_key.columns or table.columns))


def _digests_in_postgresql(conn) -> dict[str, tuple[int, str]]:
    """The same digest computed by the server in one statement: the walkers take a snapshot per request, and
    one round trip per table made them the slowest tests on PostgreSQL."""
    parts = [f"""SELECT '{table.name}', count(*), md5(coalesce(string_agg(snap_row::text, '|' ORDER BY {_key_order(table, 'snap_row.')}), ''))
                 FROM "{table.name}" snap_row""" for table in db.metadata.sorted_tables]
    return {name: (count, digest) for name, count, digest in conn.exec_driver_sql(" UNION ALL ".join(parts))}


# Counters that exist to count refused requests too (rate limits, failed sign-ins).
BOOKKEEPING_TABLES = frozenset({"api_rate_windows", "throttle_counters"})


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name] and name not in BOOKKEEPING_TABLES)


def settle_jobs(timeout: float = 30.0) -> None:
    """Waits until background jobs (core.jobs threads started by earlier requests) stop writing."""
    table = db.metadata.tables.get("jobs")
    if table is None:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            busy = conn.execute(sa.select(sa.func.count()).select_from(table).where(
                table.c.status.in_(("queued", "running")))).scalar_one()
        if not busy:
            return
        time.sleep(0.05)


# ------------------------------------------------------------------ submitting
def submit(client, form: Form, data: dict, files: dict | None = None, **kwargs):
    path = urlsplit(form.action)
    url = path.path + (f"?{path.query}" if path.query else "")
    if form.method == "GET":
        return client.get(path.path + "?" + urlencode(data, doseq=True), **kwargs)
    payload = dict(data)
    if files:
        payload.update(files)
    return client.open(url, method=form.method if form.method in STATE_CHANGING else "POST", data=payload,
                       **kwargs)


def is_html(response) -> bool:
    return response.mimetype == "text/html"


def raw_probes_in(html: str) -> list[str]:
    return [probe for probe in XSS_PROBES if probe in html]
