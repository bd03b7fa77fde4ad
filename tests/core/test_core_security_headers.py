"""Security headers on every response: pages, errors, static files; error pages without tracebacks."""
import pytest

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.fixture
def boom_client(app):
    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    return app.test_client()


def assert_security_headers(response):
    for header, value in REQUIRED.items():
        assert response.headers.get(header) == value, header
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


@pytest.mark.parametrize("path,status", [("/", 200), ("/no-such-page", 404), ("/static/css/app.css", 200),
                                         ("/static/no-such-file.js", 404), ("/boom", 500)])
def test_headers_on_every_kind_of_response(boom_client, path, status):
    response = boom_client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://harvestlink.example.com")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_server_error_page_hides_the_traceback(boom_client):
    response = boom_client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "系统出错了" in body


def test_api_errors_are_json(boom_client):
    response = boom_client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"
    assert "secret internal detail" not in response.get_data(as_text=True)
    missing = boom_client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_request_id_is_returned_and_echoed_when_sane(client):
    assert len(client.get("/").headers["X-Request-ID"]) == 16
    assert client.get("/", headers={"X-Request-ID": "abc123"}).headers["X-Request-ID"] == "abc123"
    assert client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_oversized_request_body_is_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 5000})
    assert response.status_code == 413
    assert_security_headers(response)


def test_database_outage_gives_503_not_500(app, client, monkeypatch):
    import sqlalchemy as sa

    from core.db import db

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    assert client.get("/healthz").status_code == 503
    monkeypatch.setattr(db.session, "scalar", down)
    response = client.post("/login", data={"email": "a@example.com", "password": "whatever-long"})
    assert response.status_code == 503
    assert "服务暂时不可用" in response.get_data(as_text=True)


def test_nul_characters_are_refused_the_same_on_every_database(client):
    assert client.get("/", query_string={"q": "土豆\x00"}).status_code == 400
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "whatever long"})
    assert response.status_code == 400
    api = client.get("/api/v1/regions", query_string={"parent": "\x00"})  # the API names the field instead
    assert api.status_code == 422 and "parent" in str(api.get_json()["error"])
    assert client.get("/", query_string={"q": "土豆"}).status_code == 200
