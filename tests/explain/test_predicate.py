"""``--where`` is parsed by DuckDB and whitelisted: only the mart's columns, plain conditions, pure functions."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl import sql as wsql
from newsetl.errors import NewsetlError
from newsetl.explain import PredicateError, cells_query, explain_cells


@pytest.fixture(scope="module")
def empty() -> Iterator[duckdb.DuckDBPyConnection]:
    con = wsql.connect()
    wsql.create_views(con, {})
    yield con
    con.close()


@pytest.mark.parametrize("pred", [
    "month = '2021-04-01' and sector = 'defence_military'",
    "sector in ('trade', 'energy') or month is null",
    "articles >= 2 and lower(sector) like 'de%'",
    "month between date '2021-01-01' and date '2021-12-31'",
    "year(month) = 2021 and not (share < 0.5)",
    "coalesce(month, date '1900-01-01') < '2020-01-01'",
    "case when articles > 1 then 'many' else 'one' end = 'many'",
    "month::varchar like '2021-%'",
    "starts_with(sector, 'sec') and unique_stories < articles",
])
def test_accepted_predicates_run(empty: duckdb.DuckDBPyConnection, pred: str) -> None:
    sql = cells_query(empty, "sector_monthly", pred)
    assert sql.startswith("SELECT * FROM sector_monthly WHERE ")
    assert empty.sql(sql).fetchall() == []  # it runs (the empty warehouse has no cell)


def test_no_predicate_selects_every_cell(empty: duckdb.DuckDBPyConnection) -> None:
    assert cells_query(empty, "sector_daily", None) == "SELECT * FROM sector_daily"
    assert cells_query(empty, "sector_daily", "   ") == "SELECT * FROM sector_daily"


@pytest.mark.parametrize(("pred", "why"), [
    ("nope = 1", "sector_monthly has no column 'nope'"),
    ("title = 'x'", "sector_monthly has no column 'title'"),  # an articles column, not the mart's
    ("sector = (select max(sector) from article_sectors)", "subqueries are not allowed"),
    ("sector in (select sector from article_sectors)", "subqueries are not allowed"),
    ("exists (select 1)", "subqueries are not allowed"),
    ("read_text('/etc/passwd') is not null", "function read_text() is not allowed"),
    ("getenv('HOME') = 'x'", "function getenv() is not allowed"),
    ("count(*) > 1", "function count_star() is not allowed"),
    ("sector = 'x' and * is null", "'*' are not allowed"),
    ("sum(articles) > 1", "function sum() is not allowed"),
    ("row_number() over () = 1", "window functions are not allowed"),
    ("month = $1", "parameters ($1, ?) are not allowed"),
    ("sector_monthly.sector = 'x'", "use bare column names, not 'sector_monthly.sector'"),
    ("1=1); drop table articles; select (1", "single condition"),
    ("1=1) union all select * from sector_daily where (1=1", "condition only"),
    ("1=1) order by (1", "condition only"),
    ("sector = 'a' and", "cannot parse it"),
    ("list_transform([1], lambda x: x + 1) = [2]", "function list_transform() is not allowed"),
])
def test_refused_predicates_say_why(empty: duckdb.DuckDBPyConnection, pred: str, why: str) -> None:
    with pytest.raises(PredicateError) as exc:
        cells_query(empty, "sector_monthly", pred)
    msg = str(exc.value)
    assert why in msg, msg
    assert "month, sector, articles, unique_stories, mentions, share" in msg  # the columns it may use
    assert isinstance(exc.value, NewsetlError)


def test_a_comment_cannot_change_what_runs(empty: duckdb.DuckDBPyConnection) -> None:
    sql = cells_query(empty, "sector_monthly", "sector = 'a' -- ) or 1=1")
    assert sql == "SELECT * FROM sector_monthly WHERE (sector = 'a')"


def test_unknown_mart_names_the_marts(empty: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NewsetlError, match="explain works on country_pair_sector_monthly, sector_by_source"):
        explain_cells(empty, "articles", None)
    with pytest.raises(NewsetlError, match="no counting mart"):
        cells_query(empty, "articles; drop table x", None)


COLUMNS = {"month": "date '2021-04-01'", "sector": "'trade'", "articles": "2", "unique_stories": "1",
           "mentions": "3", "share": "0.5"}
_ops = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
_atom = st.one_of(
    st.builds(lambda c, o: f"{c} {o} {COLUMNS[c]}", st.sampled_from(sorted(COLUMNS)), _ops),
    st.builds(lambda c: f"{c} is null", st.sampled_from(sorted(COLUMNS))),
    st.builds(lambda c: f"{c} in ({COLUMNS[c]}, {COLUMNS[c]})", st.sampled_from(sorted(COLUMNS))),
)
_pred = st.recursive(_atom, lambda inner: st.one_of(
    st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
    st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
    st.builds(lambda a: f"not ({a})", inner)), max_leaves=6)


@settings(max_examples=80, deadline=None)
@given(_pred, st.sampled_from(["read_csv('x')", "getenv('x')", "(select 1)", "current_setting('x')"]))
def test_conditions_are_accepted_and_anything_else_inside_them_is_refused(pred: str, bad: str) -> None:
    con = wsql.connect()
    wsql.create_views(con, {})
    con.sql(cells_query(con, "sector_monthly", pred)).fetchall()
    with pytest.raises(PredicateError):
        cells_query(con, "sector_monthly", f"({pred}) and {bad} is not null")
    con.close()
