"""The markdown a flow run publishes as its Prefect artifact (read-only queries over the committed warehouse)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from newsetl import sql as wsql
from newsetl.run.publish import duckdb_file_path
from newsetl.run.result import RunResult
from newsetl.store import Warehouse

TOP_SECTORS = 10
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links, table cells, strike-through


def md(text: object) -> str:
    """``text`` as literal Markdown table-cell content: HTML escaped, the punctuation of emphasis, code,
    links and cells backslash-escaped, line breaks as spaces (a path or name can hold any of them)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(html.escape(str(text), quote=False).splitlines()))


def open_views(wh: Warehouse) -> Any:
    """A DuckDB connection with the views of the live snapshot (marts read from their Parquet files)."""
    return wsql.open_warehouse(wh)


def top_sectors(wh: Warehouse, n: int = TOP_SECTORS) -> list[tuple[str, int, int]]:
    """(sector, articles, unique stories) over the whole warehouse, most articles first."""
    if not wh.exists():
        return []
    con = open_views(wh)
    try:
        rows = con.sql(
            "select sector, sum(articles)::bigint, sum(unique_stories)::bigint from sector_monthly "
            f"group by sector order by 2 desc, sector limit {int(n)}"
        ).fetchall()
    finally:
        con.close()
    return [(str(s), int(a), int(u)) for s, a, u in rows]


def outputs(wh: Warehouse) -> list[tuple[str, str]]:
    """Where a person finds the run's outputs: (what, path or URL), only those that exist."""
    out: list[tuple[str, str]] = [("warehouse", wh.uri)]
    if wh.remote:
        out.append(("query", f"newsetl sql --warehouse {wh.uri} \"select ...\""))
        base = wh.local_dir("")  # report, Data Docs and the .duckdb file of a remote warehouse are local
    else:
        base = Path(wh.root)
    duck = duckdb_file_path(wh)
    if duck.exists():
        out.append(("DuckDB file", str(duck)))
    for what, rel in (("Data Docs", "data_docs/index.html"), ("HTML report", "report/report.html")):
        p = Path(base) / rel
        if p.exists():
            out.append((what, str(p)))
    if not any(w == "HTML report" for w, _ in out):
        out.append(("HTML report", f"not built yet: newsetl report --warehouse {wh.uri}"))
    return out


def run_summary_markdown(res: RunResult, sectors: list[tuple[str, int, int]] | None = None) -> str:
    wh = Warehouse(res.warehouse)
    if sectors is None:
        try:
            sectors = top_sectors(wh)
        except Exception as exc:  # the artifact must not fail a committed run
            sectors = []
            sector_note = f"(top sectors unavailable: {type(exc).__name__}: {exc})"
        else:
            sector_note = ""
    else:
        sector_note = ""
    stage_rows = "\n".join(f"| {md(k.strip())} | {v:.2f} |" for k, v in res.stage_seconds.items())
    reasons = "\n".join(f"| {md(k)} | {v} |" for k, v in sorted(res.quarantine_reasons.items())) or "| - | 0 |"
    sector_rows = "\n".join(f"| {md(s)} | {a} | {u} |" for s, a, u in sectors) or "| - | 0 | 0 |"
    where = "\n".join(f"| {md(w)} | {md(p)} |" for w, p in outputs(wh))
    sector_note = md(sector_note) if sector_note else ""
    return f"""# newsetl run {md(res.run_id)}

| files seen | files read | unchanged skipped | articles loaded | duplicates | quarantined | superseded |
|---|---|---|---|---|---|---|
| {res.files_seen} | {res.files_read} | {res.files_skipped} | {res.articles_loaded} | {res.duplicates} | {res.quarantined} | {res.superseded} |

## Top sectors (whole warehouse, snapshot {md(res.snapshot_id)})
| sector | articles | unique stories |
|---|---|---|
{sector_rows}
{sector_note}
## Quarantine by reason
| reason | rows |
|---|---|
{reasons}

## Seconds per stage
| stage | seconds |
|---|---|
{stage_rows}

## Where to look
| what | where |
|---|---|
{where}
"""
