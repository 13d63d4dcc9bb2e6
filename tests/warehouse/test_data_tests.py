"""The SQL data tests in warehouse/sql/tests: no rows on good data, exactly the failing rows on broken data."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from newsetl import sql as wsql
from tests.warehouse.tiny import (
    ARTICLES,
    DUPLICATES,
    ENTITIES,
    SECTORS,
    article,
    rows,
    sample_tables,
    tables,
    views,
)

MONTH = dt.date(2024, 3, 1)


def _run(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[object, ...]]:
    return rows(con, (wsql.SQL_DIR / "tests" / f"{name}.sql").read_text())


def _replace_mart(con: duckdb.DuckDBPyConnection, mart: str, select: str) -> None:
    """Freeze ``mart``'s good rows as ``good`` and redefine the mart as ``select`` over them."""
    con.execute(f"create or replace table good as select * from {mart}")
    con.execute(f"create or replace view {mart} as {select}")


def test_every_data_test_passes_on_good_data(tmp_path: Path) -> None:
    con = views(tmp_path, sample_tables())
    results = wsql.run_data_tests(con)
    assert [r.name for r in results] == [p.stem for p in wsql.test_files()]
    assert {r.name: r.failing_rows for r in results} == {r.name: 0 for r in results}


def test_every_data_test_passes_on_an_empty_warehouse() -> None:
    con = wsql.connect()
    wsql.create_views(con, {})
    assert [r.name for r in wsql.run_data_tests(con) if r.failing_rows] == []


def test_every_mart_has_a_data_test() -> None:
    sql = {p.stem: p.read_text() for p in wsql.test_files()}
    for mart in wsql.mart_names():
        assert any(re.search(rf"\bfrom {mart}\b", s) for s in sql.values()), f"no data test reads {mart}"


def test_articles_unique_ids_returns_the_repeated_id(tmp_path: Path) -> None:
    con = views(tmp_path, tables([*ARTICLES, ARTICLES[0]], SECTORS, ENTITIES))
    assert _run(con, "articles_unique_ids") == [("a#0", 2)]


def test_enrichment_has_articles_returns_orphans(tmp_path: Path) -> None:
    con = views(tmp_path, tables(ARTICLES, [*SECTORS, ("zz#0", "energy", 1)],
                                 [*ENTITIES, ("zz#0", "country", "PK", 3)]))
    assert sorted(_run(con, "enrichment_has_articles")) == [
        ("article_entities", "zz#0", "country:PK"), ("article_sectors", "zz#0", "energy")]


def test_duplicates_point_to_articles_returns_bad_copies(tmp_path: Path) -> None:
    con = views(tmp_path, tables(ARTICLES, SECTORS, ENTITIES, [*DUPLICATES, ("e#0", "a#0"), ("gone#0", "a#0")]))
    assert sorted(_run(con, "duplicates_point_to_articles"), key=str) == [
        ("e#0", "a#0", "e#0", False), ("gone#0", "a#0", None, None)]


def test_articles_copy_with_wrong_story_fails_duplicates_test(tmp_path: Path) -> None:
    arts = [*ARTICLES[:1], article("b#0", dt.date(2024, 3, 1), story="c#0"), *ARTICLES[2:]]
    con = views(tmp_path, tables(arts, SECTORS, ENTITIES, DUPLICATES))
    assert _run(con, "duplicates_point_to_articles") == [("b#0", "a#0", "c#0", True)]


