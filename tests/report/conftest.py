"""A committed tiny warehouse with hostile text, and the report written from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from newsetl.report import write_report
from newsetl.store import cast_to_schema
from tests.warehouse.tiny import ARTICLES, DUPLICATES, ENTITIES, SECTORS, article, committed, tables

XSS_TITLE = "<script>alert(1)</script>"
XSS_DETAIL = "bad bytes <img src=x onerror=alert(2)>"
ODD_SOURCE = 'Price $5 & $10 "News" --><b>x</b>'  # '$' pair: math text in matplotlib; '-->' ends comments


def hostile_tables() -> dict[str, pa.Table]:
    arts = [*ARTICLES, article("x#0", dt.date(2024, 3, 2), title=XSS_TITLE, source=ODD_SOURCE)]
    t = tables(arts, [*SECTORS, ("x#0", "energy", 2), ("x#0", "health", 1)], ENTITIES, DUPLICATES)
    now = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    t["quarantine"] = cast_to_schema(pa.table({
        "source_uri": ["q1", "q2", "q3"], "article_id": ["q1#0", None, "q3#0"],
        "stage": ["ingest", "ingest", "validate"],
        "reason": ["binary_content", "binary_content", "expect_column_values_to_not_be_null"],
        "detail": [XSS_DETAIL, XSS_DETAIL, "body is null"], "run_id": ["r1"] * 3, "quarantined_at": [now] * 3,
    }), "quarantine")
    return t


@pytest.fixture(scope="session")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    wh = committed(tmp, hostile_tables())
    return write_report(wh.uri, str(tmp / "out" / "report.html"))
