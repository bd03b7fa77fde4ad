"""Uploaded import files kept between the preview and the commit, in the shared upload folder (so any
worker can commit what another previewed), under random names, readable only by the uploader."""
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


def load(token: str, user_id: int) -> tuple[bytes, str] | None:
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        if meta["user_id"] != user_id or time.time() - meta["at"] > MAX_AGE_SECONDS:
            return None
        return (folder / f"{token}.bin").read_bytes(), meta["filename"]
    except (OSError, ValueError, KeyError):
        return None


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            discard(path.stem)
