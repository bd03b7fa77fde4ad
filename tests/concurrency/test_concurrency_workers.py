"""Several gunicorn workers, one database: shared login throttling, no "database is locked"."""
import concurrent.futures
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from livesrv import flask, gunicorn

pytestmark = [pytest.mark.concurrency, pytest.mark.slow]


class Browser:
    """A cookie-keeping HTTP client that fills in the CSRF token like a real form post."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path))

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        _status, page = self.get(path)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _pids_that_served(access_log, path):
    return {line.split()[0] for line in access_log.read_text().splitlines() if f"POST {path} " in line}


def test_failed_logins_are_counted_across_workers(tmp_path):
    with gunicorn(tmp_path, workers=2) as (base_url, env, access_log):
        flask(env, "users", "create", "victim@example.com", "--role", "buyer", "--password", "the right passphrase")
        def attempt(password):
            return Browser(base_url).post_form("/login", {"email": "victim@example.com", "password": password})[0]

        # Sent at once, so both sync workers are busy and each takes a share of the failures.
        with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
            statuses = list(pool.map(attempt, ["wrong!"] * 5))
        assert statuses == [200] * 5
        # The correct password is now refused whichever worker answers: the count is shared.
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(attempt, ["the right passphrase"] * 8)) == [429] * 8
        assert len(_pids_that_served(access_log, "/login")) == 2, "both workers must have taken part"


def test_concurrent_writes_that_read_first_never_hit_database_locked(tmp_path):
    with gunicorn(tmp_path, workers=4) as (base_url, _env, access_log):
        def register(n):
            return Browser(base_url).post_form("/register", {
                "email": f"farmer{n}@example.com", "display_name": f"农户{n}", "role": "producer",
                "producer_kind": "farmer", "password": "a long enough passphrase",
                "confirm": "a long enough passphrase"})[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(register, range(48)))
        assert statuses == [302] * 48
        # A second wave for the same e-mails reads, finds them taken, and answers with a form error.
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(register, range(16)))
        assert statuses == [200] * 16
        assert len(_pids_that_served(access_log, "/register")) >= 2
        errors = (tmp_path / "gunicorn.err").read_text()
        assert "database is locked" not in errors and '"level": "ERROR"' not in errors
