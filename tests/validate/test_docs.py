"""GX Data Docs: real pages from GX's site builder, with article text escaped (never executed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.parser import parse

from newsetl.validate import build_data_docs, validate_table
from tests.validate.helpers import TODAY, article, articles


def test_data_docs_escape_script(tmp_path: Path) -> None:
    evil = "<script>alert('pwned')</script> text ???? & more"
    o = validate_table("articles", articles([article(0), article(1, body=evil)]), today=TODAY)
    assert [r.reason for r in o.rejected] == ["expect_column_values_to_not_match_regex"]
    out = tmp_path / "data_docs"
    index = build_data_docs([o.result, o.result], out, run_name="run-1")
    assert index == out / "index.html" and index.is_file()
    pages = sorted(out.rglob("*.html"))
    validation_pages = [p for p in pages if "validations" in p.parts]
    assert len(validation_pages) == 2
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; text ???? &amp; more" in text
    assert "&amp;lt;" not in text  # escaped once, not twice
    assert "articles-batch-00000" in index.read_text(encoding="utf-8")


def test_a_run_id_that_reads_as_a_date_with_an_impossible_offset(tmp_path: Path) -> None:
    """GX parsed the run name as a date when given no run time: run ids are ``<UTC stamp>-<6 hex>``, and a
    suffix such as ``9449ad`` reads as a UTC offset of -94:49 (and "AD"), which no datetime accepts ("offset
    must be a timedelta strictly between..."): a run failed after its commit, at random, 1 run in ~300k."""
    run_id = "20261201T233052-9449ad"
    with pytest.raises(ValueError, match="offset must be a timedelta"):  # the trap: dateutil accepts it
        parse(run_id).astimezone(dt.UTC)
    o = validate_table("articles", articles([article(0)]), today=TODAY)
    index = build_data_docs([o.result], tmp_path / "docs", run_name=run_id)
    assert run_id in index.read_text(encoding="utf-8")
