"""Shared fixtures: the bundled sample, the optional shared corpora, a quiet environment."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from newsetl.settings import quiet_environment

quiet_environment()
# an unexpected exception while reading a record or file fails the test (a run would quarantine it as
# internal_error); inherited by the `newsetl` subprocesses the tests start
os.environ.setdefault("NEWSETL_STRICT", "1")
# caches newsetl keeps between runs (the Russian term forms) go to a folder of this test session, never
# to the user's cache directory; inherited by the subprocesses too
_CACHE = tempfile.mkdtemp(prefix="newsetl-test-cache-")
os.environ.setdefault("NEWSETL_CACHE_DIR", _CACHE)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "sample"
CORPORA = REPO.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"shared corpora not present at {CORPORA}")
    return CORPORA


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSETL_CONFIG", raising=False)
    monkeypatch.delenv("NEWSETL_WAREHOUSE", raising=False)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


# Property tests are reproducible: the same examples on every machine and run (no example database).
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("newsetl", derandomize=True, database=None, print_blob=True)
_hyp_settings.load_profile("newsetl")


# DuckDB's Python binding (nanobind) prints a "leaked instances" report to stderr at interpreter exit,
# after pytest's summary, burying the closing line CI reads. Leave straight after pytest is done.
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    status = config.stash.get(_EXIT_STATUS, None)
    if status is not None and os.environ.get("NEWSETL_TEST_FAST_EXIT", "1") == "1":
        import sys

        pipeline_flows = sys.modules.get("flows.pipeline")
        pool = getattr(pipeline_flows, "_CPU_POOL", None)
        if pool is not None:  # forked CPU workers of the flow tests: do not leave them orphaned
            pool.shutdown(wait=True, cancel_futures=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


_EXIT_STATUS = pytest.StashKey[int]()
