"""``newsetl report``: one self-contained HTML file (inline SVG charts, no scripts) plus PNG exports.

Every chart is drawn from the marts of the live snapshot; every piece of text from the data is
HTML-escaped, so an article holding ``<script>`` shows it as text and never runs it.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from newsetl import sql as wsql
from newsetl.errors import NewsetlError
from newsetl.store import Warehouse

TOP_SECTORS = 8
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22"]


def _open(wh: Warehouse) -> Any:
    snap = wh.snapshot()
    con = wsql.connect(fs=wh.fs if wh.remote else None)
    files = {k: [wh.url(f) for f in v] for k, v in snap.tables.items() if not k.startswith("mart:")}
    marts = {k[5:]: wh.url(v[0]) for k, v in snap.tables.items() if k.startswith("mart:")}
    wsql.create_views(con, files, marts)
    return con


def _rows(con: Any, q: str) -> list[tuple[Any, ...]]:
    return list(con.sql(q).fetchall())


def _save(fig: Any, name: str, png_dir: Path) -> str:
    """Save a PNG export and return the chart as inline SVG markup."""
    fig.savefig(png_dir / f"{name}.png", dpi=110, bbox_inches="tight")
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and doctype


def _empty(msg: str) -> str:
    return f'<p class="empty">{html.escape(msg)}</p>'


def chart_trends(con: Any, png_dir: Path) -> str:
    top = [r[0] for r in _rows(con, f"select sector from sector_monthly group by sector order by sum(articles) desc, sector limit {TOP_SECTORS}")]
    rows = _rows(con, "select month, sector, articles from sector_monthly where month is not null order by month")
    if not top or not rows:
        return _empty("No dated, sector-tagged articles yet.")
    fig, ax = plt.subplots(figsize=(9, 4))
    for i, s in enumerate(top):
        pts = [(m, n) for m, sec, n in rows if sec == s]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=s, color=PALETTE[i % len(PALETTE)])
    ax.set_ylabel("articles")
    ax.set_title("Articles per sector and month")
    ax.legend(fontsize=8, ncol=2)
    fig.autofmt_xdate()
    return _save(fig, "sector_trends", png_dir)


def chart_share(con: Any, png_dir: Path) -> str:
    rows = _rows(con, "select sector, sum(articles), sum(unique_stories) from sector_monthly group by sector order by 2 desc, 1")
    if not rows:
        return _empty("No sector tags yet.")
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(rows) + 1))
    names = [r[0] for r in rows][::-1]
    ax.barh(names, [r[1] for r in rows][::-1], color="#9ecae1", label="articles")
    ax.barh(names, [r[2] for r in rows][::-1], color="#3182bd", label="unique stories")
    ax.set_xlabel("articles")
    ax.set_title("Sector share of coverage")
    ax.legend(fontsize=8)
    return _save(fig, "sector_share", png_dir)


def chart_cooccurrence(con: Any, png_dir: Path) -> str:
    rows = _rows(con, "select sector_a, sector_b, articles from sector_cooccurrence")
    sectors = sorted({r[0] for r in rows} | {r[1] for r in rows})
    if not sectors:
        return _empty("No article has two sectors yet.")
    idx = {s: i for i, s in enumerate(sectors)}
    grid = [[0] * len(sectors) for _ in sectors]
    for a, b, n in rows:
        grid[idx[a]][idx[b]] = grid[idx[b]][idx[a]] = n
    fig, ax = plt.subplots(figsize=(1 + 0.55 * len(sectors), 0.55 * len(sectors) + 1))
    im = ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(sectors)), sectors, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(sectors)), sectors, fontsize=8)
    for i in range(len(sectors)):
        for j in range(len(sectors)):
            if grid[i][j]:
                ax.text(j, i, str(grid[i][j]), ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.7)
    ax.set_title("Sectors discussed together (articles)")
    return _save(fig, "sector_cooccurrence", png_dir)


def chart_sources(con: Any, png_dir: Path) -> str:
    rows = _rows(con, "select coalesce(source_name, source_domain, 'unknown') as s, count(*), count(distinct story_id) "
                      "from articles group by s order by 2 desc, s limit 15")
    if not rows:
        return _empty("No articles yet.")
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(rows) + 1))
    names = [str(r[0]) for r in rows][::-1]
    ax.barh(names, [r[1] for r in rows][::-1], color="#fdae6b", label="articles")
    ax.barh(names, [r[2] for r in rows][::-1], color="#e6550d", label="unique stories")
    ax.set_title("Top sources")
    ax.legend(fontsize=8)
    return _save(fig, "top_sources", png_dir)


def chart_quality(con: Any, png_dir: Path) -> str:
    rows = _rows(con, "select 'quarantine: ' || reason, count(*) from quarantine group by reason "
                      "union all select 'duplicate: ' || method, count(*) from duplicates group by method "
                      "order by 2 desc, 1")
    if not rows:
        return _empty("No duplicates and nothing quarantined.")
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(rows) + 1))
    ax.barh([r[0] for r in rows][::-1], [r[1] for r in rows][::-1], color="#a1d99b")
    ax.set_title("Duplicates by method and quarantine by reason")
    return _save(fig, "duplicates_quarantine", png_dir)


def _table(cols: list[str], rows: list[tuple[Any, ...]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;font-size:.9em}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}.kpi{display:flex;gap:2em}
.kpi div{background:#f4f6f8;padding:.6em 1em;border-radius:6px}.kpi b{display:block;font-size:1.4em}
figure{margin:1em 0}svg{max-width:100%;height:auto}.empty{color:#888}"""


