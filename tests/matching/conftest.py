import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching.catalogue import Catalogue  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: slow test")


@pytest.fixture(scope="session")
def catalogue():
    return Catalogue.load()


@pytest.fixture(autouse=True)
def _private_rank_cache(tmp_path, monkeypatch):
    """Each test gets its own rank cache directory (the CLI subprocesses inherit it)."""
    monkeypatch.setenv("MATCHING_CACHE_DIR", str(tmp_path / "rank-cache"))
