"""Read the quarantine: reasons per source, listings with the fix (``newsetl quarantine list|explain``).

Re-reading quarantined sources (``retry``) is a run: see ``newsetl.run.retry``."""

from __future__ import annotations

from typing import Any

from newsetl.reasons import EXPLANATIONS, POLICY_REASONS
from newsetl.store import Warehouse

__all__ = ["EXPLANATIONS", "POLICY_REASONS", "listing", "quarantined_sources", "reasons_by_source"]


def reasons_by_source(wh: Warehouse) -> dict[str, set[str]]:
    """Source URI -> the quarantine reasons recorded for it."""
    t = wh.read("quarantine", ["source_uri", "reason"])
    if t is None:
        return {}
    d = t.to_pydict()
    out: dict[str, set[str]] = {}
    for u, r in zip(d["source_uri"], d["reason"], strict=True):
        out.setdefault(u, set()).add(r)
    return out


def quarantined_sources(wh: Warehouse, reason: str | None = None) -> set[str]:
    return {u for u, rs in reasons_by_source(wh).items() if reason is None or reason in rs}


def listing(con: Any, *, explain: bool, reason: str | None, limit: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    where = "where reason = $reason" if reason else ""
    params = {"reason": reason} if reason else {}
    if explain:
        rel = con.execute(
            f"select reason, stage, count(*) as rows, any_value(detail) as example "
            f"from quarantine {where} group by reason, stage order by rows desc limit {int(limit)}",
            params,
        )
        cols = [c[0] for c in rel.description]
        rows = [(*r, EXPLANATIONS.get(r[0], "see the detail")) for r in rel.fetchall()]
        return [*cols, "fix"], rows
    rel = con.execute(
        f"select source_uri, article_id, stage, reason, detail, run_id from quarantine {where} "
        f"order by quarantined_at desc, source_uri limit {int(limit)}",
        params,
    )
    return [c[0] for c in rel.description], rel.fetchall()
