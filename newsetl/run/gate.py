"""The gate before a snapshot goes live: the SQL data tests (``warehouse/sql/tests``) and the mart suites
(GX) run over the next state, marts materialised.

A failing check never wedges the warehouse. Its failing rows are mapped to this run's articles: a row's
``article_id`` (or ``*_article_id``, ``story_id``), its ``source_uri``, or, for a mart row, its cell through
the mart's lineage view (``warehouse/sql/lineage``; a ``mart`` + ``period`` pair, as ``share_in_range``
returns, names the cell of that mart). Those articles are held back, each with a quarantine row (reason
``mart_check_failed``, the check and the row in the detail), the marts are rebuilt without them and every
check runs once more. When no failing row names an article of this run, or the checks still fail, nothing
is committed: the rows were loaded by earlier runs and passed then, so a mart or data test (or newsetl) is
wrong, and the message names the rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsetl.errors import ValidationFailed
from newsetl.load import StagedRun
from newsetl.reasons import Reason
from newsetl.run.common import now, rejection_rows
from newsetl.store import cast_to_schema, write_parquet
from schemas import TABLES

MAX_ROWS = 1000  # failing rows of one check read to map them to articles
SHOWN_ROWS = 3
#: staged tables an article's rows are held back from (raw_documents keeps the record read; quarantine
#: gets the reason)
HELD_TABLES = tuple(n for n, spec in TABLES.items() if "article_id" in spec.schema.names
                    and n not in ("raw_documents", "quarantine"))
GATE_FILE = "gate.parquet"
RESULTS_FILE = "validation-marts.json"
STAGE = "validate"


@dataclass
class Failure:
    """One failing check: what it is, one line about it, and (when it returns rows) its failing rows."""

    check: str
    text: str
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)


def _row_text(columns: list[str], row: tuple[Any, ...]) -> str:
    text = "(" + ", ".join(f"{c}={v!r}" for c, v in zip(columns, row, strict=False)) + ")"
    return text if len(text) <= 300 else text[:299] + "…"


def _data_test_failures(con: duckdb.DuckDBPyConnection) -> list[Failure]:
    from newsetl import sql as wsql

    out: list[Failure] = []
    for p in wsql.test_files():
        sql = p.read_text()
        rel = con.sql(sql)
        rows = rel.limit(MAX_ROWS).fetchall()
        if not rows:
            continue
        cols = list(rel.columns)
        n = len(rows) if len(rows) < MAX_ROWS else int(con.sql(f"select count(*) from ({sql})").fetchall()[0][0])
        shown = "; ".join(_row_text(cols, r) for r in rows[:SHOWN_ROWS])
        more = f"; and {n - SHOWN_ROWS} more" if n > SHOWN_ROWS else ""
        out.append(Failure(f"data test {p.stem}", f"{p.stem}: {n} failing row{'s' if n != 1 else ''}: {shown}{more}",
                           cols, rows))
    return out


def _mart_suite_failures(con: duckdb.DuckDBPyConnection) -> tuple[list[Failure], list[dict[str, Any]]]:
    from newsetl.validate import validate_table

    out: list[Failure] = []
    results: list[dict[str, Any]] = []
    daily = con.sql("select * from sector_daily").to_arrow_table()
    monthly = con.sql("select * from sector_monthly").to_arrow_table()
    for mart, tbl, other in (("sector_daily", daily, None), ("sector_monthly", monthly, daily)):
        o = validate_table(mart, tbl, reconcile_with=other)
        results.append(o.result)
        cols = tbl.column_names
        for m in o.batch_failures:
            idx = o.batch_failing_rows.get(m, [])[:MAX_ROWS]
            rows = [tuple(tbl.slice(i, 1).to_pylist()[0].values()) for i in idx]
            out.append(Failure(f"{mart} suite", f"{mart}: {m}", cols, rows))
        out.extend(Failure(f"{mart} suite", f"{mart}: {r.reason} {r.detail}") for r in o.rejected[:5])
    return out, results


def failures(con: duckdb.DuckDBPyConnection) -> tuple[list[Failure], list[dict[str, Any]]]:
    """Every failing data test and mart suite over ``con``'s views, and the suites' GX results."""
    suite_failures, results = _mart_suite_failures(con)
    return _data_test_failures(con) + suite_failures, results


def check_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Raise ValidationFailed naming the failing rows when a data test or a mart suite fails."""
    found, _ = failures(con)
    if found:
        raise ValidationFailed("the marts do not reconcile; warehouse left unchanged:\n  "
                               + "\n  ".join(f.text for f in found))


