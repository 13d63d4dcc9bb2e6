"""``newsetl report``: one self-contained HTML file (inline SVG charts, no scripts) plus PNG exports.

Every chart is drawn from the marts and tables of the live snapshot and comes with its numbers in a
``<details>`` table, so the page reads without the warehouse. Every count in those tables links to a
drill-down section listing the articles it counts (``newsetl.explain.drill``: the lineage views that
``newsetl explain`` reads), shown when its link is followed (CSS ``:target``, no script). All text from the data is HTML-escaped (an
article titled ``<script>`` shows it as text), chart labels are drawn as glyph outlines (never markup)
with math-text parsing off (a ``$`` in a source name is just a dollar), and a Content-Security-Policy
forbids any script or external resource.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from newsetl import sql as wsql
from newsetl.errors import NewsetlError
from newsetl.explain import drill as dd
from newsetl.store import Warehouse

TOP_SECTORS = 8  # lines in the trend chart
TOP_HEATMAP = 15  # sectors in the co-occurrence heat map
TOP_SOURCES = 15
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22"]
#: Matplotlib settings of every chart: text as outlines, no math text, stable SVG ids.
RC: Any = {"text.parse_math": False, "svg.fonttype": "path", "svg.hashsalt": "newsetl-report",
      "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
#: Chart PNG exports, in report order (``<stem>_charts/<name>.png`` beside the HTML).
CHARTS = ("sector_trends", "sector_share", "sector_cooccurrence", "top_sources", "duplicates_quarantine")
#: The publisher of an article, as in the ``sector_by_source`` mart.
_SVG_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
SOURCE_SQL = "coalesce(nullif(trim(source_name), ''), nullif(trim(source_domain), ''), 'unknown')"


@dataclass
class Section:
    """One block of the report: a chart (inline SVG, or an empty-state note), a caption and its data."""

    title: str
    chart: str
    caption: str
    table: str = ""

    @property
    def anchor(self) -> str:
        return "s-" + re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


def _open(wh: Warehouse) -> Any:
    return wsql.open_warehouse(wh)


def _rows(con: Any, q: str) -> list[tuple[Any, ...]]:
    return list(con.sql(q).fetchall())


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v))


def _save(fig: Any, name: str, png_dir: Path, label: str) -> str:
    """Save ``<name>.png`` and return the chart as inline SVG markup (labelled for screen readers)."""
    fig.savefig(png_dir / f"{name}.png", dpi=110, bbox_inches="tight")
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
    svg = _SVG_COMMENT.sub("", svg)  # matplotlib repeats each label as a comment (escaped); not needed
    return svg.replace("<svg", f'<svg role="img" aria-label="{_esc(label)}" class="chart"', 1)


def _empty(msg: str) -> str:
    return f'<p class="empty">{_esc(msg)}</p>'


def _cell(v: Any) -> str:
    return v.html() if isinstance(v, dd.Link) else _esc(v)


def _link(v: Any, anchors: dict[Any, str] | None, key: Any) -> Any:
    """``v`` as a link to the drill-down of ``key`` when there is one."""
    if anchors and key in anchors:
        return dd.Link(str(v), "#" + anchors[key])
    return v


def _table(cols: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td class='num'>{_cell(v)}</td>" if i in numeric else f"<td>{_cell(v)}</td>"
                         for i, v in enumerate(r)) + "</tr>"
        for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _data(cols: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    if not rows:
        return ""
    return f"<details><summary>Data ({len(rows)} rows)</summary>{_table(cols, rows, numeric)}</details>"


def _pct(n: float) -> str:
    return f"{100 * n:.1f}%"


# -- charts ----------------------------------------------------------------------------------------------

def _trend_period(con: Any) -> tuple[str, str]:
    """(mart, period column) for the trend chart: months over half a year or more, else weeks, else days."""
    lo, hi = _rows(con, "select min(published_date), max(published_date) from articles")[0]
    span = (hi - lo).days if lo is not None and hi is not None else 0
    if span > 180:
        return "sector_monthly", "month"
    if span > 27:
        return "sector_weekly", "week"
    return "sector_daily", "day"


def chart_trends(con: Any, png_dir: Path, drill: dd.Drilldowns | None = None) -> Section:
    mart, period = _trend_period(con)
    undated = _rows(con, "select count(*) from articles where published_date is null")[0][0]
    top = [r[0] for r in _rows(con, f"select sector from {mart} where {period} is not null group by sector "
                                    f"order by sum(articles) desc, sector limit {TOP_SECTORS}")]
    caption = (f"Articles (copies included) tagged with each of the {len(top)} most covered sectors, "
               f"per publication {period}; periods without articles count as 0.")
    if undated:
        caption += f" {undated} undated article(s) are not plotted (see the data table, period 'undated')."
    table_rows = _rows(con, f"select coalesce(cast({period} as varchar), 'undated'), sector, articles, "
                            f"unique_stories, share, {period} from {mart} order by {period} nulls last, articles desc, "
                            "sector")
    cells = drill.mart_cells(con, mart, "s-sector-trends") if drill else None
    data = _data([period, "sector", "articles", "unique stories", "share of the period"],
                 [(p, s, _link(a, cells, (raw, s)), u, _pct(sh)) for p, s, a, u, sh, raw in table_rows],
                 numeric=(2, 3, 4))
    if not top:
        return Section("Sector trends", _empty("No dated, sector-tagged articles yet."), "", data)
    step = {"month": "1 month", "week": "7 days", "day": "1 day"}[period]
    grid = con.execute(f"""
        with bounds as (select min({period}) as lo, max({period}) as hi from {mart}),
        periods as (select unnest(generate_series(lo, hi, interval '{step}'))::date as {period} from bounds),
        sectors as (select unnest($top::varchar[]) as sector)
        select p.{period}, s.sector, coalesce(m.articles, 0)
        from periods as p cross join sectors as s
        left join {mart} as m on m.{period} = p.{period} and m.sector = s.sector
        order by s.sector, p.{period}""", {"top": top}).fetchall()
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(9, 4.2))
        for i, s in enumerate(top):
            pts = [(p, n) for p, sec, n in grid if sec == s]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            color = PALETTE[i % len(PALETTE)]
            ax.plot(xs, ys, label=s, color=color, linewidth=1.6)
            ax.scatter([x for x, y in zip(xs, ys, strict=True) if y], [y for y in ys if y], color=color, s=18,
                       zorder=3)
        ax.set_xlabel(f"publication {period}")
        ax.set_ylabel("articles")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"Articles per sector and {period} (top {len(top)} sectors)")
        ax.legend(fontsize=8, ncol=2, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.grid(axis="y", alpha=0.3)
        periods = sorted({p for p, _, _ in grid})
        if len(periods) <= 14:  # a tick per period; never hour ticks for a few days
            ax.set_xticks(periods)
        else:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=12))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m" if period == "month" else "%Y-%m-%d"))
        fig.autofmt_xdate()
        svg = _save(fig, "sector_trends", png_dir, f"Line chart: articles per sector and {period}")
    return Section("Sector trends", svg, caption, data)


def chart_share(con: Any, png_dir: Path, drill: dd.Drilldowns | None = None) -> Section:
    total = _rows(con, "select count(*) from articles")[0][0]
    rows = _rows(con, "select s.sector, count(*), count(distinct a.story_id) from article_sectors as s "
                      "inner join articles as a using (article_id) group by s.sector order by 2 desc, 1")
    caption = (f"Share of all {total} articles tagged with each sector (an article can have several sectors, "
               "so shares add up to more than 100%). Light bar: articles with copies; dark bar: unique stories.")
    cells = drill.sector_totals(con, "s-sector-share") if drill else None
    data = _data(["sector", "articles", "unique stories", "share of all articles"],
                 [(s, _link(n, cells, s), u, _pct(n / total)) for s, n, u in rows], numeric=(1, 2, 3))
    if not rows:
        return Section("Sector share", _empty("No sector tags yet."), "", data)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.2))
        names = [r[0] for r in rows][::-1]
        arts = [r[1] for r in rows][::-1]
        ax.barh(names, arts, color="#9ecae1", label="articles")
        ax.barh(names, [r[2] for r in rows][::-1], color="#3182bd", label="unique stories", height=0.5)
        for y, n in enumerate(arts):
            ax.text(n, y, f" {_pct(n / total)}", va="center", fontsize=8)
        ax.set_xlim(0, max(arts) * 1.15)
        ax.set_xlabel("articles")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("Sector share of coverage (% of all articles)")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        svg = _save(fig, "sector_share", png_dir, "Bar chart: articles per sector")
    return Section("Sector share", svg, caption, data)


def chart_cooccurrence(con: Any, png_dir: Path, drill: dd.Drilldowns | None = None) -> Section:
    rows = _rows(con, "select sector_a, sector_b, articles, unique_stories, overlap from sector_cooccurrence "
                      "order by articles desc, sector_a, sector_b")
    caption = ("Articles tagged with both sectors of a cell (copies included). Overlap in the data table: "
               "articles / those of the smaller sector.")
    cells = drill.mart_cells(con, "sector_cooccurrence", "s-sector-co-occurrence") if drill else None
    data = _data(["sector a", "sector b", "articles", "unique stories", "overlap"],
                 [(a, b, _link(n, cells, (a, b)), u, _pct(o)) for a, b, n, u, o in rows], numeric=(2, 3, 4))
    if not rows:
        return Section("Sector co-occurrence", _empty("No article has two sectors yet."), "", data)
    weight: dict[str, int] = {}
    for a, b, n, _, _ in rows:
        weight[a] = weight.get(a, 0) + n
        weight[b] = weight.get(b, 0) + n
    sectors = sorted(sorted(weight), key=lambda s: -weight[s])[:TOP_HEATMAP]
    if len(weight) > TOP_HEATMAP:
        caption += f" The {TOP_HEATMAP} sectors with the most co-occurrences are shown."
    idx = {s: i for i, s in enumerate(sectors)}
    n_s = len(sectors)
    grid = [[0] * n_s for _ in sectors]
    for a, b, n, _, _ in rows:
        if a in idx and b in idx:
            grid[idx[a]][idx[b]] = grid[idx[b]][idx[a]] = n
    vmax = max(max(r) for r in grid) or 1
    with plt.rc_context(RC):
        side = 1.6 + 0.5 * n_s
        fig, ax = plt.subplots(figsize=(side + 1.2, side))
        masked = [[float("nan") if i == j else grid[i][j] for j in range(n_s)] for i in range(n_s)]
        im = ax.imshow(masked, cmap="Blues", vmin=0, vmax=vmax)
        ax.set_facecolor("#eeeeee")  # the diagonal (a sector with itself) stays grey
        ax.set_xticks(range(n_s), sectors, rotation=55, ha="right", fontsize=8)
        ax.set_yticks(range(n_s), sectors, fontsize=8)
        for i in range(n_s):
            for j in range(n_s):
                if i != j and grid[i][j]:
                    ax.text(j, i, str(grid[i][j]), ha="center", va="center", fontsize=7,
                            color="white" if grid[i][j] > 0.6 * vmax else "black")
        ax.spines[:].set_visible(False)
        cb = fig.colorbar(im, ax=ax, shrink=0.7)
        cb.set_label("articles tagged with both")
        cb.locator = MaxNLocator(integer=True)
        cb.update_ticks()
        ax.set_title("Sectors discussed together")
        svg = _save(fig, "sector_cooccurrence", png_dir, "Heat map: articles tagged with two sectors")
    return Section("Sector co-occurrence", svg, caption, data)


def chart_sources(con: Any, png_dir: Path, drill: dd.Drilldowns | None = None) -> Section:
    rows = _rows(con, f"select {SOURCE_SQL} as s, count(*), count(distinct story_id), count(published_date) "
                      f"from articles group by s order by 2 desc, s limit {TOP_SOURCES}")
    n_sources = _rows(con, f"select count(distinct {SOURCE_SQL}) from articles")[0][0]
    caption = (f"The {len(rows)} publishers with the most articles (of {n_sources}); 'unknown' when the input "
               "names no publisher. Light bar: articles with copies; dark bar: unique stories.")
    cells = drill.sources(con, [r[0] for r in rows], "s-top-sources") if drill else None
    data = _data(["source", "articles", "unique stories", "dated"],
                 [(s, _link(n, cells, s), u, d) for s, n, u, d in rows], numeric=(1, 2, 3))
    if not rows:
        return Section("Top sources", _empty("No articles yet."), "", data)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.2))
        names = [str(r[0]) for r in rows][::-1]
        ax.barh(names, [r[1] for r in rows][::-1], color="#fdae6b", label="articles")
        ax.barh(names, [r[2] for r in rows][::-1], color="#e6550d", label="unique stories", height=0.5)
        ax.set_xlabel("articles")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("Top sources")
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        svg = _save(fig, "top_sources", png_dir, "Bar chart: articles per source")
    return Section("Top sources", svg, caption, data)


def chart_quality(con: Any, png_dir: Path, drill: dd.Drilldowns | None = None) -> Section:
    dups = _rows(con, "select method, count(*), count(distinct canonical_article_id), round(avg(similarity), 3) "
                      "from duplicates group by method order by 2 desc, 1")
    quar = _rows(con, "select reason, stage, count(*), any_value(detail) from quarantine "
                      "group by reason, stage order by 3 desc, 1, 2")
    bars = [(f"duplicate: {m}", n) for m, n, _, _ in dups] + [(f"quarantine: {r} ({s})", n) for r, s, n, _ in quar]
    caption = ("Copies recorded as duplicates of a story, by detection method, and records kept out of the "
               "warehouse (quarantine), by reason and stage.")
    tables = ""
    back = "s-duplicates-and-quarantine"
    if dups:
        cells = drill.duplicates(con, back) if drill else None
        tables += "<h3>Duplicates by method</h3>" + _table(
            ["method", "copies", "stories copied", "mean similarity"],
            [(m, _link(n, cells, m), c, sim) for m, n, c, sim in dups], numeric=(1, 2, 3))
    if quar:
        qcells = drill.quarantine(con, back) if drill else None
        tables += "<h3>Quarantine by reason</h3>" + _table(
            ["reason", "stage", "rows", "example detail"],
            [(r, s, _link(n, qcells, (r, s)), (d or "")[:300]) for r, s, n, d in quar], numeric=(2,))
    if not bars:
        return Section("Duplicates and quarantine", _empty("No duplicates and nothing quarantined."), "", "")
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(9, 0.32 * len(bars) + 1.2))
        colors = ["#74c476" if b[0].startswith("duplicate") else "#fb6a4a" for b in bars][::-1]
        ax.barh([b[0] for b in bars][::-1], [b[1] for b in bars][::-1], color=colors)
        ax.set_xlabel("rows")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title("Duplicates (green) and quarantined records (red)")
        svg = _save(fig, "duplicates_quarantine", png_dir, "Bar chart: duplicates and quarantined records")
    return Section("Duplicates and quarantine", svg, caption, tables)


CSS = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1040px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.6em;margin-bottom:.2em}
h2{margin-top:2.2em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{font-size:1em;margin:1.2em 0 .4em}
table{border-collapse:collapse;font-size:.88em;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f4f6f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kpi{display:flex;flex-wrap:wrap;gap:1em}.kpi div{background:#f4f6f8;padding:.6em 1em;border-radius:6px;
min-width:7em}.kpi b{display:block;font-size:1.4em}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}
svg.chart{max-width:100%;height:auto;display:block}.empty{color:#888;font-style:italic}
details{margin:.5em 0}summary{cursor:pointer;color:#555}.meta{color:#555;font-size:.9em}""" + dd.CSS


