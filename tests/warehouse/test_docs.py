"""docs/marts.md documents every mart's columns, in order and with their DuckDB types."""

from __future__ import annotations

import re
from pathlib import Path

from newsetl import sql as wsql

DOC = Path(__file__).resolve().parents[2] / "docs" / "marts.md"


def parse_marts_doc(text: str) -> dict[str, list[tuple[str, str, str]]]:
    """``## name`` sections -> their ``| column | type | meaning |`` table rows."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    current: str | None = None
    for line in text.splitlines():
        if m := re.match(r"^##\s+([a-z_][a-z0-9_]*)\s*$", line):
            current = m.group(1)
            out[current] = []
        elif current and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[0] not in ("column", "") and not set(cells[0]) <= set("-:"):
                out[current].append((cells[0], cells[1], cells[2]))
    return out


def test_every_mart_is_documented_with_its_columns() -> None:
    con = wsql.connect()
    wsql.create_views(con, {})
    doc = parse_marts_doc(DOC.read_text(encoding="utf-8"))
    assert sorted(doc) == sorted(wsql.mart_names())
    for mart in wsql.mart_names():
        actual = [(r[0], r[1].lower()) for r in con.sql(f"describe {mart}").fetchall()]
        documented = [(c, t) for c, t, _ in doc[mart]]
        assert documented == actual, mart
        assert all(len(meaning) >= 10 for _, _, meaning in doc[mart]), mart


def test_parser_reads_sections_and_tables() -> None:
    text = "# x\n\n## m1\n\n| column | type | meaning |\n|---|---|---|\n| a | date | the day |\n\n## m2\ntext\n"
    assert parse_marts_doc(text) == {"m1": [("a", "date", "the day")], "m2": []}
