"""Small things every stage shares: the clock, the work folder, quarantine rows, cached matchers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from newsetl.model import Rejection
from newsetl.settings import Settings
from newsetl.store import Warehouse

ProgressFn = Callable[..., None]  # (stage, done, total, *, files=None, articles=None)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def work_root(wh: Warehouse) -> Path:
    """The local folder of batch and staging work (inside the warehouse when it is local)."""
    return wh.local_dir("_staging")


def rejection_rows(rejs: Iterable[Rejection], when: dt.datetime) -> dict[str, list[Any]]:
    """Quarantine columns (run_id aside) for ``rejs``."""
    cols: dict[str, list[Any]] = {k: [] for k in ("source_uri", "article_id", "stage", "reason", "detail", "quarantined_at")}
    for r in rejs:
        cols["source_uri"].append(r.source_uri)
        cols["article_id"].append(r.article_id)
        cols["stage"].append(r.stage)
        cols["reason"].append(r.reason)
        cols["detail"].append(r.detail[:2000])
        cols["quarantined_at"].append(when)
    return cols


_RESOURCES: dict[str, Any] = {}


def _resource(key: str, build: Callable[[], Any]) -> Any:
    """Per-process cache of the expensive, reusable objects (matchers)."""
    if key not in _RESOURCES:
        _RESOURCES[key] = build()
    return _RESOURCES[key]


def matchers(settings: Settings) -> tuple[Any, Any]:
    """The sector and entity matchers of the configured taxonomy and gazetteer (cached per process)."""
    from newsetl.enrich import entities, sectors, taxonomy

    def build() -> tuple[Any, Any]:
        tax = taxonomy.load_taxonomy(Path(settings.enrich.taxonomy))
        return sectors.SectorMatcher(tax), entities.EntityMatcher(entities.load_entities(Path(settings.enrich.entities)))

    key = f"matchers:{settings.enrich.taxonomy}:{settings.enrich.entities}"
    return _resource(key, build)


def suites(settings: Settings) -> dict[str, Any]:
    """The GX suites with the taxonomy's sector ids as the allowed set (cached per process)."""
    from newsetl.enrich.taxonomy import load_taxonomy
    from newsetl.validate import build_suites

    def build() -> dict[str, Any]:
        return build_suites(sorted(load_taxonomy(Path(settings.enrich.taxonomy)).ids))

    return _resource(f"suites:{settings.enrich.taxonomy}", build)
