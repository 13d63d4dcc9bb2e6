"""Data tests hold for any data: volume alone never fails a mart check.

40,001 articles of one day from one source, one of them tagged ``health`` once: its share (1/40,001)
rounds to 0.0. ``share_in_range`` used to require share > 0, so every run after that day failed the same
way, forever; ``cooccurrence_symmetric_once`` likewise for two sectors of 20,001 articles sharing one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from newsetl import sql as wsql
from newsetl.errors import ValidationFailed
from newsetl.run import gate
from tests.warehouse.tiny import article, rows, tables, views

DAY = dt.date(2024, 3, 1)
N = 20_001


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    arts = [article(f"x{i}#0", DAY, source="Dawn") for i in range(2 * N - 1)]
    sectors = [("x0#0", "health", 1)] + [(f"x{i}#0", "energy", 1) for i in range(N)] + [
        (f"x{i}#0", "trade", 2) for i in range(N - 1, 2 * N - 1)]  # energy and trade share x20000 only
    return views(tmp_path_factory.mktemp("crowded"), tables(arts, sectors, []))


def test_a_share_that_rounds_to_zero_passes_every_data_test_and_mart_suite(crowded: duckdb.DuckDBPyConnection) -> None:
    assert rows(crowded, "select share from sector_daily where sector = 'health'") == [(0.0,)]
    assert rows(crowded, "select share from sector_by_source where sector = 'health'") == [(0.0,)]
    assert rows(crowded, "select overlap from sector_cooccurrence where sector_a = 'energy' and sector_b = 'trade'") == [(0.0,)]
    assert {r.name: r.failing_rows for r in wsql.run_data_tests(crowded) if r.failing_rows} == {}
    gate.check_marts(crowded)  # the gate before a commit: SQL data tests and GX mart suites


def test_a_share_off_by_more_than_its_rounding_is_named(crowded: duckdb.DuckDBPyConnection) -> None:
    crowded.execute("create or replace table good_daily as select * from sector_daily")
    try:
        crowded.execute("create or replace view sector_daily as select * replace "
                        "(case when sector = 'health' then 0.0001 else share end as share) from good_daily")
        sql = (wsql.SQL_DIR / "tests" / "share_in_range.sql").read_text()
        assert rows(crowded, sql) == [("sector_daily", "2024-03-01", "health", 1, 1, 0.0001, 2 * N - 1, 1 / (2 * N - 1))]
        with pytest.raises(ValidationFailed) as exc:
            gate.check_marts(crowded)
        assert ("share_in_range: 1 failing row: (mart='sector_daily', period='2024-03-01', sector='health', "
                "articles=1, unique_stories=1, share=0.0001, period_articles=40001, expected_share=") in str(exc.value)
    finally:
        crowded.execute("create or replace view sector_daily as select * from good_daily")


def test_describe_names_the_columns_of_each_failing_row() -> None:
    r = wsql.DataTestResult("t", 5, [(1, "a"), (2, "b"), (3, "c"), (4, "d")], ["n", "s"])
    assert r.describe() == "t: 5 failing rows: (n=1, s='a'); (n=2, s='b'); (n=3, s='c'); and 2 more"


def test_overlap_off_by_more_than_its_rounding_is_returned(tmp_path: Path) -> None:
    arts = [article(f"y{i}#0", DAY) for i in range(3)]
    con = views(tmp_path, tables(arts, [("y0#0", "energy", 1), ("y0#0", "trade", 1), ("y1#0", "trade", 1)], []))
    con.execute("create table good as select * from sector_cooccurrence")
    con.execute("create or replace view sector_cooccurrence as select * replace (0.5 as overlap) from good")
    sql = (wsql.SQL_DIR / "tests" / "cooccurrence_symmetric_once.sql").read_text()
    assert rows(con, sql) == [("energy", "trade", 1, 1, 0.5)]  # 1 shared of energy's 1 article: overlap 1.0
