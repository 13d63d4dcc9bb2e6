"""GX Data Docs (static HTML) for validation results, with every data value HTML-escaped.

GX's renderers insert values (e.g. ``partial_unexpected_list``, which holds article text) into the pages
without escaping, so an article containing ``<script>`` would run in the browser. Every string inside the
results is escaped with :func:`html.escape` before GX renders it.
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from pathlib import Path
from typing import Any

import great_expectations as gx
from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

SITE = "newsetl_site"


def _escape(obj: Any) -> Any:
    if isinstance(obj, str):
        return html.escape(obj, quote=True)
    if isinstance(obj, list):
        return [_escape(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _escape(v) for k, v in obj.items()}
    return obj


def _escaped_result(result: dict[str, Any]) -> dict[str, Any]:
    r = dict(result)
    r["results"] = []
    for er in result.get("results") or []:
        er = dict(er)
        for k in ("result", "exception_info"):
            if er.get(k) is not None:
                er[k] = _escape(er[k])
        cfg = dict(er.get("expectation_config") or {})
        if cfg:
            cfg["kwargs"] = _escape(cfg.get("kwargs") or {})
            cfg["meta"] = _escape(cfg.get("meta") or {})
            er["expectation_config"] = cfg
        r["results"].append(er)
    r["meta"] = _escape(result.get("meta") or {})
    return r


def _keep_results_in_memory(store: Any) -> None:
    """The results go to the site builder as the objects they are: an in-memory backend, no serialisation.

    GX's file store writes each result as indented, key-sorted JSON and the site builder reads and parses
    it back, page by page: that round trip was half of building the pages (py-spy, 50 results: 0.6 of
    1.25 s). Here the store lives as long as one call, in one process, so it needs no files; the pages
    are the same (tested against the file store)."""
    from great_expectations.data_context.store.in_memory_store_backend import InMemoryStoreBackend

    store._store_backend = InMemoryStoreBackend()
    store.serialize = store.deserialize = _same


def _same(value: Any) -> Any:
    return value


def build_data_docs(results: list[dict[str, Any]], out_dir: Path, *, run_name: str | None = None) -> Path:
    """Render GX Data Docs for ``results`` (``ValidationOutcome.result`` dicts) into ``out_dir``.

    Uses a file-backed GX context in a temporary directory and GX's own ``SiteBuilder``; returns the path of
    ``index.html``. Pages of earlier calls stay in ``out_dir``; the index lists the results of this call.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    run_name = run_name or dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="newsetl-gx-") as tmp:
        ctx = gx.get_context(mode="file", project_root_dir=tmp)
        ctx.config.analytics_enabled = False
        ctx.variables.data_docs_sites = {
            SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        }
        # an explicit run time: without one GX parses the run name as a date (dateutil), and a run id such as
        # 20261201T233052-9449ad reads as offset -94:49, which fails later ("offset must be a timedelta ...")
        run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
        _keep_results_in_memory(ctx.validation_results_store)
        for i, result in enumerate(results):
            res = expectationSuiteValidationResultSchema.load(_escaped_result(result))
            table = ((result.get("meta") or {}).get("newsetl") or {}).get("table") or res.suite_name
            key = ValidationResultIdentifier(
                ExpectationSuiteIdentifier(name=res.suite_name), run_id, f"{table}-batch-{i:05d}"
            )
            ctx.validation_results_store.set(key, res)
        ctx.build_data_docs(site_names=[SITE])
    return out_dir / "index.html"
