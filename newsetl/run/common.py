"""Small things every stage shares: the clock, the work folder, quarantine rows, cached matchers."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
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


def _taxonomy(settings: Settings) -> Any:
    from newsetl.enrich.taxonomy import load_taxonomy

    return _resource(f"taxonomy:{settings.enrich.taxonomy}", lambda: load_taxonomy(Path(settings.enrich.taxonomy)))


def matchers(settings: Settings) -> tuple[Any, Any]:
    """The sector and entity matchers of the configured taxonomy and gazetteer (cached per process)."""
    from newsetl.enrich import entities, sectors

    def build() -> tuple[Any, Any]:
        tax = _taxonomy(settings)
        return sectors.SectorMatcher(tax), entities.EntityMatcher(entities.load_entities(Path(settings.enrich.entities)))

    key = f"matchers:{settings.enrich.taxonomy}:{settings.enrich.entities}"
    return _resource(key, build)


def suites(settings: Settings) -> dict[str, Any]:
    """The GX suites with the taxonomy's sector ids as the allowed set (cached per process)."""
    from newsetl.validate import build_suites

    def build() -> dict[str, Any]:
        return build_suites(sorted(_taxonomy(settings).ids))

    return _resource(f"suites:{settings.enrich.taxonomy}", build)


def warm_resources(settings: Settings) -> None:
    """Build, in this process, what every batch needs once per process: the matchers (taxonomy, gazetteer,
    Russian forms), the GX suites, context and batch definitions, the language model, the source
    knowledge, the fold tables (sectors' and dedup's) and the compiled signatures. Workers forked
    afterwards inherit them instead of each building its own (~1.5 s CPU per worker on this project's
    configs, and ~0.4 s more for the compiled signatures, measured)."""
    from newsetl.dedup import jit as dedup_jit
    from newsetl.dedup import text as dedup_text
    from newsetl.enrich._phrases import _fold_table, _invisible_table
    from newsetl.extract.language import _get as language_model
    from newsetl.extract.sources import load_sources
    from newsetl.validate.runner import prepare_context

    matchers(settings)
    suites(settings)
    prepare_context(("articles", "article_sectors", "article_entities"))
    language_model()
    load_sources(settings.extract.sources)
    _fold_table()
    _invisible_table()
    dedup_text._fold_table()
    dedup_text._casefold_table()
    dedup_jit.warm()  # the compiled signatures: loaded from numba's cache (~0.3 s), or compiled once
    # the collector never scans what exists now again: a forked worker's full collections would otherwise
    # write to every object's header and so copy every page it shares with this process
    # (unfrozen at exit, so that the interpreter's last collection frees them as before: DuckDB's bindings
    # report objects still alive then as leaks)
    global _unfreeze_at_exit
    gc.collect()
    gc.freeze()
    if not _unfreeze_at_exit:
        atexit.register(gc.unfreeze)
        _unfreeze_at_exit = True


_unfreeze_at_exit = False
