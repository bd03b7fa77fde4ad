"""Configuration: defaults, then instance/config.py, then the environment, then test overrides."""
import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "development", "test", "password"}
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The app refuses to start with this configuration."""


DEFAULTS = {
    "APP_ENV": "development",
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "REDIS_URL": None,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "UPLOAD_MAX_IMAGE_BYTES": 8 * 1024 * 1024,
    "UPLOAD_MAX_IMPORT_BYTES": 20 * 1024 * 1024,
    # XLSX imports (core/spreadsheets.py): a 100,000-row, 15-column sheet inflates to about 75 MB in 9 parts
    "SPREADSHEET_MAX_MEMBERS": 500,
    "SPREADSHEET_MAX_MEMBER_BYTES": 256 * 1024 * 1024,
    "SPREADSHEET_MAX_TOTAL_BYTES": 400 * 1024 * 1024,
    "SPREADSHEET_MAX_RATIO": 200,  # inflated / compressed, for members over 1 MB; real sheets are 5-30
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_CN", "en"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "hl_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_NAME": "hl_remember",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_LOCK_SECONDS": 15 * 60,
    "ARGON2_PROFILE": "default",
    "JOBS_INLINE": None,  # None: in-process unless REDIS_URL is set
    "PAGE_SIZE": 20,
    # Public fragments (search results) are cached this long at most; 0 turns the cache off (core/cache.py).
    "FRAGMENT_CACHE_SECONDS": 30,
    "CACHE_KEY_PREFIX": "hl:",
    # A worker rereads the catalogue's version row at most this often: another worker's edit shows this late.
    "CATALOGUE_CHECK_SECONDS": 1.0,
}

ENV_KEYS = ("APP_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "UPLOAD_FOLDER", "ARGON2_PROFILE")


def _instance_secret(instance_path: Path) -> str:
    """The embedded default keeps one strong generated secret in instance/secret_key."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def secret_is_weak(secret: str | None) -> bool:
    return not secret or len(secret) < MIN_SECRET_LENGTH or secret.lower() in WEAK_SECRETS


def load_config(app, overrides: dict | None = None) -> None:
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(DEFAULTS)
    app.config.from_pyfile(str(instance_path / "config.py"), silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("JOBS_INLINE"):  # "1": jobs run in the web process even when REDIS_URL is set
        app.config["JOBS_INLINE"] = os.environ["JOBS_INLINE"].lower() in ("1", "true", "yes", "on")
    app.config.update(overrides or {})

    database_url = app.config.get("DATABASE_URL") or f"sqlite:///{instance_path / 'harvestlink.db'}"
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", _normalise_database_url(database_url))
    app.config.setdefault("UPLOAD_FOLDER", str(instance_path / "uploads"))
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    _check_secret(app, instance_path)
    production = app.config["APP_ENV"] == "production"
    app.config["SESSION_COOKIE_SECURE"] = production
    app.config["REMEMBER_COOKIE_SECURE"] = production
    if app.config["JOBS_INLINE"] is None:
        app.config["JOBS_INLINE"] = not app.config["REDIS_URL"]


def _normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; plain postgresql:// URLs would ask for psycopg2.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _check_secret(app, instance_path: Path) -> None:
    if app.config["APP_ENV"] == "production":
        if secret_is_weak(app.config.get("SECRET_KEY")):
            raise ConfigError(
                f"SECRET_KEY is missing or weak: production needs at least {MIN_SECRET_LENGTH} random characters"
            )
        if app.config["ARGON2_PROFILE"] != "default":
            raise ConfigError("ARGON2_PROFILE must be 'default' in production")
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance_path)