def write_report(warehouse: str, out: str | None = None, per_cell: int = 10) -> Path:
    """Write the HTML report (and PNG charts in ``<stem>_charts/`` beside it); returns the HTML path.

    ``per_cell``: articles listed in each cell's drill-down (at most; a table of many cells lists fewer per
    cell, see ``Drilldowns.max_rows``; the command each drill-down names lists them all)."""
    wh = Warehouse(warehouse)
    if not wh.exists():
        raise NewsetlError(f"no warehouse at {wh.uri}: run `newsetl run SOURCE --warehouse {warehouse}` first")
    out_path = Path(out) if out else (Path(wh.local_dir("report")) / "report.html")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    png_dir = out_path.parent / (out_path.stem + "_charts")
    png_dir.mkdir(parents=True, exist_ok=True)
    for name in CHARTS:  # a chart that is empty now must not leave last run's PNG behind
        (png_dir / f"{name}.png").unlink(missing_ok=True)
    con = _open(wh)
    kpi = _rows(con, "select count(*), count(distinct story_id), count(published_date), "
                     "count(*) - count(published_date), (select count(*) from duplicates), "
                     "(select count(*) from quarantine) from articles")[0]
    drill = dd.Drilldowns(per_cell)
    sections = [chart_trends(con, png_dir, drill), chart_share(con, png_dir, drill),
                chart_cooccurrence(con, png_dir, drill), chart_sources(con, png_dir, drill),
                chart_quality(con, png_dir, drill)]
    latest = _rows(con, f"select coalesce(cast(published_date as varchar), 'undated'), title, {SOURCE_SQL} "
                        "from articles where not is_duplicate "
                        "order by published_date desc nulls last, title limit 25")
    snap = wh.snapshot()
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        f"<title>newsetl report</title><style>{CSS}</style></head><body>",
        "<h1>newsetl report</h1>",
        f"<p class='meta'>Warehouse <code>{_esc(wh.uri)}</code>, snapshot {_esc(snap.id)} "
        f"(run {_esc(snap.run_id or '-')}), generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. "
        "Articles count every loaded copy; unique stories count each story once.</p>",
        "<div class='kpi'>"
        + "".join(f"<div><b>{_esc(v)}</b>{_esc(k)}</div>" for k, v in zip(
            ["articles", "unique stories", "dated", "undated", "duplicates", "quarantined"], kpi, strict=True))
        + "</div>",
    ]
    for s in sections:
        cap = f"<figcaption>{_esc(s.caption)}</figcaption>" if s.caption else ""
        parts.append(f"<section id='{s.anchor}'><h2>{_esc(s.title)}</h2><figure>{s.chart}{cap}</figure>"
                     f"{s.table}</section>")
    parts.append("<section><h2>Latest stories</h2>"
                 + (_table(["date", "title", "source"], latest) if latest else _empty("No articles yet."))
                 + "</section>")
    parts.append(drill.html())
    pngs = [f"{name}.png" for name in CHARTS if (png_dir / f"{name}.png").exists()]
    parts.append(f"<p class='meta'>PNG exports of the charts in <code>{_esc(png_dir)}</code>: "
                 f"{_esc(', '.join(pngs) or 'none')}.</p></body></html>")
    tmp = out_path.with_name("." + out_path.name + ".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(out_path)
    return out_path