# ------------------------------------------------------------------------------------------ mapping
class _Mapper:
    """Failing rows -> this run's article ids."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str) -> None:
        from newsetl.explain.cells import counting_marts

        self.con = con
        self.run_id = run_id
        self.ours = {r[0] for r in con.execute("select article_id from articles where run_id = ?",
                                               [run_id]).fetchall()}
        self.marts = counting_marts(con) if self.ours else {}

    def articles(self, columns: list[str], row: tuple[Any, ...]) -> set[str]:
        if not self.ours:
            return set()
        d = dict(zip(columns, row, strict=False))
        ids = {v for c, v in d.items() if isinstance(v, str)
               and (c in ("article_id", "story_id") or c.endswith("_article_id"))}
        if isinstance(d.get("source_uri"), str):
            ids |= {r[0] for r in self.con.execute(
                "select article_id from articles where source_uri = ? and run_id = ?",
                [d["source_uri"], self.run_id]).fetchall()}
        if not ids:
            ids = self._by_lineage(d)
        return ids & self.ours

    def _by_lineage(self, d: dict[str, Any]) -> set[str]:
        named = d.get("mart")
        if isinstance(named, str) and named in self.marts:
            candidates = [self.marts[named]]
        else:
            candidates = list(self.marts.values())
        best: list[tuple[Any, list[tuple[str, Any]]]] = []
        for ml in candidates:
            keys = [(k, d[k]) for k in ml.keys if k in d]
            if "period" in d and ml.keys and ml.keys[0] not in d:
                keys.insert(0, (ml.keys[0], d["period"]))
            if keys and (not best or len(keys) > len(best[0][1])):
                best = [(ml, keys)]
            elif keys and len(keys) == len(best[0][1]):
                best.append((ml, keys))
        out: set[str] = set()
        for ml, keys in best:
            cond = " and ".join(f'cast(l."{k}" as varchar) is not distinct from ?' for k, _ in keys)
            out |= {r[0] for r in self.con.execute(
                f"select distinct l.article_id from {ml.view} as l inner join articles as a using (article_id) "
                f"where a.run_id = ? and {cond}",
                [self.run_id, *(None if v is None else str(v) for _, v in keys)]).fetchall()}
        return out


def hold_back(staged: StagedRun, held: dict[str, str]) -> None:
    """Take the ``held`` articles (id -> why) out of every staged table and stage their quarantine rows."""
    drop = pa.array(sorted(held))
    uri_of: dict[str, str] = {}
    for name in HELD_TABLES:
        for f in staged.staged_files(name):
            t = pq.read_table(f)
            hit = pc.is_in(t["article_id"], drop)
            if not pc.any(hit).as_py():
                continue
            if name == "articles":
                gone = t.filter(hit)
                uri_of |= dict(zip(gone["article_id"].to_pylist(), gone["source_uri"].to_pylist(), strict=True))
            write_parquet(t.filter(pc.invert(hit)), staged.table_dir(name) / f.rsplit("/", 1)[-1])
    from newsetl.model import Rejection

    rejs = [Rejection(uri_of.get(a, a.rsplit("#", 1)[0]), STAGE, Reason.MART_CHECK_FAILED, why, a)
            for a, why in sorted(held.items())]
    cols = rejection_rows(rejs, now())
    cols["run_id"] = [staged.run_id] * len(rejs)
    q = cast_to_schema(pa.table({k: pa.array(v, type=TABLES["quarantine"].schema.field(k).type)
                                 for k, v in cols.items()}), "quarantine")
    write_parquet(q, staged.table_dir("quarantine") / GATE_FILE)
    for f in staged.staged_files("runs"):  # the run's own row counts them as quarantined, not loaded
        t = pq.read_table(f)
        t = t.set_column(t.schema.get_field_index("articles_loaded"), "articles_loaded",
                         pc.subtract(t["articles_loaded"], len(rejs)))
        t = t.set_column(t.schema.get_field_index("quarantined"), "quarantined", pc.add(t["quarantined"], len(rejs)))
        write_parquet(t, staged.table_dir("runs") / f.rsplit("/", 1)[-1])
    staged.held_back.update(held)


def mart_gate(con: duckdb.DuckDBPyConnection, staged: StagedRun, final: bool) -> bool:
    """The commit's check (``newsetl.load.MartCheck``): True when it held back articles of this run (the
    commit rebuilds the marts and calls it again with ``final``); raises ValidationFailed when the checks
    fail and nothing (more) can be held back."""
    found, results = failures(con)
    (staged.staging / RESULTS_FILE).write_text(json.dumps(results, default=str))
    if not found:
        return False
    listing = "\n  ".join(f.text for f in found)
    if final:
        raise ValidationFailed(
            f"the marts still fail after holding back the {len(staged.held_back)} article(s) of this run their "
            f"failing rows name; nothing was committed. A mart or data test (warehouse/sql) is wrong for this "
            f"data, or newsetl is: please report it with these rows:\n  {listing}")
    mapper = _Mapper(con, staged.run_id)
    held: dict[str, str] = {}
    for f in found:
        for row in f.rows:
            for aid in mapper.articles(f.columns, row):
                held.setdefault(aid, f"{f.check} failed on {_row_text(f.columns, row)}"[:2000])
    if not held:
        raise ValidationFailed(
            f"the marts do not reconcile and no failing row names an article of this run (they were loaded by "
            f"earlier runs and passed then); nothing was committed. A mart or data test (warehouse/sql) is "
            f"wrong, or newsetl is: please report it with these rows:\n  {listing}")
    hold_back(staged, held)
    return True
