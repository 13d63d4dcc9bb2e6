"""Drill-down sections of the HTML report: for each table cell, the articles it counts.

Built from the same lineage views as ``newsetl explain`` (``explain_cells`` with a per-cell limit), so a
report cell and ``newsetl explain <mart> --where ...`` list the same articles. Each section is hidden until
its cell's link targets it (CSS ``:target``: no script), names the cell's counts, lists up to
``per_cell`` articles (title, source, date, sector score and evidence, story copies, a link to the raw
file) and gives the command that lists them all.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import duckdb

from newsetl.explain.cells import MartLineage, counting_marts, explain_sql
from newsetl.explain.render import cell_label, common_folder, copies_text, positions_text

#: CSS of the drill-down sections (hidden until targeted).
CSS = (".drill{display:none;border:3px solid #7b3294;border-radius:6px;padding:.2em 1em 1em;margin:1.5em 0}"
       ".drill:target{display:block}.drill h3{margin-top:.8em}a.cell{font-weight:600}"
       ".ev{color:#555;font-size:.92em}.drill table{width:100%;table-layout:fixed}"
       ".drill td{overflow-wrap:anywhere}.drill code{font-size:.9em}")


@dataclass(frozen=True)
class Link:
    """A table cell that links to a drill-down section."""

    text: str
    href: str

    def html(self) -> str:
        return f"<a class='cell' href='{html.escape(self.href, quote=True)}'>{html.escape(self.text)}</a>"


MAX_COPIES = 5  # other copies of a story named in a row
MIN_PER_CELL = 3
MAX_EVIDENCE = 240  # characters of evidence shown in a row


def _clip(v: Any) -> str:
    t = "" if v is None else str(v)
    return t if len(t) <= MAX_EVIDENCE else t[:MAX_EVIDENCE] + " ..."


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v))


def _anchor(*parts: Any) -> str:
    return "d-" + hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:12]


def raw_link(uri: str, label: str | None = None) -> str:
    """A link to the raw file: file:// for absolute local paths, the URL for http(s); others (s3://) as text."""
    text = f"<code>{_esc(label or uri)}</code>"
    if uri.startswith("/"):
        return f"<a href='{html.escape('file://' + quote(uri), quote=True)}'>{text}</a>"
    if uri.startswith(("http://", "https://")):
        return f"<a href='{html.escape(uri, quote=True)}'>{text}</a>"
    return text


def _sql_literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, int | float):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def where_of(keys: Sequence[str], values: dict[str, Any]) -> str:
    """The ``--where`` that selects exactly this cell."""
    return " and ".join(f"{k} is null" if values[k] is None else f"{k} = {_sql_literal(values[k])}" for k in keys)


