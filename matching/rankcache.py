"""On-disk cache of the ranked candidates, so `allocate` run after `rank` on the same files
reuses them instead of ranking again (the CLI's two commands run in separate processes).

The key is a digest of everything the ranking depends on: the bytes of the listings,
demands and catalogue files, `top`, the weights, the source of this package (a changed
scorer never reads an old entry) and the region reference data (poverty counties, old
revolutionary areas, county codes) that the scores read. Rows are indices into the records read from the files,
which the same bytes always give. Entries hold the exact float scores, so allocating from
the cache gives the same output as ranking again. Writing is best effort (a read-only or
missing directory just means no cache); MATCHING_CACHE_DIR chooses the directory.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from . import regions
from .catalogue import DEFAULT_PATH

KEEP = 8  # newest entries kept; one entry is ~16 bytes per candidate (1.6 MB for 100,000)
_PACKAGE = Path(__file__).resolve().parent


def directory() -> Path:
    chosen = os.environ.get("MATCHING_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "harvestlink-matching"


def _source_digest() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


def _reference_files() -> list[Path]:
    """Every file regions.py may read (the first existing of each kind is the one used; all
    candidates are hashed, which is simpler and only stricter)."""
    candidates = sorted((regions.ROOT / "refdata").glob("*.csv"))
    for shared in regions._SHARED:
        candidates += [shared / "poverty_counties_832.csv", shared / "areacodes" / "counties_2024.txt"]
    return [path for path in candidates if path.is_file()]


def key(listings: str, demands: str, catalogue: str | None, top: int, weights: dict) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(_source_digest())
    digest.update(json.dumps([top, sorted(weights.items())]).encode())
    for path in _reference_files():
        digest.update(str(path).encode())
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=20).digest())
    for path in (listings, demands, catalogue or DEFAULT_PATH):
        with open(path, "rb") as fh:
            digest.update(hashlib.blake2b(fh.read(), digest_size=20).digest())
    return digest.hexdigest()


def save(cache_key: str, ranked: list) -> None:
    counts = np.fromiter((len(items) for items in ranked), dtype=np.int64, count=len(ranked))
    listing = np.fromiter((j for items in ranked for _, j, _ in items), dtype=np.int64)
    score = np.fromiter((s for items in ranked for s, _, _ in items), dtype=np.float64)
    try:
        folder = directory()
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as fh:
            np.savez(fh, counts=counts, listing=listing, score=score)
        os.replace(fh.name, folder / f"{cache_key}.npz")
        for old in sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def load(cache_key: str, n_demands: int) -> list | None:
    """[(score, listing_row, None)] per demand row, as rank_tables(reasons="none") gives, or
    None when there is no usable entry."""
    try:
        with np.load(directory() / f"{cache_key}.npz") as data:
            counts, listing, score = data["counts"], data["listing"], data["score"]
    except (OSError, ValueError, KeyError):
        return None
    if len(counts) != n_demands or int(counts.sum()) != len(listing) or len(listing) != len(score):
        return None
    items = list(zip(score.tolist(), listing.tolist(), [None] * len(score), strict=True))
    bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
    return [items[bounds[i]:bounds[i + 1]] for i in range(n_demands)]
