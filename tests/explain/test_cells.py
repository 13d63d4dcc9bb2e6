"""Every cell of every counting mart is explained exactly: its listed articles are the ones it counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb

from newsetl import sql as wsql
from newsetl.explain import counting_marts, explain_cells
from newsetl.store import Warehouse

COUNTING = {"sector_daily", "sector_weekly", "sector_monthly", "sector_by_source", "sector_cooccurrence",
            "country_pair_sector_monthly", "top_entities_by_sector"}


def test_every_counting_mart_has_a_lineage_view(con: duckdb.DuckDBPyConnection) -> None:
    marts = counting_marts(con)
    assert set(marts) == COUNTING
    assert marts["sector_monthly"].keys == ("month", "sector")
    assert marts["sector_cooccurrence"].keys == ("sector_a", "sector_b")
    assert marts["country_pair_sector_monthly"].keys == ("month", "country_a", "country_b", "sector")
    assert marts["top_entities_by_sector"].keys == ("sector", "entity_type", "entity_id")


def test_every_cell_is_explained_exactly(con: duckdb.DuckDBPyConnection) -> None:
    checked = 0
    for mart, ml in counting_marts(con).items():
        expl = explain_cells(con, mart, None)
        ids: dict[tuple[object, ...], list[str]] = defaultdict(list)
        stories: dict[tuple[object, ...], set[str]] = defaultdict(set)
        for r in expl.records():
            key = tuple(r[k] for k in ml.keys)
            ids[key].append(r["article_id"])
            stories[key].add(r["story_id"])
        keys = ", ".join(ml.keys)
        cells = {tuple(r[:-2]): (r[-2], r[-1])
                 for r in con.sql(f"select {keys}, articles, unique_stories from {mart}").fetchall()}
        assert cells, mart
        assert set(ids) == set(cells), mart  # no cell without rows, no rows outside a cell
        for key, (articles, unique) in cells.items():
            assert len(ids[key]) == len(set(ids[key])) == articles, (mart, key)  # one row per counted article
            assert len(stories[key]) == unique, (mart, key)
            checked += 1
        # the per-cell summary says the same
        assert all(c["articles"] == c["explained_articles"] and c["unique_stories"] == c["explained_stories"]
                   for c in expl.cells), mart
        assert len(expl.cells) == len(cells)
    assert checked > 20


def test_rows_carry_the_article_and_where_its_terms_sit(con: duckdb.DuckDBPyConnection) -> None:
    arts = {r[0]: r[1:] for r in con.sql("select article_id, title, body, published_date, date_source, "
                                         "source_uri from articles").fetchall()}
    expl = explain_cells(con, "sector_daily", None)
    assert expl.rows
    for r in expl.records():
        title, body, day, date_source, uri = arts[r["article_id"]]
        assert (r["title"], r["published_date"], r["date_source"], r["source_uri"]) == (title, day, date_source, uri)
        assert r["day"] == day and 0.0 < r["score"] <= 1.0 and r["evidence"]
        assert len(r["matches"]) == r["mentions"]
        for m in r["matches"]:  # the located text is the matched text
            text = title if m["part"] == "title" else body
            assert text[m["start"]:m["end"]] == m["term"], m
            assert m["sector"] == r["sector"]


def test_copies_are_the_story_without_the_article(dup_wh: Path) -> None:
    con = wsql.open_warehouse(Warehouse(dup_wh))
    story_of = dict(con.sql("select article_id, story_id from articles").fetchall())
    method = dict(con.sql("select article_id, method from duplicates").fetchall())
    expl = explain_cells(con, "sector_by_source", None)
    with_copies = 0
    for r in expl.records():
        expected = {a for a, s in story_of.items() if s == r["story_id"]} - {r["article_id"]}
        assert {c["article_id"] for c in r["copies"]} == expected
        for c in r["copies"]:
            assert c["method"] == ("canonical" if c["article_id"] == r["story_id"] else method[c["article_id"]])
        assert r["copy_method"] == ("canonical" if r["article_id"] == r["story_id"] else method[r["article_id"]])
        with_copies += bool(r["copies"])
    assert with_copies > 10


def test_edits_are_the_ledger_rows(con: duckdb.DuckDBPyConnection) -> None:
    ledger: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for aid, rule, hits, chars in con.sql("select article_id, rule, hits, chars_removed from cleaning_ledger "
                                          "order by rule").fetchall():
        ledger[aid].append((rule, hits, chars))
    for r in explain_cells(con, "sector_cooccurrence", None).records():
        assert [(e["rule"], e["hits"], e["chars_removed"]) for e in r["edits"]] == ledger[r["article_id"]]
        assert r["chars_removed"] == sum(c for _, _, c in ledger[r["article_id"]])
        a, b = r["sector_a"], r["sector_b"]
        assert r["sector"] == f"{a} + {b}" and {m["sector"] for m in r["matches"]} == {a, b}


def test_one_cell_of_a_story_with_copies_in_four_formats(dup_wh: Path) -> None:
    """Story 001 was loaded as the original, a byte copy, an edited copy and a JSON record: 4 articles, 1 story."""
    con = wsql.open_warehouse(Warehouse(dup_wh))
    expl = explain_cells(con, "sector_monthly", "month = '2018-03-01' and sector = 'security_counterterrorism'")
    assert [(c["month"], c["sector"], c["articles"], c["unique_stories"]) for c in expl.cells] == [
        (dt.date(2018, 3, 1), "security_counterterrorism", 4, 1)]
    root = str(dup_wh.parent / "src")
    assert sorted(r["article_id"].removeprefix(root + "/") for r in expl.records()) == [
        "001_4a479e11edf3a116.txt#0", "copies/001_again.txt#0", "near/001_edited.txt#0", "records/story.json#0"]
    assert sorted({(r["format"], r["copy_method"]) for r in expl.records()}) == [
        ("json", "exact"), ("txt", "canonical"), ("txt", "exact"), ("txt", "near")]
    assert {r["story_id"] for r in expl.records()} == {f"{root}/001_4a479e11edf3a116.txt#0"}


def test_a_predicate_over_measures_selects_cells(dup_wh: Path) -> None:
    con = wsql.open_warehouse(Warehouse(dup_wh))
    expl = explain_cells(con, "sector_by_source", "articles >= 2 and unique_stories < articles")
    want = con.sql("select source, sector from sector_by_source where articles >= 2 and unique_stories < articles "
                   "order by all").fetchall()
    assert want and sorted((c["source"], c["sector"]) for c in expl.cells) == want
    assert {(r["source"], r["sector"]) for r in expl.records()} == set(want)


def test_no_matching_cell_lists_nothing(sample_wh: Path) -> None:
    con = wsql.open_warehouse(Warehouse(sample_wh))
    expl = explain_cells(con, "sector_daily", "day = '1999-01-01'")
    assert expl.rows == [] and expl.cells == []


def test_lineage_views_are_in_the_duckdb_file(dup_wh: Path) -> None:
    """BI tools that open newsetl.duckdb see the lineage views next to the marts, with the same rows."""
    file_con = duckdb.connect(str(dup_wh / "newsetl.duckdb"), read_only=True)
    con = wsql.open_warehouse(Warehouse(dup_wh))
    q = ("select month, sector, count(*), count(distinct story_id) from lineage_sector_monthly "
         "group by all order by all")
    assert file_con.sql(q).fetchall() == con.sql(q).fetchall()
    assert file_con.sql(q).fetchall() == con.sql("select month, sector, articles, unique_stories from sector_monthly "
                                                 "order by all").fetchall()
    file_con.close()


def test_table_shows_why_an_article_is_in_a_pair_cell(dup_wh: Path) -> None:
    from newsetl.explain import table_text

    con = wsql.open_warehouse(Warehouse(dup_wh))
    text = table_text(explain_cells(con, "country_pair_sector_monthly", "sector = 'trade' and month = '2018-03-01'"))
    assert "country_a_mentions 11" in text and "country_b_mentions 12" in text
