"""Validate one Arrow batch against its suite: row-level failures -> quarantine, batch-level -> batch_failures.

GX runs over a pandas DataFrame of a *projection* of the batch (only the columns the data expectations
read), through one ephemeral context and one pandas datasource cached per process. The schema
expectations (ordered column list, Arrow types) are evaluated on the Arrow schema itself, exactly, and
added to the GX result so the stored result and the Data Docs show them with the others.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from typing import Any

import great_expectations as gx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from great_expectations.core import ExpectationValidationResult
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from newsetl.model import Rejection
from newsetl.validate.gxfast import configurations_cached, without_batch_fingerprint
from newsetl.validate.suites import (
    BATCH,
    EXPECTED_ROWS_PARAMETER,
    MAX_DATE_PARAMETER,
    SCHEMA_TYPES,
    build_suites,
    expectation_columns,
    level,
    why,
)

STAGE = "validate"
VALUE_CHARS = 200
PARTIAL_COUNT = 20
DATASOURCE = "newsetl"
# COMPLETE gives every unexpected index (no 200-row cap on unexpected_index_list); the full value lists
# and the index query are dropped from the stored result (see _slim_result).
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": PARTIAL_COUNT,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
_DROP_RESULT_KEYS = ("unexpected_list", "unexpected_index_list", "unexpected_index_query", "unexpected_rows")


@dataclass
class ValidationOutcome:
    """What validating one batch of one table produced."""

    table: str
    passed: pa.Table  # rows that passed every row-level expectation
    rejected: list[Rejection]  # one per failing row
    batch_failures: list[str]  # readable sentences; non-empty -> the run fails
    result: dict[str, Any] = field(default_factory=dict)  # the GX validation result, JSON-able
    # batch-level failures of column expectations: the sentence -> the indices of the failing rows (what the
    # mart gate maps to articles)
    batch_failing_rows: dict[str, list[int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.batch_failures


# ---------------------------------------------------------------------------------------------- context
_LOCK = threading.RLock()
_CONTEXT: Any = None
_BATCH_DEFS: dict[tuple[int, str], Any] = {}
_DEFAULT_SUITES: dict[str, gx.ExpectationSuite] | None = None


def _project_config() -> DataContextConfig:
    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )


def get_context() -> Any:
    """The process-wide ephemeral GX context (analytics and progress bars off)."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            _CONTEXT = gx.get_context(mode="ephemeral", project_config=_project_config())
        return _CONTEXT


def _batch_definition(context: Any, table: str) -> Any:
    key = (id(context), table)
    with _LOCK:
        bd = _BATCH_DEFS.get(key)
        if bd is None:
            # no tqdm "Calculating Metrics" bars on the terminal, also for a context the caller passed
            context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
            try:
                ds = context.data_sources.get(DATASOURCE)
            except Exception:  # not there yet
                ds = context.data_sources.add_pandas(DATASOURCE)
            try:
                asset = ds.get_asset(table)
            except Exception:
                asset = ds.add_dataframe_asset(table)
            try:
                bd = asset.get_batch_definition("whole")
            except Exception:
                bd = asset.add_batch_definition_whole_dataframe("whole")
            _BATCH_DEFS[key] = bd
        return bd


def prepare_context(tables: tuple[str, ...] | list[str]) -> None:
    """Create the cached context and the batch definitions of ``tables`` now (e.g. before forking workers)."""
    context = get_context()
    for t in tables:
        _batch_definition(context, t)


def _default_suites() -> dict[str, gx.ExpectationSuite]:
    global _DEFAULT_SUITES
    with _LOCK:
        if _DEFAULT_SUITES is None:
            _DEFAULT_SUITES = build_suites()
        return _DEFAULT_SUITES


# ---------------------------------------------------------------------------------------------- helpers
def _fmt_value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, tuple):
        s = "(" + ", ".join(_fmt_value(x) for x in v) + ")"
    else:
        s = v.isoformat() if isinstance(v, dt.date) else str(v)
    return s if len(s) <= VALUE_CHARS else s[:VALUE_CHARS] + "…"


