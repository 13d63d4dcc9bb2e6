"""docs/explain.md documents every lineage view's columns, in order, with their DuckDB types."""

from __future__ import annotations

from pathlib import Path

from newsetl import sql as wsql
from tests.warehouse.test_docs import parse_marts_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "explain.md"


def test_every_lineage_view_is_documented_with_its_columns() -> None:
    con = wsql.connect()
    wsql.create_views(con, {})
    doc = parse_marts_doc(DOC.read_text(encoding="utf-8"))
    views = [p.stem for p in wsql.lineage_files()]
    assert sorted(doc) == sorted(views)
    for view in views:
        actual = [(r[0], r[1].lower()) for r in con.sql(f"describe {view}").fetchall()]
        assert [(c, t) for c, t, _ in doc[view]] == actual, view
        assert all(len(meaning) >= 10 for _, _, meaning in doc[view]), view


def test_every_counting_mart_has_a_lineage_view() -> None:
    views = {p.stem for p in wsql.lineage_files()}
    counting = {m for m in wsql.mart_names() if "unique_stories" in (wsql.SQL_DIR / "marts" / f"{m}.sql").read_text()}
    assert {f"lineage_{m}" for m in counting} <= views
