"""The articles behind mart cells: ``lineage_<mart>`` rows of the matching cells, with their detail.

A counting mart ``m`` is an aggregation of its lineage view ``lineage_m`` (``warehouse/sql/lineage``):
the view's columns before ``article_id`` are the cell key, and a cell's ``articles`` and
``unique_stories`` are the distinct ``article_id`` and ``story_id`` of its lineage rows. Explaining a
cell is therefore a semi-join of the lineage view on the cells the predicate selects, joined to
``article_lineage`` (provenance, cleaning edits), ``story_copies`` (the story's other copies) and
``sector_evidence`` (score, evidence, where each match sits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from newsetl import sql as wsql
from newsetl.errors import NewsetlError
from newsetl.explain.predicate import cells_query

LINEAGE_PREFIX = "lineage_"
#: Article columns every explanation row carries, after the cell key (from article_lineage).
ARTICLE_COLUMNS = ("article_id", "story_id", "title", "published_date", "date_source", "source_name",
                   "source_uri", "format")
#: Columns after the sector evidence (from article_lineage / story_copies).
TAIL_COLUMNS = ("copy_method", "copies", "edits", "chars_removed")


@dataclass(frozen=True)
class MartLineage:
    """A counting mart and its lineage view: which columns make a cell and name its sector(s)."""

    mart: str
    view: str
    keys: tuple[str, ...]
    extra: tuple[str, ...]  # lineage columns after article_id and story_id (mentions, ...)

    @property
    def sectors(self) -> tuple[str, ...]:
        return tuple(k for k in self.keys if k == "sector" or k.startswith("sector_"))


@dataclass
class Explanation:
    """The rows explaining the selected cells, and per cell its counts next to the counts of the rows."""

    mart: str
    keys: tuple[str, ...]
    columns: list[str]
    rows: list[tuple[Any, ...]]
    cells: list[dict[str, Any]] = field(default_factory=list)
    extra: tuple[str, ...] = ()  # the lineage view's own columns (why the article is in the cell)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


def counting_marts(con: duckdb.DuckDBPyConnection) -> dict[str, MartLineage]:
    """Every mart that has a lineage view (``lineage_<mart>``), with its cell key."""
    views = {r[0] for r in con.sql("select view_name from duckdb_views() where not internal").fetchall()}
    out: dict[str, MartLineage] = {}
    for mart in wsql.mart_names():
        view = LINEAGE_PREFIX + mart
        if view not in views:
            continue
        cols = [r[0] for r in con.sql(f"describe {view}").fetchall()]
        i = cols.index("article_id")
        if cols[i + 1] != "story_id":
            raise NewsetlError(f"{view}: story_id must follow article_id (warehouse/sql/lineage/{view}.sql)")
        out[mart] = MartLineage(mart, view, tuple(cols[:i]), tuple(cols[i + 2:]))
    return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def explain_sql(ml: MartLineage, cells_sql: str, per_cell: int | None = None) -> str:
    """The query listing, for every cell ``cells_sql`` selects, each article the cell counts (with
    ``per_cell``: the first that many per cell, strongest evidence first)."""
    match = " and ".join(f"l.{_q(k)} is not distinct from c.{_q(k)}" for k in ml.keys)
    keys = ", ".join(f"h.{_q(k)}" for k in ml.keys)
    if ml.sectors == ("sector",):
        evidence_join = "left join sector_evidence as e on e.article_id = h.article_id and e.sector = h.sector"
        sector = [] if "sector" in ml.keys else ["h.sector"]
        ev = ["e.score", "e.evidence", "e.matches_at", "e.matches"]
    elif len(ml.sectors) == 2:
        a, b = (_q(s) for s in ml.sectors)
        evidence_join = (f"left join sector_evidence as ea on ea.article_id = h.article_id and ea.sector = h.{a}\n"
                         f"left join sector_evidence as eb on eb.article_id = h.article_id and eb.sector = h.{b}")
        sector = [f"h.{a} || ' + ' || h.{b} as sector"]
        ev = ["least(ea.score, eb.score) as score",
              f"h.{a} || ': ' || ea.evidence || ' | ' || h.{b} || ': ' || eb.evidence as evidence",
              f"h.{a} || ': ' || ea.matches_at || ' | ' || h.{b} || ': ' || eb.matches_at as matches_at",
              "list_concat(ea.matches, eb.matches) as matches"]
    else:
        raise NewsetlError(f"{ml.view}: a cell names no sector (key {ml.keys})")
    cols = [keys, *(f"a.{c}" if c not in ("article_id", "story_id") else f"h.{c}" for c in ARTICLE_COLUMNS),
            *sector, *ev, *(f"h.{_q(c)}" for c in ml.extra),
            "a.copy_method",
            "list_filter(coalesce(s.copies, []), lambda c: c.article_id <> h.article_id) as copies",
            "a.edits", "a.chars_removed"]
    order = ", ".join(f"h.{_q(k)} nulls last" for k in ml.keys)
    limit = ""
    if per_cell is not None:
        part = ", ".join(f"h.{_q(k)}" for k in ml.keys)
        limit = (f"qualify row_number() over (partition by {part} order by {ev[0].split(' as ')[0]} desc nulls last, "
                 f"h.article_id) <= {int(per_cell)}\n")
    return f"""with cells as (
{cells_sql}
),
hits as (
    select l.* from {ml.view} as l semi join cells as c on {match}
)
select {', '.join(cols)}
from hits as h
inner join article_lineage as a on a.article_id = h.article_id
left join story_copies as s on s.story_id = h.story_id
{evidence_join}
{limit}order by {order}, a.published_date nulls last, h.article_id"""


def cell_counts_sql(ml: MartLineage, cells_sql: str) -> str:
    """Per selected cell: the mart's articles/unique_stories and the distinct ids of its lineage rows."""
    match = " and ".join(f"l.{_q(k)} is not distinct from c.{_q(k)}" for k in ml.keys)
    keys = ", ".join(f"c.{_q(k)}" for k in ml.keys)
    return f"""with cells as (
{cells_sql}
)
select {keys}, any_value(c.articles) as articles, any_value(c.unique_stories) as unique_stories,
       count(distinct l.article_id) as explained_articles, count(distinct l.story_id) as explained_stories
from cells as c
left join {ml.view} as l on {match}
group by {keys}
order by {', '.join(f'{_q(k)} nulls last' for k in ml.keys)}"""


def lineage_of(con: duckdb.DuckDBPyConnection, mart: str) -> MartLineage:
    marts = counting_marts(con)
    if mart not in marts:
        raise NewsetlError(f"no lineage for mart {mart!r}: explain works on {', '.join(sorted(marts))}")
    return marts[mart]


def explain_cells(con: duckdb.DuckDBPyConnection, mart: str, where: str | None,
                  with_counts: bool = True, per_cell: int | None = None) -> Explanation:
    """The articles counted by the cells of ``mart`` that match ``where`` (validated; every cell when None);
    ``per_cell`` lists only the first that many articles of each cell (the counts stay the cell's)."""
    ml = lineage_of(con, mart)
    cells_sql = cells_query(con, mart, where)
    rel = con.sql(explain_sql(ml, cells_sql, per_cell))
    out = Explanation(mart, ml.keys, list(rel.columns), rel.fetchall(), extra=ml.extra)
    if with_counts:
        crel = con.sql(cell_counts_sql(ml, cells_sql))
        out.cells = [dict(zip(crel.columns, r, strict=True)) for r in crel.fetchall()]
    return out
