"""Exact rows of every mart on a tiny inline warehouse (see tiny.py for the data and why)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsetl import sql as wsql
from newsetl.enrich.entities import salient_pairs
from newsetl.store import write_parquet
from schemas import PARTITION_COLUMN
from tests.warehouse.tiny import D1, D2, article, committed, rows, sample_tables, tables, views

WEEK, MONTH = dt.date(2024, 2, 26), dt.date(2024, 3, 1)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    return views(tmp_path_factory.mktemp("tiny"), sample_tables())


def test_sector_daily(con) -> None:
    # D1: a and its copy b (one story) -> energy 2 articles / 1 unique story; undated d under a NULL day
    assert rows(con, "select * from sector_daily order by day nulls last, sector") == [
        (D1, "energy", 2, 1, 5, 1.0),
        (D1, "trade", 1, 1, 1, 0.5),
        (D2, "trade", 1, 1, 4, 0.5),  # e (untagged) still counts in the day's total
        (None, "energy", 1, 1, 1, 1.0),
    ]


def test_sector_weekly(con) -> None:
    assert rows(con, "select * from sector_weekly order by week nulls last, sector") == [
        (WEEK, "energy", 2, 1, 5, 0.5),
        (WEEK, "trade", 2, 2, 5, 0.5),
        (None, "energy", 1, 1, 1, 1.0),
    ]


def test_sector_monthly(con) -> None:
    assert rows(con, "select * from sector_monthly order by month nulls last, sector") == [
        (MONTH, "energy", 2, 1, 5, 0.5),
        (MONTH, "trade", 2, 2, 5, 0.5),
        (None, "energy", 1, 1, 1, 1.0),
    ]


def test_sector_cooccurrence(con) -> None:
    # only a is tagged with both; energy has 3 tagged articles, trade 2 -> overlap 1 / 2
    assert rows(con, "select * from sector_cooccurrence") == [("energy", "trade", 1, 1, 0.5)]


def test_sector_by_source(con) -> None:
    # b has no name -> its domain; c's name is blank and it has no domain -> 'unknown'
    assert rows(con, "select * from sector_by_source order by source, sector") == [
        ("Dawn", "energy", 2, 2, 0.6667),
        ("Dawn", "trade", 1, 1, 0.3333),
        ("tribune.com.pk", "energy", 1, 1, 1.0),
        ("unknown", "trade", 1, 1, 1.0),
    ]


def test_country_pair_sector_monthly_keeps_only_salient_pairs(con) -> None:
    # a: AF (4 < 0.4 x 17) and UA (1) make no pair; b and c hit the 0.4 boundary exactly and count;
    # d's countries are passing mentions (1 each): no row under the NULL month
    assert rows(con, "select * from country_pair_sector_monthly order by all") == [
        (MONTH, "PK", "RU", "energy", 2, 1),
        (MONTH, "PK", "RU", "trade", 2, 2),
    ]


def test_top_entities_by_sector(con) -> None:
    assert rows(con, "select * from top_entities_by_sector order by sector, rank") == [
        ("energy", 1, "person", "sergey_lavrov", "Sergey Lavrov", 2, 1, 7),
        ("energy", 2, "organisation", "sco", "Sco", 1, 1, 1),
        ("trade", 1, "person", "sergey_lavrov", "Sergey Lavrov", 1, 1, 5),
        ("trade", 2, "person", "imran_khan", "Imran Khan", 1, 1, 3),
        ("trade", 3, "organisation", "sco", "Sco", 1, 1, 1),
    ]


def test_top_entities_keeps_20_per_sector(tmp_path: Path) -> None:
    arts = [article(f"x{i}#0", D1) for i in range(3)]
    ents = [(f"x{i}#0", "person", f"p{j:02d}", j + 1) for i in range(3) for j in range(25) if j >= i]
    con = views(tmp_path, tables(arts, [(a["article_id"], "energy", 1) for a in arts], ents))
    got = rows(con, "select rank, entity_id, articles, mentions from top_entities_by_sector order by rank")
    assert len(got) == 20
    # p02..p24 are in all 3 articles; the most-mentioned first; p00, p01 (fewer articles) are cut
    assert got[0] == (1, "p24", 3, 75) and got[-1] == (20, "p05", 3, 18)


def test_empty_warehouse_marts_are_empty() -> None:
    con = wsql.connect()
    wsql.create_views(con, {})
    for name in wsql.mart_names():
        assert rows(con, f"select count(*) from {name}") == [(0,)], name


def test_committed_marts_equal_the_views(tmp_path: Path) -> None:
    """load.commit materialises the marts as Parquet with the same rows the views give."""
    tbls = sample_tables()
    wh = committed(tmp_path, tbls)
    snap = wh.snapshot()
    con = views(tmp_path, tbls)
    for name in wsql.mart_names():
        (rel,) = snap.tables[f"mart:{name}"]
        mat = rows(con, f"select * from read_parquet('{wh.url(rel)}') order by all")
        assert mat == rows(con, f"select * from {name} order by all"), name
        assert mat, name


@pytest.fixture(scope="module")
def pair_env(tmp_path_factory: pytest.TempPathFactory):
    """Views over files the property test overwrites on each example (read_parquet reads at query time)."""
    tmp = tmp_path_factory.mktemp("pairs")
    arts = [article(f"s{i}#0", D1) for i in range(4)]
    base = tables(arts, [(a["article_id"], "energy", 1) for a in arts], [("s0#0", "country", "PK", 1)])
    return views(tmp, base), tmp / "parquet" / "article_entities" / f"{PARTITION_COLUMN}=2024-03" / "0.parquet"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(["AF", "CN", "IN", "PK", "RU", "US"]),
                                st.integers(min_value=1, max_value=60), max_size=5), min_size=1, max_size=4))
def test_sql_salience_equals_salient_pairs(pair_env, per_article: list[dict[str, int]]) -> None:
    con, path = pair_env
    ents = [(f"s{i}#0", "country", c, n) for i, m in enumerate(per_article) for c, n in m.items()]
    if not ents:
        ents = [("s0#0", "country", "PK", 1)]
    t = tables([article(f"s{i}#0", D1) for i in range(4)], [], ents)["article_entities"]
    write_parquet(t.drop_columns([PARTITION_COLUMN]), path)
    expected: dict[str, int] = {}
    for m in per_article:
        for pair in salient_pairs(m):
            expected[pair] = expected.get(pair, 0) + 1
    got = {f"{a}-{b}": n for a, b, n in rows(con, "select country_a, country_b, articles "
                                                  "from country_pair_sector_monthly")}
    assert got == expected
