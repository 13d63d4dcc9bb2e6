"""Rebuild re-publishes the marts over the live snapshot without reading any source again."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.pipeline import newsetl_pipeline
from flows.rebuild import newsetl_rebuild
from flows.reporting import open_views
from newsetl.errors import WarehouseError
from newsetl.store import Warehouse


def test_rebuild_republishes_marts(prefect_api: None, sample_copy: Path, tmp_path: Path) -> None:
    wh_dir = tmp_path / "wh"
    newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(wh_dir))
    wh = Warehouse(wh_dir)
    before = wh.snapshot()
    con = open_views(wh)
    marts_before = con.sql("select * from sector_monthly order by all").fetchall()
    (wh_dir / "newsetl.duckdb").unlink()

    out = newsetl_rebuild(warehouse=str(wh_dir), report=False)
    after = wh.snapshot()
    assert int(after.id) == int(before.id) + 1 and out["snapshot_id"] == after.id
    for table in ("articles", "article_sectors", "manifest", "runs"):
        assert after.tables[table] == before.tables[table]  # tables untouched
    assert after.tables["mart:sector_monthly"] != before.tables["mart:sector_monthly"]  # marts re-materialised
    # the old mart file stays for readers of the previous snapshot (store.KEEP_SNAPSHOTS) ...
    assert Path(wh.path(before.tables["mart:sector_monthly"][0])).exists()
    assert (wh_dir / "newsetl.duckdb").exists()
    assert open_views(wh).sql("select * from sector_monthly order by all").fetchall() == marts_before
    assert out["report"] is None


def test_rebuild_of_a_missing_warehouse_says_so(prefect_api: None, tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse"):
        newsetl_rebuild(warehouse=str(tmp_path / "nothing"))
