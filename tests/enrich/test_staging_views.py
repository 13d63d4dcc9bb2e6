"""The staging layer decides once which scored sectors count: article_sectors = tagged rows only."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from newsetl import sql as wsql
from newsetl.store import cast_to_schema, write_parquet
from tests.warehouse.tiny import D1, D2, article, rows, tables, views


def test_marts_count_only_tagged_rows_and_candidates_show_all(tmp_path: Path) -> None:
    tbls = tables([article("a#0", D1), article("b#0", D1)], [], [])
    tbls["article_sectors"] = cast_to_schema(pa.table({
        "article_id": ["a#0", "a#0", "b#0"], "sector": ["energy", "trade", "trade"],
        "score": [0.95, 0.31, 0.72], "tagged": [True, False, True], "rank": [1, 2, 1],
        "is_primary": [True, False, True], "mentions": [5, 1, 3], "evidence": ["oil x5", "export x1", "tariff x3"],
        "run_id": ["r1"] * 3, "pub_month": ["2024-03"] * 3,
    }), "article_sectors")  # fmt: skip
    con = views(tmp_path, tbls)
    assert rows(con, "select article_id, sector, rank, is_primary from article_sectors order by 1, 2") == [
        ("a#0", "energy", 1, True), ("b#0", "trade", 1, True)]
    assert rows(con, "select article_id, sector, tagged from article_sector_candidates order by 1, 2") == [
        ("a#0", "energy", True), ("a#0", "trade", False), ("b#0", "trade", True)]
    assert rows(con, "select sector, articles from sector_monthly order by sector") == [("energy", 1), ("trade", 1)]


def _old_writer(t: pa.Table) -> pa.Table:
    """article_sectors as the writer before tagged/rank/is_primary stored it (only tags were stored)."""
    return t.drop_columns(["tagged", "rank", "is_primary"])


def test_a_warehouse_written_before_tagged_rank_is_primary_still_opens(tmp_path: Path) -> None:
    tbls = tables([article("a#0", D1), article("b#0", D1)], [("a#0", "energy", 5), ("b#0", "trade", 3)], [])
    tbls["article_sectors"] = _old_writer(tbls["article_sectors"])
    con = views(tmp_path, tbls)
    # every stored row was a tag: counted, rank and is_primary unknown until `newsetl enrich` re-tags
    assert rows(con, "select article_id, sector, rank, is_primary from article_sectors order by 1") == [
        ("a#0", "energy", None, None), ("b#0", "trade", None, None)]
    assert rows(con, "select sector, tagged from article_sector_candidates order by 1") == [
        ("energy", True), ("trade", True)]
    assert rows(con, "select sector, articles from sector_monthly order by sector") == [("energy", 1), ("trade", 1)]


def test_old_and_new_article_sector_files_read_together(tmp_path: Path) -> None:
    """An incremental run on an old warehouse adds files with the new columns next to the old ones."""
    tbls = tables([article("a#0", D1), article("b#0", D2)], [], [])
    old = _old_writer(cast_to_schema(pa.table({
        "article_id": ["a#0"], "sector": ["energy"], "score": [0.9], "tagged": [True], "rank": [1],
        "is_primary": [True], "mentions": [5], "evidence": ["oil x5"], "run_id": ["r1"], "pub_month": ["2024-03"],
    }), "article_sectors"))  # fmt: skip
    new = cast_to_schema(pa.table({
        "article_id": ["b#0", "b#0"], "sector": ["trade", "energy"], "score": [0.8, 0.2], "tagged": [True, False],
        "rank": [1, 2], "is_primary": [True, False], "mentions": [3, 1], "evidence": ["tariff x3", "oil x1"],
        "run_id": ["r2"] * 2, "pub_month": ["2024-03"] * 2,
    }), "article_sectors")  # fmt: skip
    con = views(tmp_path, {**tbls, "article_sectors": old})
    old_files = [str(p) for p in sorted((tmp_path / "parquet" / "article_sectors").rglob("*.parquet"))]
    p = tmp_path / "parquet" / "article_sectors" / "pub_month=2024-03" / "1.parquet"
    write_parquet(new.drop_columns(["pub_month"]), p)
    files = {"articles": [str(f) for f in sorted((tmp_path / "parquet" / "articles").rglob("*.parquet"))],
             "article_sectors": [*old_files, str(p)]}
    wsql.create_views(con, files)
    assert rows(con, "select article_id, sector, rank, is_primary from article_sectors order by 1") == [
        ("a#0", "energy", None, None), ("b#0", "trade", 1, True)]
    assert rows(con, "select article_id, sector, tagged from article_sector_candidates order by 1, 2") == [
        ("a#0", "energy", True), ("b#0", "energy", False), ("b#0", "trade", True)]