def _truncate(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj if len(obj) <= VALUE_CHARS else obj[:VALUE_CHARS] + "…"
    if isinstance(obj, list):
        return [_truncate(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _truncate(v) for k, v in obj.items()}
    return obj


def _jsonable(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=str))


def _schema_results(suite: gx.ExpectationSuite, schema: pa.Schema, table: str) -> tuple[list[Any], list[str]]:
    """Evaluate the column-list and type expectations on the Arrow schema."""
    results: list[Any] = []
    failures: list[str] = []
    actual_types = {f.name: str(f.type) for f in schema}
    for exp in suite.expectations:
        if exp.expectation_type not in SCHEMA_TYPES:
            continue
        kw = exp.configuration.kwargs
        res: dict[str, Any]
        if exp.expectation_type == "expect_table_columns_to_match_ordered_list":
            expected = list(kw["column_list"])
            observed = list(schema.names)
            ok = expected == observed
            res = {"observed_value": observed}
            if not ok:
                missing = [c for c in expected if c not in observed]
                extra = [c for c in observed if c not in expected]
                parts = []
                if missing:
                    parts.append(f"missing columns {missing}")
                if extra:
                    parts.append(f"unexpected columns {extra}")
                if not parts:
                    parts.append(f"columns out of order: expected {expected}, got {observed}")
                failures.append(f"{table}: schema drift: {'; '.join(parts)} (expect_table_columns_to_match_ordered_list)")
                res["details"] = {"missing": missing, "unexpected": extra}
        else:
            col = kw["column"]
            observed_t = actual_types.get(col)
            ok = observed_t is None or observed_t == kw["type_"]  # a missing column is reported above
            res = {"observed_value": observed_t}
            if not ok:
                failures.append(
                    f"{table}: column {col} has type {observed_t}, schemas/ says {kw['type_']} "
                    "(expect_column_values_to_be_of_type)"
                )
        results.append(ExpectationValidationResult(success=ok, expectation_config=exp.configuration, result=res))
    return results, failures


NOT_NULL = "expect_column_values_to_not_be_null"


def _no_nulls(col: pa.ChunkedArray) -> bool:
    """True when no value is null (nor NaN, which pandas and so GX count as null)."""
    if col.null_count:
        return False
    if pa.types.is_floating(col.type):
        return not pc.any(pc.is_nan(col)).as_py()
    return True


def _not_null_success(exp: Any, n: int) -> Any:
    res = {"element_count": n, "unexpected_count": 0, "unexpected_percent": 0.0, "partial_unexpected_list": [],
           "partial_unexpected_counts": [], "partial_unexpected_index_list": []}
    return ExpectationValidationResult(success=True, expectation_config=exp.configuration, result=res,
                                       exception_info={"raised_exception": False, "exception_message": None,
                                                       "exception_traceback": None})


def _exp_key(type_: str, kwargs: dict[str, Any]) -> str:
    # the identifying kwargs only: bounds may be suite parameters, resolved in the result
    ident = {k: kwargs[k] for k in ("column", "column_A", "column_B", "column_list", "regex", "type_") if k in kwargs}
    return type_ + json.dumps(ident, sort_keys=True, default=str)


def _detail(col: str, value: Any, reason_why: str) -> str:
    return f"column={col} value={_fmt_value(value)}: {reason_why}"


def _column_values(table: pa.Table, cols: list[str], idx: int, cache: dict[str, list[Any]]) -> Any:
    vals = []
    for c in cols:
        if c not in cache:
            cache[c] = table.column(c).to_pylist() if c in table.column_names else []
        col = cache[c]
        vals.append(col[idx] if idx < len(col) else None)
    return vals[0] if len(vals) == 1 else tuple(vals)


# ---------------------------------------------------------------------------------------------- validate
def validate_table(
    name: str,
    table: pa.Table | pa.RecordBatchReader | pa.RecordBatch,
    suites: dict[str, gx.ExpectationSuite] | None = None,
    *,
    context: Any = None,
    today: dt.date | None = None,
    reconcile_with: pa.Table | None = None,
    expected_rows: int | None = None,
) -> ValidationOutcome:
    """Validate one batch of table ``name`` against its suite.

    Row-level failures reject those rows (one :class:`Rejection` per failing row, every one of them);
    batch-level failures (schema drift, row count, marts and quarantine expectations, mart reconciliation
    with ``reconcile_with`` = the ``sector_daily`` table when validating ``sector_monthly``) go to
    ``batch_failures``. ``today`` (default: the current date) fills ``$PARAMETER: max_plausible_date``.
    ``context``: a GX context to use instead of the cached ephemeral one (its progress bars are turned off).
    ``expected_rows`` fills ``$PARAMETER: expected_rows`` (the row count of a table in ``COUNTED``; None:
    not checked).
    """
    with configurations_cached():  # the suite's configurations too: read ~100 times per call below
        return _validate_table(name, table, suites, context=context, today=today, reconcile_with=reconcile_with,
                               expected_rows=expected_rows)


def _validate_table(
    name: str,
    table: pa.Table | pa.RecordBatchReader | pa.RecordBatch,
    suites: dict[str, gx.ExpectationSuite] | None,
    *,
    context: Any,
    today: dt.date | None,
    reconcile_with: pa.Table | None,
    expected_rows: int | None,
) -> ValidationOutcome:
    if isinstance(table, pa.RecordBatchReader):  # e.g. DuckDB 2's relation.arrow()
        table = table.read_all()
    elif isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    suites = suites if suites is not None else _default_suites()
    if name not in suites:
        raise KeyError(f"no expectation suite for table {name!r}; known: {sorted(suites)}")
    suite = suites[name]
    context = context if context is not None else get_context()
    today = today or dt.date.today()
    n = table.num_rows

    schema_results, batch_failures = _schema_results(suite, table.schema, name)
    batch_failing_rows: dict[str, list[int]] = {}

    # data expectations whose columns exist (a missing column is already a batch failure)
    present = set(table.column_names)
    runtime = []
    needed: list[str] = []
    arrow_results: list[Any] = []
    for exp in suite.expectations:
        if exp.expectation_type in SCHEMA_TYPES:
            continue
        cols = expectation_columns(exp.expectation_type, exp.configuration.kwargs)
        if any(c not in present for c in cols):
            continue
        if exp.expectation_type == NOT_NULL and _no_nulls(table.column(cols[0])):
            # fast path: Arrow knows the null count without reading the data; same outcome as GX
            arrow_results.append(_not_null_success(exp, n))
            continue
        runtime.append(exp)
        needed.extend(c for c in cols if c not in needed)
    projection = [c for c in table.column_names if c in needed]

    import pandas as pd

    df = table.select(projection).to_pandas() if projection else pd.DataFrame(index=pd.RangeIndex(n))
    run_suite = gx.ExpectationSuite(name=suite.name, expectations=runtime, meta=dict(suite.meta or {}))
    bd = _batch_definition(context, name)
    with _LOCK, without_batch_fingerprint():  # a marker nothing reads, 1/4 of the CPU (gxfast)
        batch = bd.get_batch(batch_parameters={"dataframe": df})
        gx_result = batch.validate(
            run_suite,
            result_format=RESULT_FORMAT,
            expectation_parameters={MAX_DATE_PARAMETER: today + dt.timedelta(days=1),
                                    EXPECTED_ROWS_PARAMETER: expected_rows},
        )

    # row-level failures -> per-row first failure (in suite order); batch-level -> sentences
    order = {_exp_key(e.expectation_type, e.configuration.kwargs): i for i, e in enumerate(suite.expectations)}
    failing: dict[int, list[tuple[int, str, str, Any, str]]] = {}
    value_cache: dict[str, list[Any]] = {}
    for res in gx_result.results:
        exp_cfg = res.expectation_config
        etype = exp_cfg.type
        kw = exp_cfg.kwargs
        cols = expectation_columns(etype, kw)
        col_label = ",".join(cols)
        where = f" on {col_label}" if col_label else ""
        exc = res.exception_info or {}
        raised = exc.get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in exc.values()
        )
        if raised:
            msgs = [exc.get("exception_message")] + [
                v.get("exception_message") for v in exc.values() if isinstance(v, dict)
            ]
            msg = "; ".join(m for m in msgs if m)
            batch_failures.append(f"{name}: {etype}{where} could not be evaluated: {msg}")
            continue
        if res.success:
            continue
        r = res.result or {}
        reason_why = why(exp_cfg)
        if etype.startswith("expect_table_"):
            batch_failures.append(
                f"{name}: {reason_why}: observed {r.get('observed_value')!r} ({etype}{where}, "
                f"kwargs {_jsonable({k: v for k, v in kw.items() if k != 'batch_id'})})"
            )
            continue
        idx_list = r.get("unexpected_index_list")
        if level(exp_cfg) == BATCH or idx_list is None:
            examples = ", ".join(_fmt_value(v) for v in (r.get("partial_unexpected_list") or [])[:3])
            sentence = (f"{name}: {r.get('unexpected_count', '?')} of {n} rows fail {etype}{where} ({reason_why})"
                        + (f"; e.g. {examples}" if examples else ""))
            batch_failures.append(sentence)
            if idx_list is not None:
                batch_failing_rows[sentence] = [int(i) for i in idx_list]
            continue
        pos = order.get(_exp_key(etype, kw), len(order))
        for i in idx_list:
            i = int(i)
            value = _column_values(table, cols, i, value_cache)
            failing.setdefault(i, []).append((pos, etype, col_label, value, reason_why))

    if name == "sector_monthly" and reconcile_with is not None:
        batch_failures.extend(reconcile_marts(reconcile_with, table))

    ids = table.column("article_id").to_pylist() if "article_id" in present and failing else None
    uris = table.column("source_uri").to_pylist() if "source_uri" in present and failing else None
    rejected: list[Rejection] = []
    for i in sorted(failing):
        fails = sorted(failing[i], key=lambda f: f[0])
        _, etype, col, value, reason_why = fails[0]
        detail = _detail(col, value, reason_why)
        if len(fails) > 1:
            detail += "; also " + "; ".join(f"{t} (column={c})" for _, t, c, _, _ in fails[1:])
        rejected.append(
            Rejection(
                source_uri=(uris[i] or "") if uris is not None else "",
                stage=STAGE,
                reason=etype,
                detail=detail,
                article_id=ids[i] if ids is not None else None,
            )
        )
    if failing:
        mask = np.ones(n, dtype=bool)
        mask[np.fromiter(failing.keys(), dtype=np.int64, count=len(failing))] = False
        passed = table.filter(pa.array(mask))
    else:
        passed = table

    result = _combine(gx_result, schema_results + arrow_results, order, name, n, batch_failures, len(rejected))
    return ValidationOutcome(table=name, passed=passed, rejected=rejected, batch_failures=batch_failures,
                             result=result, batch_failing_rows=batch_failing_rows)


