"""Helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsetl import sql as wsql
from newsetl.store import Warehouse


def query(warehouse: Path, q: str) -> list[tuple[Any, ...]]:
    wh = Warehouse(warehouse)
    con = wsql.open_warehouse(wh)
    return con.sql(q).fetchall()
