"""Data validation with Great Expectations 1.x: suites built from ``schemas/``, per-batch validation with
row-level rejections and batch-level failures, and GX Data Docs.

``python -m newsetl.validate --export expectations/`` regenerates the committed suites.

The names below are imported lazily (PEP 562): ``import newsetl.validate`` costs nothing, the first use of
``validate_table``/``build_suites`` imports GX (once per process), and GX's Data Docs machinery
(``newsetl.validate.docs``) is imported only by ``build_data_docs``, never by a worker that validates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from newsetl.validate.deferred import defer

defer()  # before anything here imports GX: two of its imports wait for their first use

if TYPE_CHECKING:
    from newsetl.validate.docs import build_data_docs
    from newsetl.validate.runner import ValidationOutcome, get_context, reconcile_marts, validate_table
    from newsetl.validate.suites import (
        MART_SCHEMAS,
        SECTOR_DAILY,
        SECTOR_MONTHLY,
        SUITE_TABLES,
        build_suites,
        export_suites,
        suite_json,
    )

_WHERE: dict[str, str] = {
    "build_data_docs": "docs",
    "ValidationOutcome": "runner",
    "get_context": "runner",
    "reconcile_marts": "runner",
    "validate_table": "runner",
    "MART_SCHEMAS": "suites",
    "SECTOR_DAILY": "suites",
    "SECTOR_MONTHLY": "suites",
    "SUITE_TABLES": "suites",
    "build_suites": "suites",
    "export_suites": "suites",
    "suite_json": "suites",
}

__all__ = [
    "MART_SCHEMAS",
    "SECTOR_DAILY",
    "SECTOR_MONTHLY",
    "SUITE_TABLES",
    "ValidationOutcome",
    "build_data_docs",
    "build_suites",
    "export_suites",
    "get_context",
    "reconcile_marts",
    "suite_json",
    "validate_table",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
