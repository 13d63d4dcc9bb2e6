"""The staging layer decides once which scored sectors count: article_sectors = tagged rows only."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from newsetl.store import cast_to_schema
from tests.warehouse.tiny import D1, article, rows, tables, views


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
