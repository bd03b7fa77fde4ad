"""Password hashing (argon2id) and the strength rules shared by every form and the CLI."""
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 256  # long passphrases are welcome; the cap only stops hashing megabytes


@cache
def _hasher(profile: str) -> PasswordHasher:
    if profile == "fast-insecure-for-tests":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()  # argon2id with the library's current recommended costs


def hasher() -> PasswordHasher:
    return _hasher(current_app.config["ARGON2_PROFILE"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("no-such-account")


def verify_nothing(password: str) -> None:
    """Spends the time of one verification, so unknown accounts answer as slowly as known ones."""
    verify_password(_dummy_hash(current_app.config["ARGON2_PROFILE"]), password)


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    # 30,000 most common leaked passwords (zxcvbn's list) plus ones common in Chinese leaks.
    chinese = {"woaini1314", "woaini520", "5201314", "1314520", "qq123456", "aa123456", "zhang123",
               "a123456789", "wang1234", "iloveyou1", "88888888", "66666666", "11223344", "123qwe123"}
    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(chinese)


def password_problems(password: str, email: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common_passwords():
        problems.append(_("This password is too common. Choose another."))
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and lowered == local_part:
        problems.append(_("The password must not be your e-mail name."))
    return problems