def _slim_result(r: dict[str, Any]) -> dict[str, Any]:
    res = dict(r.get("result") or {})
    for k in _DROP_RESULT_KEYS:
        res.pop(k, None)
    r = dict(r)
    r["result"] = _truncate(res)
    exc = r.get("exception_info")
    if isinstance(exc, dict):
        r["exception_info"] = _truncate(exc)
    return r


def _combine(gx_result: Any, own_results: list[Any], order: dict[str, int], table: str, n: int,
             batch_failures: list[str], rejected: int) -> dict[str, Any]:
    d = gx_result.to_json_dict()
    results = [r.to_json_dict() for r in own_results] + list(d.get("results") or [])
    results = [_slim_result(r) for r in results]

    def pos(r: dict[str, Any]) -> int:
        cfg = r.get("expectation_config") or {}
        return order.get(_exp_key(cfg.get("type", ""), cfg.get("kwargs") or {}), len(order))

    results.sort(key=pos)
    ok = sum(1 for r in results if r.get("success"))
    d["results"] = results
    d["success"] = ok == len(results)
    d["statistics"] = {
        "evaluated_expectations": len(results),
        "successful_expectations": ok,
        "unsuccessful_expectations": len(results) - ok,
        "success_percent": 100.0 * ok / len(results) if results else None,
    }
    meta = dict(d.get("meta") or {})
    meta["newsetl"] = {"table": table, "rows": n, "rejected_rows": rejected, "batch_failures": batch_failures}
    d["meta"] = meta
    return _jsonable(d)


