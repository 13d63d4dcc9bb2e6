"""The gate before a snapshot goes live: SQL data tests and the mart suites must pass."""

from __future__ import annotations

from typing import Any

from newsetl.errors import ValidationFailed


def check_marts(con: Any) -> None:
    """Batch-level gate before publishing: SQL data tests and the mart suites must pass."""
    from newsetl import sql as wsql
    from newsetl.validate import validate_table

    failures = [r.describe() for r in wsql.run_data_tests(con) if r.failing_rows]
    daily = con.sql("select * from sector_daily").to_arrow_table()
    monthly = con.sql("select * from sector_monthly").to_arrow_table()
    for mart, tbl, other in (("sector_daily", daily, None), ("sector_monthly", monthly, daily)):
        o = validate_table(mart, tbl, reconcile_with=other)
        failures.extend(f"{mart}: {m}" for m in o.batch_failures)
        failures.extend(f"{mart}: {r.reason} {r.detail}" for r in o.rejected[:5])
    if failures:
        raise ValidationFailed("the marts do not reconcile; warehouse left unchanged:\n  " + "\n  ".join(failures))


