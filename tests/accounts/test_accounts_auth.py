"""Every auth flow: register, sign in and out, passwords, sessions, throttling, redirects."""
import time

import pytest
import sqlalchemy as sa
from helpers import TEST_PASSWORD, login

from accounts.models import User
from core.audit import AuditLog
from core.db import db


def register(client, **overrides):
    data = {"email": "new.farmer@example.com", "display_name": "王大伯", "role": "producer",
            "producer_kind": "cooperative", "password": "a long enough passphrase", "confirm":
            "a long enough passphrase", "phone": ""}
    data.update(overrides)
    return client.post("/register", data=data)


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_register_creates_a_producer_and_signs_in(client):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.farmer@example.com"))
    assert user.role == "producer" and user.producer_kind == "cooperative"
    assert user.password_hash.startswith("$argon2id$")
    assert "王大伯" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("overrides,field_message", [
    ({"password": "short1", "confirm": "short1"}, "至少使用 8 个字符"),
    ({"password": "password123", "confirm": "password123"}, "该密码过于常见"),
    ({"password": "woaini1314", "confirm": "woaini1314"}, "该密码过于常见"),
    ({"confirm": "something else entirely"}, "两次输入的密码不一致"),
    ({"producer_kind": ""}, "请选择生产者类型"),
    ({"email": "not-an-email"}, "Email"),
    ({"role": "admin"}, "不是有效的选择"),
    ({"display_name": ""}, "该字段是必填字段"),
])
def test_register_rejects_bad_input_with_field_errors(client, overrides, field_message):
    response = register(client, **overrides)
    assert response.status_code == 200
    assert field_message in response.get_data(as_text=True)
    assert user_count() == 0


def test_register_refuses_a_taken_email_case_insensitively(client, make_user):
    make_user("buyer", email="taken@example.com")
    response = register(client, email="Taken@Example.com")
    assert "该邮箱已注册" in response.get_data(as_text=True)
    assert user_count() == 1


def test_long_passphrase_is_accepted(client):
    phrase = "我家的橙子在兴国县的山坡上晒太阳 " * 6
    assert register(client, password=phrase, confirm=phrase).status_code == 302


def test_login_with_wrong_password_fails_without_saying_which_part(client, make_user):
    user = make_user("buyer")
    body = login(client, user, "wrong password here").get_data(as_text=True)
    assert "邮箱或密码错误" in body
    assert login(client, "nobody@example.com", "wrong password here").get_data(as_text=True).count("邮箱或密码错误") == 1


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user("buyer")
    user.active = False
    db.session.commit()
    assert login(client, user).status_code == 200


def test_login_renews_the_session(client, make_user):
    user = make_user("buyer")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    assert login(client, user).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


def test_cookie_captured_before_logout_is_refused_after(app, client, make_user):
    user = make_user("buyer")
    login(client, user)
    stolen = client.get_cookie("hl_session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("hl_session", stolen)
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_signs_out_other_sessions_and_remember_cookies(app, client, make_user):
    user = make_user("buyer")
    other_device = app.test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    remember = client.get_cookie("hl_remember").value
    login(other_device, user)
    assert other_device.get("/account").status_code == 200

    remembered = app.test_client()
    remembered.set_cookie("hl_remember", remember)
    assert remembered.get("/account").status_code == 200  # the remember cookie works...

    response = client.post("/account", data={"current_password": TEST_PASSWORD, "password": "a brand new passphrase",
                                             "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this device stays signed in
    assert other_device.get("/account").status_code == 302
    stale = app.test_client()
    stale.set_cookie("hl_remember", remember)
    assert stale.get("/account").status_code == 302  # ...until the password changes
    assert login(app.test_client(), user, "a brand new passphrase").status_code == 302


def test_password_change_needs_the_current_password(client, login_as):
    login_as("producer")
    response = client.post("/account", data={"current_password": "not it at all", "password": "another passphrase",
                                             "confirm": "another passphrase"})
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_admin_resets_a_password_and_it_is_audited(app, client, login_as, make_user):
    admin = login_as("admin")
    farmer = make_user("producer")
    farmer_client = app.test_client()
    login(farmer_client, farmer)
    response = client.post(f"/admin/users/{farmer.id}/password", data={"password": "reset by the admin 2026"})
    assert response.status_code == 302
    assert farmer_client.get("/account").status_code == 302  # old sessions end
    assert login(app.test_client(), farmer, "reset by the admin 2026").status_code == 302
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.password_reset"))
    assert entry.actor_id == admin.id and entry.object_id == str(farmer.id)


def test_admin_reset_refuses_a_weak_password(client, login_as, make_user):
    login_as("admin")
    farmer = make_user("producer")
    before = farmer.password_hash
    client.post(f"/admin/users/{farmer.id}/password", data={"password": "123456"})
    db.session.refresh(farmer)
    assert farmer.password_hash == before


def test_admin_creates_an_official_with_a_region(client, login_as):
    login_as("admin")
    response = client.post("/admin/users", data={"email": "gz@example.com", "display_name": "赣州", "role": "official",
                                                  "region_code": "360700", "password": "official passphrase 1"})
    assert response.status_code == 302
    official = db.session.scalar(sa.select(User).where(User.email == "gz@example.com"))
    assert official.region_code == "360700"


@pytest.mark.parametrize("region,message", [("", "主管部门用户需要指定管辖区域"), ("999999", "未知的行政区划代码")])
def test_admin_cannot_create_an_official_without_a_valid_region(client, login_as, region, message):
    login_as("admin")
    response = client.post("/admin/users", data={"email": "x@example.com", "display_name": "x", "role": "official",
                                                  "region_code": region, "password": "official passphrase 1"})
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.com")) is None


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com",
                                    "javascript:alert(1)", "http:/evil.example.com", " //evil.example.com"])
def test_login_never_redirects_off_site(client, make_user, target):
    user = make_user("buyer")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(client, make_user):
    user = make_user("buyer")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "next": "/account?tab=1"})
    assert response.headers["Location"] == "/account?tab=1"


def test_account_lock_after_repeated_failures_and_it_expires(app, client, make_user):
    app.config["LOGIN_LOCK_SECONDS"] = 1
    user = make_user("buyer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert login(client, user, "wrong password!").status_code == 200
    locked = login(client, user)  # even the right password is refused while locked
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.get_data(as_text=True)
    time.sleep(1.3)
    assert login(client, user).status_code == 302


def test_address_lock_covers_many_accounts(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    victim = make_user("buyer")
    for n in range(4):
        login(client, f"guess{n}@example.com", "wrong password!")
    assert login(client, victim).status_code == 429
    other_address = app.test_client()
    response = other_address.post("/login", data={"email": victim.email, "password": TEST_PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 302


def test_a_success_clears_the_account_counter(app, client, make_user):
    user = make_user("buyer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        login(client, user, "wrong password!")
    assert login(client, user).status_code == 302
    client.post("/logout")
    assert login(client, user, "wrong password!").status_code == 200
    assert login(client, user).status_code == 302


def test_logout_needs_post(client, login_as):
    login_as("buyer")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_language_switch_sticks_and_rejects_unknown(client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
    assert "<h1>Sign in</h1>" in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"language": "zh_CN"})
    assert "<h1>登录</h1>" in client.get("/login").get_data(as_text=True)
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    assert client.post("/language", data={"language": "en", "next": "https://evil.example.com"}).headers[
        "Location"] == "/"
