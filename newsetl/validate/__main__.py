"""``python -m newsetl.validate --export expectations/`` writes the suites; ``--check expectations/`` fails
(exit 1) when the committed JSON differs from what ``schemas/`` produces."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsetl.validate.suites import build_suites, export_suites, suite_json


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsetl.validate", description=__doc__)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--export", metavar="DIR", type=Path, help="write <table>.json for every suite into DIR")
    g.add_argument("--check", metavar="DIR", type=Path, help="exit 1 when DIR/<table>.json differ from schemas/")
    g.add_argument("--bench", metavar="ROWS", type=int, help="time validate_table on a synthetic articles batch")
    args = ap.parse_args(argv)
    if args.bench is not None:
        return _bench(args.bench)
    if args.export is not None:
        for p in export_suites(args.export):
            print(p)
        return 0
    stale = []
    for name, suite in build_suites().items():
        p = args.check / f"{name}.json"
        if not p.is_file() or json.loads(p.read_text(encoding="utf-8")) != suite_json(suite):
            stale.append(str(p))
    if stale:
        print("out of date (run python -m newsetl.validate --export expectations/):", *stale, sep="\n  ")
        return 1
    print(f"{args.check}: up to date")
    return 0


def _bench(rows: int, repeat: int = 10) -> int:
    """Median ms per ``rows``-row articles batch: cached context vs a new context per batch; Data Docs time."""
    import datetime as dt
    import statistics
    import tempfile
    import time

    import great_expectations as gx
    import pyarrow as pa

    from newsetl.validate.docs import build_data_docs
    from newsetl.validate.runner import _project_config, validate_table
    from schemas import ARTICLES

    when = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    body = "The cabinet approved the gas pipeline project on Tuesday.\n\n" * 40
    recs = []
    for i in range(rows):
        aid = f"data/in/a{i}.txt#0"
        bad = i % 10 == 0
        recs.append({
            "article_id": aid, "title": f"Title {i}", "body": body + ("???? lost" if bad else "end."),
            "published_date": dt.date(2021, 4, 7), "date_source": "json:date", "source_uri": f"data/in/a{i}.txt",
            "language": "en", "word_count": 400, "encoding_loss": 0, "format": "txt", "content_hash": f"{i:032x}",
            "story_id": aid, "is_duplicate": False, "ingested_at": when, "run_id": "bench",
        })
    table = pa.Table.from_pylist(recs, schema=ARTICLES)
    validate_table("articles", table)  # warm up (suites, context, GX registries)

    def timed(**kw: object) -> tuple[float, object]:
        t0 = time.perf_counter()
        o = validate_table("articles", table, **kw)  # type: ignore[arg-type]
        return (time.perf_counter() - t0) * 1000, o

    cached = [timed()[0] for _ in range(repeat)]
    fresh = [timed(context=gx.get_context(mode="ephemeral", project_config=_project_config()))[0]
             for _ in range(repeat)]
    _, outcome = timed()
    print(f"articles, {rows} rows ({len(outcome.rejected)} rejected): "  # type: ignore[attr-defined]
          f"cached context {statistics.median(cached):.0f} ms/batch; "
          f"new context per batch {statistics.median(fresh):.0f} ms/batch (median of {repeat})")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1, 20):
            t0 = time.perf_counter()
            build_data_docs([outcome.result] * n, Path(tmp) / f"dd{n}")  # type: ignore[attr-defined]
            print(f"data docs for {n} results: {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
