"""Security headers on every response and safe redirects."""
from urllib.parse import urlsplit

from flask import abort, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def safe_next_url(target: str | None) -> str | None:
    """Only a local path may follow login: no scheme, no host, no protocol-relative //."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def refuse_nul_bytes():
    """A NUL character is never meaningful in a query or a form field, and PostgreSQL refuses it in any
    string (SQLite stores it): refusing it here gives both databases the same clear 400, not a 500.
    The API validates its own input and answers 422 naming the field, as its spec documents."""
    if request.path.startswith("/api/"):
        return
    for values in (request.args, request.form):
        if any("\x00" in value for _key, items in values.lists() for value in items):
            abort(400, description="NUL characters are not allowed in a request.")
