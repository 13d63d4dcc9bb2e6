"""Editing the taxonomy and re-running only the enrichment."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from newsetl.run import reenrich, run_pipeline
from newsetl.settings import REPO_ROOT, load_settings
from tests.helpers import query


def test_edit_taxonomy_then_reenrich(tmp_path: Path, sample_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(next(sample_dir.glob("004_*")), src / "forum.txt")
    wh = tmp_path / "wh"
    run_pipeline([str(src)], load_settings(None, warehouse=str(wh)))
    assert ("health",) in query(wh, "select sector from article_sectors")

    tax = yaml.safe_load((REPO_ROOT / "config" / "sectors.yaml").read_text())
    tax["sectors"] = [s for s in tax["sectors"] if s["id"] != "health"]
    edited = tmp_path / "sectors.yaml"
    edited.write_text(yaml.safe_dump(tax, allow_unicode=True))
    cfg = tmp_path / "newsetl.yaml"
    cfg.write_text(yaml.safe_dump({"enrich": {"taxonomy": str(edited)}}))

    counts = reenrich(load_settings(str(cfg), warehouse=str(wh)))
    assert counts["articles"] == 1
    sectors = {r[0] for r in query(wh, "select sector from article_sectors")}
    assert "health" not in sectors
    assert {"defence_military", "energy", "transport_infrastructure"} <= sectors
    # the marts were rebuilt with the new tags
    assert query(wh, "select count(*) from sector_monthly where sector = 'health'") == [(0,)]
    assert query(wh, "select count(*) from articles") == [(1,)]


def test_enrich_retags_a_warehouse_written_before_tagged_rank_is_primary(tmp_path: Path, sample_dir: Path) -> None:
    """A warehouse whose article_sectors files predate tagged/rank/is_primary opens (the views read the
    missing columns as NULL, every old row counted as a tag) and `newsetl enrich` re-tags it whole."""
    import pyarrow.parquet as pq

    from newsetl.store import Warehouse

    src = tmp_path / "src"
    src.mkdir()
    for f in sorted(sample_dir.glob("00[0-2]_*")):
        shutil.copy(f, src / f.name)
    wh = tmp_path / "wh"
    settings = load_settings(None, warehouse=str(wh))
    run_pipeline([str(src)], settings)
    fresh = query(wh, "select article_id, sector, rank, is_primary from article_sectors order by 1, 2")
    assert fresh and all(r[2] is not None for r in fresh)

    # rewrite the live files as the old writer stored them: tags only, without the three columns
    files = Warehouse(wh).files("article_sectors")
    assert files
    for f in files:
        t = pq.read_table(f)
        t = t.filter(t["tagged"]).drop_columns(["tagged", "rank", "is_primary"])
        pq.write_table(t, f)
    old = query(wh, "select article_id, sector, rank, is_primary from article_sectors order by 1, 2")
    assert [(a, s) for a, s, _, _ in old] == [(a, s) for a, s, _, _ in fresh]
    assert {(r, p) for _, _, r, p in old} == {(None, None)}
    assert query(wh, "select count(*) from article_sector_candidates where not tagged") == [(0,)]
    by_month = "select sector, sum(articles) from sector_monthly group by 1 order by 1"
    assert query(wh, by_month)  # the marts still read

    counts = reenrich(settings)
    assert counts["articles"] == 3
    assert query(wh, "select article_id, sector, rank, is_primary from article_sectors order by 1, 2") == fresh
    assert query(wh, "select count(*) from article_sector_candidates where rank is null or tagged is null") == [(0,)]
