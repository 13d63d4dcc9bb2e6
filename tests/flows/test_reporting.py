"""The run artifact's Markdown shows any warehouse path, sector or reason literally (escaped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from flows.reporting import md, run_summary_markdown
from newsetl.run.result import RunResult

HOSTILE = "wh |<b>bold</b> *em* _u_ `code` [link](http://e.x) ~~s~~ \\ & &amp; <script>alert(1)</script>"


def _tables(markdown: str) -> list[list[list[str]]]:
    """Each table of the rendered Markdown as rows of cell texts (inline markup flattened)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for t in tokens:
        if t.type == "table_open":
            tables.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type == "inline" and row is not None:
            assert all(c.type in ("text", "softbreak") for c in t.children or []), (t.content, t.children)
            row.append("".join(c.content for c in t.children or []))
        elif t.type == "tr_close" and row is not None:
            tables[-1].append(row)
            row = None
    return tables


def _result(warehouse: Path, **kw: object) -> RunResult:
    base: dict[str, object] = dict(run_id="r1", files_seen=1, files_read=1, files_skipped=0, articles_loaded=1,
                                   duplicates=0, quarantined=1, superseded=0, stage_seconds={"plan": 0.1},
                                   warehouse=str(warehouse), snapshot_id="1",
                                   quarantine_reasons={"weird|reason_*x*": 1})
    base.update(kw)
    return RunResult(**base)  # type: ignore[arg-type]


def test_warehouse_path_with_markdown_and_html_is_shown_literally(tmp_path: Path) -> None:
    wh = tmp_path / HOSTILE
    wh.mkdir(parents=True)
    (wh / "newsetl.duckdb").write_bytes(b"")
    page = run_summary_markdown(_result(wh), sectors=[("energy_*bold*", 2, 1)])
    assert "<script>" not in page and "<b>" not in page
    tables = _tables(page)
    where = tables[-1]
    assert where == [["what", "where"], ["warehouse", str(wh)], ["DuckDB file", f"{wh}/newsetl.duckdb"],
                     ["HTML report", f"not built yet: newsetl report --warehouse {wh}"]]
    assert tables[1][1] == ["energy_*bold*", "2", "1"]
    assert tables[2][1] == ["weird|reason_*x*", "1"]
    assert [len(r) for t in tables for r in t] == [7, 7, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2]  # no cell split by a '|'


@pytest.mark.parametrize("text", [HOSTILE, "a\nb", "plain", "", "1. not a list", "# not a heading"])
def test_md_renders_back_to_the_text(text: str) -> None:
    rendered = _tables(f"| x |\n|---|\n| {md(text)} |\n")[0][1][0]
    assert rendered == " ".join(text.splitlines()).strip()
