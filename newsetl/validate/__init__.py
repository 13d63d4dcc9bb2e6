"""Data validation with Great Expectations 1.x: suites built from ``schemas/``, per-batch validation with
row-level rejections and batch-level failures, and GX Data Docs.

``python -m newsetl.validate --export expectations/`` regenerates the committed suites.
"""

from __future__ import annotations

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
