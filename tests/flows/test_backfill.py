"""Backfill selects files by mtime (UTC days, inclusive) and loads only those."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from flows.backfill import in_window, mtime_window, newsetl_backfill
from flows.reporting import open_views
from newsetl.store import Warehouse


def _ts(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: float = 0.0) -> float:
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC).timestamp() + s


def test_window_is_inclusive_whole_utc_days() -> None:
    lo, hi = mtime_window(dt.date(2024, 3, 1), dt.date(2024, 3, 2))
    assert lo == _ts(2024, 3, 1) and hi == _ts(2024, 3, 3)
    assert in_window(_ts(2024, 3, 1), lo, hi)
    assert in_window(_ts(2024, 3, 2, 23, 59, 59.999), lo, hi)
    assert not in_window(_ts(2024, 3, 3), lo, hi)
    assert not in_window(_ts(2024, 2, 29, 23, 59, 59.999), lo, hi)
    assert not in_window(None, lo, hi)  # unknown mtime: only without bounds
    assert in_window(None, None, None)
    assert mtime_window(None, None) == (None, None)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
       st.integers(min_value=0, max_value=86_399))
def test_a_file_of_day_d_is_in_the_range_d_to_d(day: dt.date, second: int) -> None:
    lo, hi = mtime_window(day, day)
    t = dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() + second
    assert in_window(t, lo, hi)
    assert not in_window(t, *mtime_window(day + dt.timedelta(days=1), None))
    assert not in_window(t, *mtime_window(None, day - dt.timedelta(days=1)))


def test_backfill_loads_only_files_in_the_range(prefect_api: None, sample_copy: Path, tmp_path: Path) -> None:
    files = sorted(sample_copy.iterdir())
    days = [dt.date(2023, 1, 10), dt.date(2023, 1, 11), dt.date(2023, 1, 12), dt.date(2023, 2, 1),
            dt.date(2023, 2, 2)]
    for f, d in zip(files, days, strict=True):
        t = _ts(d.year, d.month, d.day, 12)
        os.utime(f, (t, t))
    wh = tmp_path / "wh"
    out = newsetl_backfill(paths=[str(sample_copy)], start=dt.date(2023, 1, 11), end=dt.date(2023, 1, 31),
                           warehouse=str(wh), chunk_files=1)
    assert out["files_listed"] == 5 and out["files_selected"] == 2
    assert len(out["runs"]) == 2  # one committed snapshot per chunk
    con = open_views(Warehouse(wh))
    got = sorted(r[0] for r in con.sql("select distinct source_uri from articles").fetchall())
    assert got == [str(files[1]), str(files[2])]
    # the rest (no bounds) loads the other three; the two already loaded are skipped as unchanged
    out = newsetl_backfill(paths=[str(sample_copy)], warehouse=str(wh))
    assert out["files_selected"] == 5
    (run,) = out["runs"]
    assert run["files_read"] == 3 and run["files_skipped"] == 2
    con = open_views(Warehouse(wh))
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]