@pytest.fixture
def good(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return views(tmp_path, sample_tables())


def test_sector_marts_reconcile_returns_the_sector_that_does_not_add_up(good) -> None:
    _replace_mart(good, "sector_weekly", "select * from good where sector <> 'trade'")
    assert _run(good, "sector_marts_reconcile") == [("sector_weekly", "trade", 2, None, 5, None)]


def test_sector_marts_reconcile_catches_lost_undated_articles(good) -> None:
    _replace_mart(good, "sector_daily", "select * from good where day is not null")
    assert _run(good, "sector_marts_reconcile") == [("sector_daily", "energy", 3, 2, 6, 5)]


def test_share_in_range_returns_bad_shares(good) -> None:
    _replace_mart(good, "sector_by_source",
                  "select * from good union all select 'X', 'energy', 1, 1, 1.5 "
                  "union all select 'Y', 'energy', 1, 2, 0.5")
    assert sorted(_run(good, "share_in_range")) == [  # (mart, period, sector, ..., share, total, expected share)
        ("sector_by_source", "X", "energy", 1, 1, 1.5, None, None),
        ("sector_by_source", "Y", "energy", 1, 2, 0.5, None, None)]


def test_marts_unique_keys_returns_the_repeated_key(good) -> None:
    _replace_mart(good, "sector_daily", "select * from good union all select * from good where day is null")
    assert _run(good, "marts_unique_keys") == [("sector_daily", "null|energy", 2)]


def test_by_source_reconciles_returns_the_short_sector(good) -> None:
    _replace_mart(good, "sector_by_source", "select * from good where source <> 'unknown'")
    assert _run(good, "by_source_reconciles") == [("trade", 2, 1)]


def test_cooccurrence_test_returns_reversed_and_impossible_pairs(good) -> None:
    _replace_mart(good, "sector_cooccurrence",
                  "select * from good union all select 'trade', 'energy', 1, 1, 0.5 "
                  "union all select 'energy', 'zoo', 1, 1, 1.0")
    assert sorted(_run(good, "cooccurrence_symmetric_once")) == [
        ("energy", "zoo", 1, 1, 1.0), ("trade", "energy", 1, 1, 0.5)]


# The mart before the salience rule: every two countries mentioned made a pair.
_NAIVE_PAIRS = """
with c as (select distinct article_id, entity_id as country from article_entities where entity_type = 'country')
select date_trunc('month', a.published_date)::date as month, l.country as country_a, r.country as country_b,
       s.sector, count(*) as articles, count(distinct a.story_id) as unique_stories
from c as l join c as r on l.article_id = r.article_id and l.country < r.country
join articles as a on a.article_id = l.article_id join article_sectors as s on s.article_id = l.article_id
group by all
"""


def test_country_pairs_salient_rejects_passing_mention_pairs(good) -> None:
    good.execute(f"create or replace view country_pair_sector_monthly as {_NAIVE_PAIRS}")
    got = _run(good, "country_pairs_salient")
    extra = sorted(((m, a, b, s) for m, a, b, s, expected, _ in got if expected is None), key=str)
    assert len(got) == len(extra)  # only extra rows: the salient PK-RU rows agree
    assert extra == sorted([
        *[(MONTH, a, b, s) for a, b in [("AF", "PK"), ("AF", "RU"), ("AF", "UA"), ("PK", "UA"), ("RU", "UA")]
          for s in ("energy", "trade")],
        (MONTH, "IN", "PK", "trade"), (MONTH, "IN", "RU", "trade"),
        (None, "CN", "PK", "energy"),  # d's passing mentions (undated)
    ], key=str)


def test_country_pairs_salient_returns_unordered_pairs(good) -> None:
    _replace_mart(good, "country_pair_sector_monthly",
                  "select month, country_b as country_a, country_a as country_b, sector, articles, unique_stories "
                  "from good")
    got = sorted(_run(good, "country_pairs_salient"), key=str)
    assert [(r[1], r[2]) for r in got if r[4] is None] == [("RU", "PK")] * 4  # 2 mismatches + 2 malformed
    assert [(r[1], r[2], r[4]) for r in got if r[4] is not None] == [("PK", "RU", 2)] * 2


def test_top_entities_ranked_returns_out_of_order_ranks(good) -> None:
    _replace_mart(good, "top_entities_by_sector",
                  "select sector, case when sector = 'trade' and rank in (1, 2) then 3 - rank else rank end as rank, "
                  "entity_type, entity_id, name, articles, unique_stories, mentions from good")
    assert _run(good, "top_entities_ranked") == [("trade", 2, "person", "sergey_lavrov", 1, 5, 3, 3)]
