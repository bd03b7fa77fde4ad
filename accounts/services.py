"""Account writes: creating users, signing in with throttling, passwords, sessions."""
import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts import passwords
from accounts.models import PRODUCER_KINDS, ROLES, User, new_session_nonce
from core import audit, regions, throttle
from core.db import db, utcnow

log = logging.getLogger(__name__)


class AccountError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, password: str, role: str, *, display_name: str = "", producer_kind=None,
                region_code=None, phone=None, actor=None) -> User:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError("role", _("Unknown role."))
    if role == "producer" and producer_kind not in PRODUCER_KINDS:
        raise AccountError("producer_kind", _("Choose the kind of producer."))
    if role != "producer":
        producer_kind = None
    if role == "official" and (not region_code or regions.get(region_code) is None):
        raise AccountError("region_code", _("An official needs a valid region code."))
    if problems := passwords.password_problems(password, email):
        raise AccountError("password", " ".join(problems))
    if find_by_email(email):
        raise AccountError("email", _("An account with this e-mail exists already."))
    user = User(email=email, password_hash=passwords.hash_password(password), role=role,
                display_name=display_name or email.split("@")[0], producer_kind=producer_kind,
                region_code=region_code if role == "official" else None, phone=phone)
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        audit.record("user.create", "user", user.id, after={"email": email, "role": role,
                                                            "region_code": user.region_code}, actor=actor)
    log.info("user %s created with role %s", user.id, role)
    return user


def _limits():
    cfg = current_app.config
    return (throttle.Limit(cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], cfg["LOGIN_LOCK_SECONDS"]),
            throttle.Limit(cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], cfg["LOGIN_LOCK_SECONDS"]))


class LoginLocked(Exception):
    pass


def authenticate(email: str, password: str, address: str | None) -> User | None:
    """The user when the password is right; None when wrong; LoginLocked while throttled."""
    email = email.strip().lower()
    account_limit, address_limit = _limits()
    account_key, address_key = f"login:acct:{email}", f"login:addr:{address or '-'}"
    if throttle.is_locked(account_key, account_limit) or throttle.is_locked(address_key, address_limit):
        raise LoginLocked()
    user = find_by_email(email)
    if user is None:
        passwords.verify_nothing(password)
    if user is None or not user.active or not passwords.verify_password(user.password_hash, password):
        throttle.add_failure(account_key, account_limit)
        throttle.add_failure(address_key, address_limit)
        db.session.commit()
        log.warning("failed login for %s from %s", email, address)
        return None
    throttle.clear(account_key)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Every session and remember-me cookie carries the nonce: a new one refuses them all."""
    user.session_nonce = new_session_nonce()


def change_password(user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError("current_password", _("The current password is wrong."))
    if problems := passwords.password_problems(new, user.email):
        raise AccountError("password", " ".join(problems))
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(user)
    audit.record("user.password_change", "user", user.id, actor=user)
    db.session.commit()


def admin_reset_password(admin: User, user: User, new: str) -> None:
    if problems := passwords.password_problems(new, user.email):
        raise AccountError("password", " ".join(problems))
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(user)
    audit.record("user.password_reset", "user", user.id, actor=admin)
    db.session.commit()


def set_active(admin: User, user: User, active: bool) -> None:
    if user.id == admin.id and not active:
        raise AccountError("active", _("You cannot deactivate yourself."))
    before = {"active": user.active}
    user.active = active
    end_all_sessions(user)
    audit.record("user.activate" if active else "user.deactivate", "user", user.id,
                 before=before, after={"active": active}, actor=admin)
    db.session.commit()