@dataclass
class Drilldowns:
    """Sections collected while the report's tables are built; ``html()`` renders them all."""

    per_cell: int = 10
    max_rows: int = 3000  # articles listed per table: many cells get fewer each (at least MIN_PER_CELL)
    sections: list[str] = field(default_factory=list)

    def _limit(self, cells: int) -> int:
        return min(self.per_cell, max(MIN_PER_CELL, self.max_rows // max(cells, 1)))

    def _section(self, anchor: str, title: str, counts: str, command: str, back: str, head: Sequence[str],
                 rows: Sequence[Sequence[str]], widths: Sequence[int] = (), folder: str = "") -> None:
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        ths = "".join(f"<th style='width:{w}%'>{_esc(h)}</th>" if w else f"<th>{_esc(h)}</th>"
                      for h, w in zip(head, [*widths, *[0] * len(head)], strict=False))
        self.sections.append(
            f"<section class='drill' id='{anchor}'><h3>{_esc(title)}</h3><p class='meta'>{_esc(counts)} "
            f"<a href='#{back}'>Back to the chart</a>. All of them: <code>{_esc(command)}</code>"
            + (f"<br>Article ids relative to <code>{_esc(folder)}</code>" if folder else "") + "</p>"
            f"<table><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></section>")

    def _article_rows(self, recs: list[dict[str, Any]], with_sector: bool = True) -> tuple[list[list[str]], str]:
        """Table rows, and the folder the article ids in them are relative to."""
        strip = common_folder([r["article_id"] for r in recs]
                              + [str(c["article_id"]) for r in recs for c in (r["copies"] or [])[:MAX_COPIES]])
        out = []
        for r in recs:
            copies = list(r["copies"] or [])
            story = _esc(r["copy_method"])
            if copies:
                more = f" (+{len(copies) - MAX_COPIES} more)" if len(copies) > MAX_COPIES else ""
                story += f"; other copies: {_esc(copies_text(copies[:MAX_COPIES], strip))}{more}"
            row = [_esc(r["published_date"] or "undated") + f"<br><span class='ev'>{_esc(r['date_source'])}</span>",
                   _esc(r["title"]), _esc(r["source_name"] or "unknown") + f"<br><span class='ev'>{_esc(r['format'])}"
                   "</span>"]
            if with_sector:
                row.append(f"{_esc(r['sector'])}<br><span class='ev'>score {_esc(r['score'])}</span>")
                row.append(f"{_esc(_clip(r['evidence']))}<br><span class='ev'>at {_esc(positions_text(r['matches']))}"
                           "</span>")
            row += [story, raw_link(str(r["source_uri"]), str(r["article_id"]).removeprefix(strip))]
            out.append(row)
        return out, strip

    def _explained(self, con: duckdb.DuckDBPyConnection, ml: MartLineage, cells_sql: str, label: str,
                   command_of: Any, back: str) -> dict[tuple[Any, ...], str]:
        ((n_cells,),) = con.sql(f"select count(*) from ({cells_sql})").fetchall()
        rel = con.sql(explain_sql(ml, cells_sql, self._limit(n_cells)))
        recs = [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
        by_cell: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for r in recs:
            by_cell.setdefault(tuple(r[k] for k in ml.keys), []).append(r)
        crel = con.sql(cells_sql)
        out: dict[tuple[Any, ...], str] = {}
        for row in crel.fetchall():
            cell = dict(zip(crel.columns, row, strict=True))
            key = tuple(cell[k] for k in ml.keys)
            anchor = _anchor(label, *key)
            listed = by_cell.get(key, [])
            counts = (f"{cell['articles']} article(s), {cell['unique_stories']} unique story(ies); "
                      f"listed: {len(listed)}" + (" (strongest evidence first)." if len(listed) < cell["articles"]
                                                  else "."))
            rows, folder = self._article_rows(listed)
            self._section(anchor, f"{label}: {cell_label(ml.keys, cell)}", counts, command_of(cell), back,
                          ["published", "title", "source", "sector", "evidence", "story", "raw file"],
                          rows, (9, 19, 9, 12, 21, 17, 13), folder)
            out[key] = anchor
        return out

    def mart_cells(self, con: duckdb.DuckDBPyConnection, mart: str, back: str) -> dict[tuple[Any, ...], str]:
        """A section per cell of ``mart``; returns cell key -> anchor."""
        ml = counting_marts(con)[mart]
        return self._explained(con, ml, f"SELECT * FROM {mart}", mart,
                               lambda c: f'newsetl explain {mart} --where "{where_of(ml.keys, c)}"', back)

    def sector_totals(self, con: duckdb.DuckDBPyConnection, back: str) -> dict[str, str]:
        """A section per sector: every article tagged with it (all periods)."""
        ml = MartLineage("sector_monthly", "lineage_sector_monthly", ("sector",), ("mentions",))
        cells = ("SELECT sector, count(DISTINCT article_id) AS articles, count(DISTINCT story_id) AS unique_stories "
                 "FROM lineage_sector_monthly GROUP BY sector")
        got = self._explained(con, ml, cells, "articles tagged",
                              lambda c: f"newsetl explain sector_monthly --where \"sector = {_sql_literal(c['sector'])}\"",
                              back)
        return {k[0]: v for k, v in got.items()}

    def sources(self, con: duckdb.DuckDBPyConnection, sources: Sequence[str], back: str) -> dict[str, str]:
        """A section per source: its articles (tagged or not), newest first."""
        out: dict[str, str] = {}
        if not sources:
            return out
        rel = con.execute(
            "select a.*, null as sector, null as score, null as evidence, null as matches, "
            "list_filter(coalesce(s.copies, []), lambda c: c.article_id <> a.article_id) as copies "
            "from article_lineage as a left join story_copies as s using (story_id) where a.source in (select unnest(?)) "
            "qualify row_number() over (partition by a.source order by a.published_date desc nulls last, a.article_id) "
            "<= ? order by a.source, a.published_date desc nulls last, a.article_id", [list(sources), self.per_cell])
        cols = [d[0] for d in rel.description]
        by_source: dict[str, list[dict[str, Any]]] = {}
        for r in rel.fetchall():
            rec = dict(zip(cols, r, strict=True))
            by_source.setdefault(rec["source"], []).append(rec)
        counts = dict(((src, (n, u)) for src, n, u in con.execute(
            "select source, count(*), count(distinct story_id) from article_lineage where source in (select unnest(?)) "
            "group by source", [list(sources)]).fetchall()))
        for src in sources:
            recs = by_source.get(src, [])
            n, u = counts.get(src, (0, 0))
            anchor = _anchor("source", src)
            rows, folder = self._article_rows(recs, False)
            self._section(anchor, f"source: {src}", f"{n} article(s), {u} unique story(ies); "
                          f"listed: {len(recs)} (newest first).",
                          f"newsetl sql \"select * from article_lineage where source = {_sql_literal(src)}\"", back,
                          ["published", "title", "source", "story", "raw file"], rows, (10, 32, 12, 26, 20), folder)
            out[src] = anchor
        return out

    def duplicates(self, con: duckdb.DuckDBPyConnection, back: str) -> dict[str, str]:
        """A section per duplicate method: the copies and the story each copies."""
        out: dict[str, str] = {}
        for (method,) in con.sql("select distinct method from duplicates order by 1").fetchall():
            rel = con.execute(
                "select d.similarity, a.title, a.published_date, a.source, a.source_uri, d.canonical_article_id "
                "from duplicates as d inner join article_lineage as a using (article_id) where d.method = ? "
                "order by d.similarity, d.article_id limit ?", [method, self.per_cell])
            rows = [[_esc(f"{sim:.3f}"), _esc(t), _esc(d or "undated"), _esc(s), raw_link(str(u)), _esc(c)]
                    for sim, t, d, s, u, c in rel.fetchall()]
            ((n,),) = con.execute("select count(*) from duplicates where method = ?", [method]).fetchall()
            anchor = _anchor("duplicates", method)
            self._section(anchor, f"duplicates: {method}", f"{n} cop(ies); listed: {len(rows)} (least similar first).",
                          f"newsetl sql \"select * from duplicates where method = {_sql_literal(method)}\"", back,
                          ["similarity", "title", "published", "source", "raw file of the copy", "copy of"], rows)
            out[method] = anchor
        return out

    def quarantine(self, con: duckdb.DuckDBPyConnection, back: str) -> dict[tuple[str, str], str]:
        """A section per (reason, stage): the records kept out of the warehouse, with the detail."""
        out: dict[tuple[str, str], str] = {}
        for reason, stage in con.sql("select distinct reason, stage from quarantine order by all").fetchall():
            rel = con.execute("select source_uri, article_id, detail from quarantine where reason = ? and stage = ? "
                              "order by source_uri, article_id limit ?", [reason, stage, self.per_cell])
            rows = [[raw_link(str(u)), _esc(a or "(whole file)"), _esc((d or "")[:300])] for u, a, d in rel.fetchall()]
            ((n,),) = con.execute("select count(*) from quarantine where reason = ? and stage = ?",
                                  [reason, stage]).fetchall()
            anchor = _anchor("quarantine", reason, stage)
            self._section(anchor, f"quarantine: {reason} ({stage})", f"{n} row(s); listed: {len(rows)}.",
                          f"newsetl quarantine explain --reason {reason}", back, ["raw file", "record", "detail"], rows)
            out[(reason, stage)] = anchor
        return out

    def html(self) -> str:
        if not self.sections:
            return ""
        return ("<section id='drilldowns'><h2>Drill-downs</h2><p class='meta'>Each number in a data table links "
                "to the articles it counts (shown here when you follow the link).</p>"
                + "".join(self.sections) + "</section>")

