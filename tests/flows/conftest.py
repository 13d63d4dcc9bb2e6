"""Flows run in-process against a throw-away Prefect API (temporary SQLite database)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def sample_copy(sample_dir: Path, tmp_path: Path) -> Path:
    """The bundled sample in a folder of the test's own (mtimes and contents free to change)."""
    dest = tmp_path / "sample"
    shutil.copytree(sample_dir, dest)
    return dest

