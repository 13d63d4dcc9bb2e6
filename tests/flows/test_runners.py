"""The Dask task runner (LocalCluster of 2 worker processes) builds the same warehouse as the default runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows.pipeline import newsetl_pipeline, task_runner_for, uses_cpu_pool
from flows.reporting import open_views
from newsetl.store import Warehouse

# columns that differ between two runs of the same input by design (time and run identity)
VOLATILE = {"run_id", "ingested_at", "quarantined_at", "started_at", "finished_at", "stage_seconds"}


def _contents(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = open_views(Warehouse(warehouse))
    out: dict[str, list[tuple[Any, ...]]] = {}
    names = [r[0] for r in con.sql("select table_name from information_schema.tables order by 1").fetchall()]
    for name in names:
        cols = [r[0] for r in con.sql(
            "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
            params=[name]).fetchall() if r[0] not in VOLATILE]
        sel = ", ".join(f'"{c}"' for c in cols)
        out[name] = sorted(con.sql(f"select {sel} from {name}").fetchall(), key=repr)
    con.close()
    return out


def test_task_runner_choice() -> None:
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(task_runner_for(None, 1), ThreadPoolTaskRunner)
    # several workers by default: thread tasks that hand the CPU work to the forked pool
    assert isinstance(task_runner_for(None, 3), ThreadPoolTaskRunner)
    assert uses_cpu_pool(None, 3) and not uses_cpu_pool(None, 1) and not uses_cpu_pool("dask", 3)
    assert isinstance(task_runner_for("process", 3), ProcessPoolTaskRunner)
    assert isinstance(task_runner_for("thread", 3), ThreadPoolTaskRunner)
    dask = task_runner_for("dask", 2)
    assert isinstance(dask, DaskTaskRunner)
    assert dask.cluster_kwargs["n_workers"] == 2 and dask.cluster_kwargs["processes"] is True


@pytest.mark.slow
def test_dask_runner_builds_the_same_warehouse(prefect_api: None, sample_dir: Path, tmp_path: Path) -> None:
    # batch_size 2: three batches, so the Dask workers really share the batch tasks
    base = newsetl_pipeline(sources=[str(sample_dir)], warehouse=str(tmp_path / "thread"), batch_size=2)
    dask = newsetl_pipeline(sources=[str(sample_dir)], warehouse=str(tmp_path / "dask"), batch_size=2,
                            runner="dask", workers=2)
    assert base["articles_loaded"] == dask["articles_loaded"] == 5
    a, b = _contents(tmp_path / "thread"), _contents(tmp_path / "dask")
    assert sorted(a) == sorted(b)
    assert {"articles", "article_sectors", "sector_daily", "sector_monthly", "duplicates", "quarantine"} <= set(a)
    for name in a:
        assert a[name] == b[name], f"view {name} differs between the thread and the Dask runner"
    assert len(a["articles"]) == 5