def write_report(warehouse: str, out: str | None = None) -> Path:
    """Write the HTML report (and PNG charts beside it); returns the HTML path."""
    wh = Warehouse(warehouse)
    if not wh.exists():
        raise NewsetlError(f"no warehouse at {wh.uri}: run `newsetl run SOURCE --warehouse {warehouse}` first")
    out_path = Path(out) if out else (Path(wh.local_dir("report")) / "report.html")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    png_dir = out_path.parent / (out_path.stem + "_charts")
    png_dir.mkdir(parents=True, exist_ok=True)
    con = _open(wh)
    kpi = _rows(con, "select count(*), count(distinct story_id), count(published_date), "
                     "(select count(*) from quarantine), (select count(*) from duplicates) from articles")[0]
    sections = [
        ("Sector trends", chart_trends(con, png_dir)),
        ("Sector share", chart_share(con, png_dir)),
        ("Sector co-occurrence", chart_cooccurrence(con, png_dir)),
        ("Top sources", chart_sources(con, png_dir)),
        ("Duplicates and quarantine", chart_quality(con, png_dir)),
    ]
    latest = _rows(con, "select coalesce(cast(published_date as varchar), 'undated'), title, "
                        "coalesce(source_name, source_domain, '') from articles where not is_duplicate "
                        "order by published_date desc nulls last, title limit 25")
    quarantine = _rows(con, "select reason, stage, count(*), any_value(detail) from quarantine "
                            "group by reason, stage order by 3 desc limit 20")
    snap = wh.snapshot()
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>newsetl report</title><style>{CSS}</style></head><body>",
        "<h1>newsetl report</h1>",
        f"<p>Warehouse <code>{html.escape(wh.uri)}</code>, snapshot {html.escape(snap.id)} "
        f"(run {html.escape(snap.run_id or '-')}), generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.</p>",
        "<div class='kpi'>"
        + "".join(f"<div><b>{v}</b>{html.escape(k)}</div>" for k, v in zip(
            ["articles", "unique stories", "dated", "quarantined", "duplicates"], kpi, strict=True))
        + "</div>",
    ]
    for title, body in sections:
        parts.append(f"<h2>{html.escape(title)}</h2><figure>{body}</figure>")
    parts.append("<h2>Latest stories</h2>" + _table(["date", "title", "source"], latest))
    parts.append("<h2>Quarantine by reason</h2>" + (_table(["reason", "stage", "rows", "example"], quarantine)
                                                     if quarantine else _empty("Nothing quarantined.")))
    parts.append(f"<p>PNG exports of each chart: <code>{html.escape(str(png_dir))}</code></p></body></html>")
    tmp = out_path.with_name("." + out_path.name + ".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(out_path)
    return out_path
