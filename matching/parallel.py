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
    """Processes to rank with: MATCHING_WORKERS when set, else the cores the machine has
    spare. On a shared machine whose cores are already busy (load average >= cores) forking
    measured worse than one process: on this 2-core machine at load 8-10, `allocate` took
    5.5 s CPU / 11.9-14.3 s wall with 2 workers against 4.6 s / 10.2-13.4 s with 1, because
    the workers get no more CPU than one process would and the split costs extra work."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("MATCHING_WORKERS")
    if wanted:
        return max(1, int(wanted))
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # not available on this platform
        busy = 0.0
    spare = cores - busy + 1  # + 1: this process is part of the load it reads
    return max(1, min(2, cores, int(spare + 0.5)))


def run(func, tasks: list, shared: dict, processes: int | None = None):
    """[func(task) for task in tasks] in forked processes (`processes`, default workers());
    `shared` is visible to func through parallel.shared() in the children without being
    pickled."""
    processes = processes or workers()
    if len(tasks) <= 1 or processes <= 1:
        _SHARED.update(shared)
        try:
            return [func(task) for task in tasks]
        finally:
            _SHARED.clear()
    _SHARED.update(shared)
    try:
        with multiprocessing.get_context("fork").Pool(min(processes, len(tasks))) as pool:
            return pool.map(func, tasks, chunksize=1)  # in order, one at a time
    finally:
        _SHARED.clear()


def shared() -> dict:
    return _SHARED
