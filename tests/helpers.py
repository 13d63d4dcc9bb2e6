"""Helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsetl import sql as wsql
from newsetl.store import Warehouse


def query(warehouse: Path, q: str) -> list[tuple[Any, ...]]:
    wh = Warehouse(warehouse)
    snap = wh.snapshot()
    con = wsql.connect()
    files = {k: [wh.url(f) for f in v] for k, v in snap.tables.items() if not k.startswith("mart:")}
    marts = {k[5:]: wh.url(v[0]) for k, v in snap.tables.items() if k.startswith("mart:")}
    wsql.create_views(con, files, marts)
    return con.sql(q).fetchall()
