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


def _pages(root: Path) -> dict[str, str]:
    """Every file of a Data Docs folder, with what differs between two renderings of the same results
    (GX's random element ids and data context id, its asset-URL timestamp) blanked."""
    import re

    def norm(text: str) -> str:
        text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)
        return re.sub(r"d=[0-9T.]+Z", "d=TS", text)

    return {str(p.relative_to(root)): norm(p.read_text(encoding="utf-8", errors="replace"))
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_in_memory_results_store_renders_the_pages_of_gx_file_store(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Results handed to the site builder as objects give the same pages as GX's file store, whose JSON
    round trip they skip: the same files with the same HTML, for a failing and a passing result."""
    import types

    from newsetl.validate import docs

    failing = validate_table("articles", articles([article(0), article(1, body="<b>x</b> ????")]), today=TODAY)
    passing = validate_table("articles", articles([article(2), article(3)]), today=TODAY)
    assert failing.rejected and not passing.rejected
    fixed = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)

    class FixedNow(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
            return fixed

    monkeypatch.setattr(docs, "dt", types.SimpleNamespace(datetime=FixedNow, UTC=dt.UTC))  # one run time
    build_data_docs([failing.result, passing.result], tmp_path / "memory", run_name="run-1")
    monkeypatch.setattr(docs, "_keep_results_in_memory", lambda store: None)  # GX's own file store
    build_data_docs([failing.result, passing.result], tmp_path / "files", run_name="run-1")

    memory, files = _pages(tmp_path / "memory"), _pages(tmp_path / "files")
    assert sorted(p for p in memory if p.endswith(".html")) == [
        "index.html",
        "validations/articles/run-1/20261202T120000.000000Z/articles-batch-00000.html",
        "validations/articles/run-1/20261202T120000.000000Z/articles-batch-00001.html",
    ]
    assert memory == files
    assert "&lt;b&gt;x&lt;/b&gt; ????" in memory["index.html"] + "".join(memory.values())
