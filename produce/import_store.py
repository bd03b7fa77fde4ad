"""Uploaded import files kept between the preview and the commit, in the shared upload folder (so any
worker or job can commit what another previewed), under random names, readable only by the uploader.

Beside the file: <token>.json (uploader, name, the ids of the check and commit jobs), <token>.errors.csv
(the check job's row report) and <token>.commit, created exclusively by the one request that may commit."""
from __future__ import annotations

import json
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


def save(data: bytes, filename: str, user_id: int) -> str:
    token = secrets.token_hex(16)
    folder = _folder()
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"user_id": user_id, "filename": filename[:200], "at": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    _sweep(folder)
    return token


def meta(token: str, user_id: int) -> dict | None:
    """The upload's metadata, only for its uploader and while it is kept."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        found = json.loads((_folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if found.get("user_id") != user_id or time.time() - found.get("at", 0) > MAX_AGE_SECONDS:
        return None
    return found


def update_meta(token: str, **values) -> None:
    """Records job ids beside the upload (only requests write the metadata, never the jobs)."""
    path = _folder() / f"{token}.json"
    found = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**found, **values}), encoding="utf-8")


def load(token: str, user_id: int) -> tuple[bytes, str] | None:
    found = meta(token, user_id)
    if found is None:
        return None
    try:
        return (_folder() / f"{token}.bin").read_bytes(), found["filename"]
    except (OSError, KeyError):
        return None


def save_report(token: str, text: str) -> None:
    (_folder() / f"{token}.errors.csv").write_text(text, encoding="utf-8")


def report(token: str) -> str | None:
    try:
        return (_folder() / f"{token}.errors.csv").read_text(encoding="utf-8")
    except OSError:
        return None


def claim_commit(token: str) -> bool:
    """True for the one caller that may commit this upload (an exclusive create works across workers)."""
    try:
        (_folder() / f"{token}.commit").touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def release_commit(token: str) -> None:
    """After a refused or failed commit: the upload may be committed again."""
    (_folder() / f"{token}.commit").unlink(missing_ok=True)


def discard_file(token: str) -> None:
    """After a commit: the file goes, the metadata stays (the page shows the outcome) until the sweep."""
    (_folder() / f"{token}.bin").unlink(missing_ok=True)


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in (".bin", ".json", ".errors.csv", ".commit"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            discard(path.stem)
