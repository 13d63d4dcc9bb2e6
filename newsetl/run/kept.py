"""A loaded file rewritten unreadable keeps its rows until a readable version arrives.

A source read again whose new version gives no record (truncated JSON, binary garbage, an empty file: every
rejection is about the whole file) while the warehouse holds the records of an earlier version is *kept*:
its articles and every other row stay; its manifest row records the new version (status ``kept``, so an
unchanged file is not read again), and its quarantine row says ``superseding_version_unreadable`` with the
reason the new version could not be read and the version kept. The next readable version replaces the
source as any changed file does (that quarantine row included). A new version that is read but whose
records all fail later rules (too short, no article) is a readable version: it replaces the old rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from newsetl.delta import plain
from newsetl.reasons import Reason

if TYPE_CHECKING:
    from newsetl.run.batch import BatchSummary
    from newsetl.run.planning import Plan
    from newsetl.store import Warehouse

KEPT_STATUS = "kept"


def read_sources(plan_: Plan, summaries: list[BatchSummary]) -> set[str]:
    """Sources read in this run (touched-but-identical files aside)."""
    unchanged = {u for s in summaries for u in s.unchanged}
    return {f.uri for b in plan_.batches for f in b} - unchanged


def kept_versions(wh: Warehouse, plan_: Plan, summaries: list[BatchSummary]) -> dict[str, str]:
    """Sources whose new version gave no record although the warehouse holds records of an earlier one:
    uri -> the version kept, in words (``3 records loaded by run R at 2026-12-01 23:30 UTC``)."""
    read = read_sources(plan_, summaries)
    empty: set[str] = set()
    for s in summaries:
        p = Path(s.dir) / "manifest.parquet"
        if p.exists():
            m = pq.read_table(p, columns=["source_uri", "records"]).to_pydict()
            empty |= {u for u, n in zip(m["source_uri"], m["records"], strict=True) if n == 0 and u in read}
    files = wh.files("raw_documents")
    if not empty or not files:
        return {}
    ds = pads.dataset(files, format="parquet", filesystem=wh.fs if wh.remote else None)
    t = plain(ds.to_table(columns=["source_uri", "run_id", "ingested_at"],
                          filter=pc.field("source_uri").isin(pa.array(sorted(empty)))))
    if not t.num_rows:
        return {}
    agg = t.group_by("source_uri").aggregate([("run_id", "max"), ("ingested_at", "min"), ("run_id", "count")])
    out: dict[str, str] = {}
    for u, run, when, n in zip(*(agg[c].to_pylist() for c in ("source_uri", "run_id_max", "ingested_at_min",
                                                               "run_id_count")), strict=True):
        stamp = when.strftime("%Y-%m-%d %H:%M UTC") if when is not None else "an earlier run"
        out[u] = f"{n} record{'s' if n != 1 else ''} loaded by run {run} at {stamp}"
    return out


def mark_kept(name: str, t: pa.Table, kept: dict[str, str]) -> pa.Table:
    """A batch's ``manifest`` or ``quarantine`` rows with the kept sources' rows rewritten: the manifest
    row's status becomes ``kept``; a quarantine row becomes ``superseding_version_unreadable`` whose
    detail gives the new version's reason and the version kept."""
    if not kept or not t.num_rows or name not in ("manifest", "quarantine"):
        return t
    uris = t["source_uri"].to_pylist()
    hit = [u in kept for u in uris]
    if not any(hit):
        return t
    if name == "manifest":
        status = [KEPT_STATUS if h else s for h, s in zip(hit, t["status"].to_pylist(), strict=True)]
        return t.set_column(t.schema.get_field_index("status"), "status", pa.array(status, pa.string()))
    reasons, details = t["reason"].to_pylist(), t["detail"].to_pylist()
    new_reason = [Reason.SUPERSEDING_VERSION_UNREADABLE.value if h else r for h, r in zip(hit, reasons, strict=True)]
    new_detail = [
        (f"this version cannot be read ({r}: {d}); kept the earlier version's {kept[u]} until a readable "
         f"version of the file arrives")[:2000] if h else d
        for h, u, r, d in zip(hit, uris, reasons, details, strict=True)
    ]
    t = t.set_column(t.schema.get_field_index("reason"), "reason", pa.array(new_reason, pa.string()))
    return t.set_column(t.schema.get_field_index("detail"), "detail", pa.array(new_detail, pa.string()))
