"""Plain-text rendering of explanations (``--format table``); csv and json print the rows as they are."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from newsetl.explain.cells import Explanation


def _s(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def cell_label(keys: Sequence[str], values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_s(values.get(k))}" for k in keys)


def common_folder(ids: Iterable[str]) -> str:
    """The folder (ending with "/") every id starts with, or "" (ids are ``<path or URL>#<record>``)."""
    ids = list(ids)
    if not ids:
        return ""
    prefix = os.path.commonprefix(ids)  # noqa: RUF071 - ids may be URLs; cut at the last "/" below
    return prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""


def copies_text(copies: Iterable[Mapping[str, Any]] | None, strip: str = "") -> str:
    """``b#0 (exact), c#0 (near 0.91)``: the story's other copies and how each was recognised."""
    out = []
    for c in copies or []:
        sim = c.get("similarity")
        how = str(c.get("method"))
        if how in ("near", "containment") and sim is not None:
            how += f" {sim:.2f}"
        out.append(f"{str(c.get('article_id')).removeprefix(strip)} ({how})")
    return ", ".join(out) or "-"


def edits_text(edits: Iterable[Mapping[str, Any]] | None) -> str:
    """``repeated_block x46 -10516; comments x4 -270``: rule, hits and characters removed."""
    return "; ".join(f"{e['rule']} x{e['hits']} {-int(e['chars_removed']):+d}" if e["chars_removed"] else
                     f"{e['rule']} x{e['hits']}" for e in edits or []) or "-"


def positions_text(matches: Iterable[Mapping[str, Any]] | None, shown: int = 8) -> str:
    """``title 0; body 148, 204 ... (+3)``: where the matches sit (character offsets in title or body)."""
    ms = list(matches or [])
    parts: dict[str, list[str]] = {}
    for m in ms[:shown]:
        parts.setdefault(str(m["part"]), []).append(str(m["start"]))
    text = "; ".join(f"{p} {', '.join(v)}" for p, v in parts.items())
    return text + (f" ... (+{len(ms) - shown})" if len(ms) > shown else "")


def table_text(expl: Explanation, width: int = 160) -> str:
    """One block per cell: its counts next to the explained counts, then one line per article."""
    import io

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=True, highlight=False)
    recs = expl.records()
    by_cell: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in recs:
        by_cell.setdefault(tuple(r[k] for k in expl.keys), []).append(r)
    if not expl.cells:
        console.print(f"{expl.mart}: no cell matches")
    strip = common_folder([r["article_id"] for r in recs] + [str(c["article_id"]) for r in recs for c in r["copies"]])
    if strip:
        console.print(escape(f"(article ids below are relative to {strip})"))
    for cell in expl.cells:
        key = tuple(cell[k] for k in expl.keys)
        console.print(escape(
            f"{expl.mart} [{cell_label(expl.keys, cell)}]: articles {cell['articles']}, unique_stories "
            f"{cell['unique_stories']}; listed: {cell['explained_articles']} articles, "
            f"{cell['explained_stories']} stories"))
        t = Table(show_lines=True, header_style="bold", pad_edge=False)
        for c in ("article", "published", "source", "sector / score", "evidence (where)", "copies of the story",
                  "cleaning edits"):
            t.add_column(c, overflow="fold")
        for r in by_cell.get(key, []):
            story = ("" if r["story_id"] == r["article_id"] else
                     f"\ncopy of {r['story_id'].removeprefix(strip)} ({r['copy_method']})")
            t.add_row(*map(escape, (
                f"{r['article_id'].removeprefix(strip)}\n{_s(r['title'])}{story}",
                f"{_s(r['published_date'])}\n{r['date_source']}",
                f"{_s(r['source_name'])}\n{r['format']}",
                f"{r.get('sector', cell.get('sector'))}\n{_s(r['score'])}",
                f"{_s(r['evidence'])}\n@ {positions_text(r['matches'])}" + "".join(
                    f"\n{k} {_s(r[k])}" for k in expl.extra if k != "mentions" or expl.mart == "top_entities_by_sector"),
                copies_text(r["copies"], strip),
                edits_text(r["edits"]),
            )))
        console.print(t)
    return buf.getvalue()


def _one_line(s: str) -> str:
    return s.replace("\r", "").replace("\n", "⏎")


def article_text(d: Mapping[str, Any]) -> str:
    """Sections: the article, its raw file, its story, each cleaning edit in raw context, its tags."""
    out = [f"article   {d['article_id']}",
           f"title     {_s(d['title'])}",
           f"published {_s(d['published_date'])} ({d['date_source']})",
           f"source    {d['source']}  (source_name {_s(d['source_name'])})",
           "",
           "raw file",
           f"  {d['source_uri']}  record {_s(d['record_index'])}, {d['format']}, {_s(d['raw_size_bytes'])} bytes, "
           f"encoding {_s(d['raw_encoding'])}",
           f"  {d['raw_status']}",
           "",
           f"story     {d['story_id']}: {d['story_articles']} article(s); this one is {d['copy_method']}",
           f"  other copies: {copies_text(d['copies'])}",
           "",
           f"cleaning edits ({d['chars_removed']} characters removed; positions in {d['edits_are_in']})"]
    for e in d["edits"]:
        out.append(f"  {e['rule']}: {e['hits']} hit(s), {e['chars_removed']} characters"
                   + ("" if e["positions"] == "known" else " (character-level: no positions)"))
        for p in e["places"]:
            out.append(f"    [{p['start']}:{p['end']}] …{_one_line(p['before'])}⟦{_one_line(p['removed'])}⟧"
                       f"{_one_line(p['after'])}…")
    if not d["edits"]:
        out.append("  none")
    out.append(f"  body rebuilt from the raw text: {d['body_rebuilt']}")
    out += ["", f"sectors ({len(d['sectors'])})"]
    for t in d["sectors"]:
        out.append(f"  {t['sector']}  score {_s(t['score'])}{' (primary)' if t.get('is_primary') else ''}  "
                   f"{t['evidence']}")
        for m in t["matches"] or []:
            out.append(f"    {m['part']} {m['start']}-{m['end']}: …{m['context']}…")
    out += ["", "entities: " + (", ".join(f"{e['name']} ({e['entity_type']}) x{e['mentions']}"
                                         for e in d["entities"]) or "none"),
            f"removed to side tables: {d['comments']} comment(s), {d['embedded_posts']} embedded post(s)",
            "", "body", d["body"], ""]
    return "\n".join(out)
