"""Uploaded import files kept between the preview and the commit, in the shared upload folder (so any
worker or job can commit what another previewed), under random names.

Only bytes live here: <token>.bin (the upload) and <token>.errors.csv (the check job's row report). Who
uploaded it and how far it got (the claim that lets one job commit it) is the ListingImport row of the same
token (produce/import_jobs.py)."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(token: str, suffix: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise ValueError("not an upload token")
    return _folder() / f"{token}{suffix}"


def save(data: bytes) -> str:
    token = secrets.token_hex(16)
    _path(token, ".bin").write_bytes(data)
    _sweep(_folder())
    return token


def load(token: str) -> bytes | None:
    try:
        return _path(token, ".bin").read_bytes()
    except OSError:
        return None


def save_report(token: str, text: str) -> None:
    _path(token, ".errors.csv").write_text(text, encoding="utf-8")


def report(token: str) -> str | None:
    try:
        return _path(token, ".errors.csv").read_text(encoding="utf-8")
    except OSError:
        return None


def discard_file(token: str) -> None:
    """After a commit: the file goes, the row report stays (the page may still offer it) until the sweep."""
    _path(token, ".bin").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    """Files older than a day go (with them any .json or .commit left by the file claims of old)."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # another worker swept it first
