"""Two warehouses built once per session: the bundled sample, and a corpus with copies across formats."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from newsetl import sql as wsql
from newsetl.run import run_pipeline
from newsetl.settings import load_settings
from newsetl.store import Warehouse
from tests.explain import corpus


def _load(src: Path, wh: Path) -> Path:
    res = run_pipeline([str(src)], load_settings(None, warehouse=str(wh)))
    assert res.quarantined == 0, res
    return wh


@pytest.fixture(scope="session")
def sample_wh(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("explain-sample")
    shutil.copytree(sample_dir, root / "src")
    return _load(root / "src", root / "wh")


@pytest.fixture(scope="session")
def dup_wh(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("explain-dups")
    return _load(corpus.build(sample_dir, root / "src"), root / "wh")


@pytest.fixture(params=["sample", "duplicates"])
def any_wh(request: pytest.FixtureRequest) -> Path:
    return Path(request.getfixturevalue("sample_wh" if request.param == "sample" else "dup_wh"))


@pytest.fixture
def con(any_wh: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = wsql.open_warehouse(Warehouse(any_wh))
    yield c
    c.close()
