"""Use both cores for ranking big inputs: forked worker processes inherit the loaded catalogue
and the prepared tables (copy-on-write), so only results travel back. Small inputs, platforms without
fork, and workers=1 run in-process (identical results; tests check both paths)."""
from __future__ import annotations

import multiprocessing
import os

# rank in parallel when demands x listings exceeds MIN_CELLS (an environment override exists so
# tests can exercise the parallel path on small inputs)
MIN_CELLS = int(os.environ.get("MATCHING_PARALLEL_MIN_CELLS", "5000000"))
_SHARED: dict = {}


def workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("MATCHING_WORKERS")
    return max(1, int(wanted)) if wanted else min(2, os.cpu_count() or 1)


def run(func, tasks: list, shared: dict):
    """[func(task) for task in tasks] in forked processes; `shared` is visible to func through
    parallel.shared() in the children without being pickled."""
    if len(tasks) <= 1 or workers() <= 1:
        _SHARED.update(shared)
        try:
            return [func(task) for task in tasks]
        finally:
            _SHARED.clear()
    _SHARED.update(shared)
    try:
        with multiprocessing.get_context("fork").Pool(min(workers(), len(tasks))) as pool:
            return pool.map(func, tasks)
    finally:
        _SHARED.clear()


def shared() -> dict:
    return _SHARED
