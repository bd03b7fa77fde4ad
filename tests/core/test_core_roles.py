"""Role-restricted routes, for every role and for anonymous visitors."""
import pytest
import sqlalchemy as sa

from accounts.models import User
from core.db import db

ROLES = ["anonymous", "producer", "buyer", "official", "admin"]
# (method, path, roles allowed). Feature packages add theirs in their own test modules.
RESTRICTED = [
    ("GET", "/admin/users", {"admin"}),
    ("POST", "/admin/users/{target}/password", {"admin"}),
    ("POST", "/admin/users/{target}/active", {"admin"}),
    ("GET", "/account", {"producer", "buyer", "official", "admin"}),
    ("GET", "/notifications", {"producer", "buyer", "official", "admin"}),
    ("POST", "/logout", {"producer", "buyer", "official", "admin"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,allowed", RESTRICTED)
def test_role_restricted_route(client, login_as, make_user, role, method, path, allowed):
    target = make_user("producer", email="target@example.com")
    before = (target.password_hash, target.active, target.session_nonce)
    if role != "anonymous":
        login_as(role)
    response = client.open(path.format(target=target.id), method=method,
                           data={"password": "a fresh passphrase 99", "active": "0"})
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"]
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    if role != "admin":  # a refusal changes nothing
        db.session.expire_all()
        again = db.session.scalar(sa.select(User).where(User.email == "target@example.com"))
        assert (again.password_hash, again.active, again.session_nonce) == before