# ---------------------------------------------------------------------------------------------- marts
def reconcile_marts(sector_daily: pa.Table, sector_monthly: pa.Table, *, limit: int = 5) -> list[str]:
    """``articles`` and ``mentions`` of each (month, sector) must equal the sums of its daily rows
    (undated articles: NULL day -> NULL month)."""
    need_d = {"day", "sector", "articles", "mentions"}
    need_m = {"month", "sector", "articles", "mentions"}
    if not need_d <= set(sector_daily.column_names) or not need_m <= set(sector_monthly.column_names):
        return ["sector_monthly: cannot reconcile with sector_daily: columns day/month, sector, articles or "
                "mentions missing"]
    month = pc.floor_temporal(sector_daily.column("day"), unit="month")
    daily = pa.table({"month": month, "sector": sector_daily.column("sector"),
                      "articles": sector_daily.column("articles"), "mentions": sector_daily.column("mentions")})
    agg = daily.group_by(["month", "sector"]).aggregate([("articles", "sum"), ("mentions", "sum")])
    cols_d = [agg.column(c).to_pylist() for c in ("month", "sector", "articles_sum", "mentions_sum")]
    cols_m = [sector_monthly.column(c).to_pylist() for c in ("month", "sector", "articles", "mentions")]
    d = {(m, s): (a, k) for m, s, a, k in zip(*cols_d, strict=True)}
    mo = {(m, s): (a, k) for m, s, a, k in zip(*cols_m, strict=True)}
    bad = [
        f"{_fmt_value(key[0])} {key[1]}: monthly (articles, mentions)={mo.get(key)} vs daily sums={d.get(key)}"
        for key in sorted(set(d) | set(mo), key=str)
        if d.get(key) != mo.get(key)
    ]
    if not bad:
        return []
    shown = "; ".join(bad[:limit]) + (f"; ... {len(bad) - limit} more" if len(bad) > limit else "")
    return [f"sector_monthly: {len(bad)} (month, sector) rows do not reconcile with sector_daily: {shown}"]
