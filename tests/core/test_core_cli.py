"""The `flask` admin commands: users create (flags or stdin password) and the idempotent demo set."""
import sqlalchemy as sa

from accounts.models import User
from accounts.passwords import verify_password
from core.db import db


def _user(email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_users_create_an_official_with_region(runner):
    result = runner.invoke(args=["users", "create", "gz@example.com", "--role", "official",
                                 "--password", "official passphrase", "--region", "360700"])
    assert result.exit_code == 0, result.output
    user = _user("gz@example.com")
    assert user.role == "official" and user.region_code == "360700"
    assert verify_password(user.password_hash, "official passphrase")


def test_users_create_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "coop@example.com", "--role", "producer",
                                 "--kind", "cooperative"], input="piped secret passphrase\n")
    assert result.exit_code == 0, result.output
    user = _user("coop@example.com")
    assert user.producer_kind == "cooperative"
    assert verify_password(user.password_hash, "piped secret passphrase")


def test_users_create_with_dash_reads_stdin_too(runner):
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "admin", "--password", "-"],
                           input="admin passphrase 2026\n")
    assert result.exit_code == 0 and _user("a@example.com").role == "admin"


def test_users_create_rejects_bad_input_and_writes_nothing(runner):
    cases = [
        (["--role", "official", "--password", "official passphrase", "--region", "999999"], "region_code"),
        (["--role", "official", "--password", "official passphrase"], "region_code"),
        (["--role", "producer", "--password", "farmer passphrase"], "producer_kind"),
        (["--role", "buyer", "--password", "123456"], "password"),
        (["--role", "emperor", "--password", "long enough passphrase"], "Invalid value"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", "bad@example.com", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert _user("bad@example.com") is None


def test_users_create_refuses_a_duplicate(runner, make_user):
    make_user("buyer", email="dup@example.com")
    result = runner.invoke(args=["users", "create", "DUP@example.com", "--role", "buyer",
                                 "--password", "another long passphrase"])
    assert result.exit_code != 0 and "email" in result.output


def _row_counts():
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_demo_is_idempotent_and_covers_every_role(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    counts = _row_counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _row_counts() == counts
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == {"producer", "buyer", "official", "admin"}
