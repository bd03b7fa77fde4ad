import multiprocessing

import pytest

from matching import parallel

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")


@needs_fork
@pytest.mark.parametrize(("load", "expected"), [(0.0, 2), (1.2, 2), (1.6, 1), (8.0, 1)])
def test_workers_follow_the_spare_cores(monkeypatch, load, expected):
    monkeypatch.delenv("MATCHING_WORKERS", raising=False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (load, load, load))
    assert parallel.workers() == expected


@needs_fork
def test_the_environment_overrides_the_load(monkeypatch):
    monkeypatch.setenv("MATCHING_WORKERS", "2")
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert parallel.workers() == 2


def test_run_gives_the_results_in_task_order():
    def square(k):
        return parallel.shared()["base"] + k * k
    assert parallel.run(square, [3, 1, 2], {"base": 10}, processes=1) == [19, 11, 14]
