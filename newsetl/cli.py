"""The ``newsetl`` command line: thin; parses arguments and calls the flows or the library.

    newsetl run SOURCE [SOURCE ...] [--warehouse DIR]      run the pipeline (a Prefect flow)
    newsetl sql [--warehouse DIR] [--format table|csv|json] "QUERY"
    newsetl report [--warehouse DIR] [--out report.html]
    newsetl quarantine [list|explain|retry] [--warehouse DIR]
    newsetl enrich [--warehouse DIR] [--config FILE]      re-tag sectors/entities after a taxonomy edit
    newsetl tables [--warehouse DIR]                      tables, views and their columns
    newsetl maintain [--warehouse DIR]                    compact small files, vacuum past the retention
    newsetl migrate [--warehouse DIR]                     convert a warehouse of the old format to Delta Lake
    newsetl repair [--warehouse DIR]                      repair a damaged state pointer, Delta log or data file
    newsetl explain MART --where "PREDICATE" [--format table|csv|json]   the articles behind mart cells
    newsetl explain --article ARTICLE_ID                 one article in full: raw file, edits, tags

Exit status: 0 on success, 1 when the run or query fails (with a message naming the fix; the warehouse keeps
its last committed state), 2 on usage errors, 3 when ``run`` committed its snapshot but a file derived from
it afterwards (``newsetl.duckdb``, the Data Docs) could not be written (the message names the snapshot, the
file and the fix; nothing needs re-running), 130 when interrupted (Ctrl-C).
Every error is one line on stderr (``newsetl <command>: error: ...``) naming the input and the fix, never a
traceback (``NEWSETL_STRICT=1``, as the test suite sets it, shows the traceback of an unexpected one).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import csv
import datetime as dt
import decimal
import json
import math
import os
import sys
import uuid
from collections.abc import Sequence
from typing import Any

from newsetl.errors import INTERRUPTED, NewsetlError, PublishFailed
from newsetl.settings import DEFAULT_WAREHOUSE, Settings, quiet_environment, strict_errors


def _settings(a: argparse.Namespace, **overrides: Any) -> Settings:
    """The settings of this command: --warehouse, else the config file's ``warehouse:``, else
    ``$NEWSETL_WAREHOUSE``, else ./warehouse-data; other options override the file the same way."""
    from newsetl.settings import load_settings

    return load_settings(getattr(a, "config", None), warehouse=a.warehouse, **overrides)


def _non_negative(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative: pass 0 or more")
    return n


def _positive(text: str) -> int:
    n = _non_negative(text)
    if n == 0:
        raise argparse.ArgumentTypeError("0 is not allowed: pass 1 or more")
    return n


def _add_warehouse(p: argparse.ArgumentParser) -> None:
    p.add_argument("--warehouse", "-w", default=None,
                   help=f"warehouse folder or URL (default: $NEWSETL_WAREHOUSE or ./{DEFAULT_WAREHOUSE})")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="newsetl", description="Messy news articles -> clean Delta Lake warehouse.")
    ap.add_argument("--version", action="version", version="newsetl 0.1.0")
    sub = ap.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the pipeline on folders, files or URLs")
    r.add_argument("sources", nargs="+", help="folders, files or fsspec URLs (s3://bucket/prefix)")
    _add_warehouse(r)
    r.add_argument("--config", "-c", default=None, help="YAML config file (see config/newsetl.example.yaml)")
    r.add_argument("--workers", type=_positive, default=None, help="processes for the CPU-bound steps")
    r.add_argument("--runner", choices=["thread", "process", "dask"], default=None,
                   help="Prefect task runner for the batch tasks: thread (default: thread tasks handing the CPU work "
                        "to a forked pool of --workers processes), process (Prefect's process pool) or dask")
    r.add_argument("--dask-address", default=None, help="scheduler address of an existing Dask cluster")
    r.add_argument("--batch-size", type=_positive, default=None, help="files per batch (bounds memory)")
    r.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock")
    r.add_argument("--retry-quarantined", action="store_true", help="read again files quarantined before")
    r.add_argument("--no-prefect", action="store_true", help="run the same steps without Prefect")
    r.add_argument("--json", action="store_true", help="print the run summary as JSON")

    q = sub.add_parser("sql", help="query the warehouse with DuckDB SQL")
    _add_warehouse(q)
    q.add_argument("--format", "-f", choices=["table", "csv", "json"], default="table")
    q.add_argument("query", help="SQL over the views articles, article_sectors, duplicates, quarantine, "
                                 "sector_daily, sector_monthly, ...")

    rep = sub.add_parser("report", help="write a self-contained HTML report (+ PNG charts)")
    _add_warehouse(rep)
    rep.add_argument("--out", default=None, help="output HTML file (default: <warehouse>/report/report.html)")

    qu = sub.add_parser("quarantine", help="list, explain or retry quarantined records")
    qu.add_argument("action", nargs="?", choices=["list", "explain", "retry"], default="list")
    _add_warehouse(qu)
    qu.add_argument("--reason", default=None, help="only rows with this reason")
    qu.add_argument("--limit", type=_non_negative, default=50, help="rows to show (0 or more)")
    qu.add_argument("--config", "-c", default=None)
    qu.add_argument("--format", "-f", choices=["table", "csv", "json"], default="table")

    en = sub.add_parser("enrich", help="re-tag sectors and entities of every loaded article (after a taxonomy edit)")
    _add_warehouse(en)
    en.add_argument("--config", "-c", default=None)

    t = sub.add_parser("tables", help="list the warehouse's views and their columns")
    _add_warehouse(t)

    for name, what in (("maintain", "compact every table's small files and vacuum files past the retention"),
                       ("migrate", "convert a warehouse of the Parquet-snapshot format to Delta Lake tables, once"),
                       ("repair", "repair a damaged warehouse: the state pointer, Delta logs, data files (see "
                                  "docs/operate.md)")):
        m = sub.add_parser(name, help=what)
        _add_warehouse(m)
        m.add_argument("--config", "-c", default=None)
        m.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock")

    ex = sub.add_parser("explain", help="list the articles a mart cell counts, or show one article in full")
    ex.add_argument("mart", nargs="?", default=None,
                    help="a counting mart: sector_daily, sector_weekly, sector_monthly, sector_by_source, "
                         "sector_cooccurrence, country_pair_sector_monthly, top_entities_by_sector")
    ex.add_argument("--where", default=None,
                    help="condition over the mart's columns selecting the cells, e.g. "
                         "\"month = '2021-04-01' and sector = 'defence_military'\" (default: every cell)")
    ex.add_argument("--article", default=None, help="show this article_id in full instead")
    _add_warehouse(ex)
    ex.add_argument("--config", "-c", default=None, help="YAML config (how raw files are read again)")
    ex.add_argument("--format", "-f", choices=["table", "csv", "json"], default="table")
    return ap


# -- output ---------------------------------------------------------------------------------------------
def iso_duration(d: dt.timedelta) -> str:
    """ISO 8601 duration of a DuckDB INTERVAL as Python gives it (``P30DT2H``, ``-PT1.5S``)."""
    sign, d = ("-", -d) if d < dt.timedelta(0) else ("", d)
    secs = d.seconds + d.microseconds / 1e6
    h, rest = divmod(secs, 3600)
    m, sec = divmod(rest, 60)
    time = "".join(f"{int(v)}{u}" for v, u in ((h, "H"), (m, "M")) if v) + (f"{sec:g}S" if sec else "")
    out = (f"{d.days}D" if d.days else "") + (f"T{time}" if time else "")
    return f"{sign}P{out or 'T0S'}"


def _jsonable(v: Any) -> Any:
    """A value DuckDB returned as JSON: dates ISO 8601, intervals ISO durations, NaN/Infinity null
    (JSON has no such numbers), UUIDs and anything else without a JSON form as text."""
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return iso_duration(v)
    if isinstance(v, decimal.Decimal):
        return float(v) if v.is_finite() else None
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)


def _csv_cell(v: Any) -> Any:
    """Scalars as themselves; lists and structs (spans, signatures) as JSON, not Python reprs."""
    j = _jsonable(v)
    return json.dumps(j, ensure_ascii=False) if isinstance(j, list | dict) else j


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    out = sys.stdout
    if fmt == "json":
        json.dump([{c: _jsonable(v) for c, v in zip(columns, r, strict=True)} for r in rows], out,
                  ensure_ascii=False, indent=1, allow_nan=False)
        out.write("\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if v is None else _csv_cell(v) for v in r])
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        # Text, not str: a value like "[/bold]" is data, never rich markup
        table = Table(show_lines=False, header_style="bold")
        for c in columns:
            table.add_column(Text(str(c)), overflow="fold")
        for r in rows:
            table.add_row(*[Text("NULL" if v is None else str(v if isinstance(v, float) else _jsonable(v)))
                            for v in r])
        Console(file=out, width=max(100, min(220, os.get_terminal_size().columns if out.isatty() else 160))).print(table)
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


# -- commands -------------------------------------------------------------------------------------------
def cmd_run(a: argparse.Namespace) -> int:
    settings = _settings(a, workers=a.workers, batch_size=a.batch_size)  # validated before anything starts
    if a.no_prefect:
        from newsetl.progress import progress_display
        from newsetl.run.local import run_pipeline

        with progress_display(enabled=False if a.json else None) as progress:
            res = run_pipeline(a.sources, settings, wait_seconds=a.wait, retry_quarantined=a.retry_quarantined,
                               progress=progress)
        result: dict[str, Any] = res.__dict__
        text = res.summary()
    else:
        from flows.startup import run_pipeline_flow  # server, then the forked CPU pool, then the flow

        result = run_pipeline_flow(list(a.sources), warehouse=settings.warehouse, config=a.config,
                                   workers=a.workers, runner=a.runner, dask_address=a.dask_address,
                                   batch_size=a.batch_size, retry_quarantined=a.retry_quarantined,
                                   wait_seconds=a.wait)
        from newsetl.run.result import RunResult

        text = RunResult(**result).summary()
    if a.json:
        print(json.dumps(_jsonable(result), indent=1, allow_nan=False))
    else:
        print(text)
    return 0


def _warehouse(a: argparse.Namespace) -> Any:
    from newsetl.store import Warehouse

    wh = Warehouse(_settings(a).warehouse)
    if not wh.exists():
        given = a.warehouse or _settings(a).warehouse
        raise NewsetlError(
            f"no warehouse at {wh.uri}: run `newsetl run SOURCE --warehouse {given}` first, or pass --warehouse DIR"
        )
    return wh


def _open(a: argparse.Namespace) -> Any:
    from newsetl import sqlguard

    return sqlguard.read_only_connection(_warehouse(a))


def cmd_sql(a: argparse.Namespace) -> int:
    from newsetl import sqlguard

    sqlguard.check_query(a.query)  # refuse a query that writes before the warehouse is even opened
    con = _open(a)
    try:
        got = sqlguard.run_query(con, a.query)
    finally:
        con.close()  # never leave a DuckDB connection for a later fork to inherit
    if got is not None:
        print_rows(*got, a.format)
    return 0


def cmd_tables(a: argparse.Namespace) -> int:
    con = _open(a)
    try:
        rows = con.sql(
            "select table_name as view, string_agg(column_name || ' ' || lower(data_type), ', ' "
            "order by ordinal_position) as columns from information_schema.columns group by table_name "
            "order by table_name"
        ).fetchall()
    finally:
        con.close()
    print_rows(["view", "columns"], rows, "table")
    return 0


def cmd_report(a: argparse.Namespace) -> int:
    from newsetl.report import write_report

    path = write_report(_warehouse(a).uri, a.out)
    print(f"report written to {path}")
    return 0


def cmd_quarantine(a: argparse.Namespace) -> int:
    from newsetl import quarantine

    if a.action == "retry":
        from newsetl.run.retry import retry

        res = retry(_warehouse(a).uri, a.config, reason=a.reason)
        print(res)
        return 0
    con = _open(a)
    try:
        cols, rows = quarantine.listing(con, explain=a.action == "explain", reason=a.reason, limit=a.limit)
    finally:
        con.close()
    print_rows(cols, rows, a.format)
    return 0


def cmd_enrich(a: argparse.Namespace) -> int:
    from newsetl.run.reenrich import reenrich

    _warehouse(a)
    counts = reenrich(_settings(a))
    print(f"re-enriched {counts['articles']} articles: {counts['article_sectors']} sector tags, "
          f"{counts['article_entities']} entity rows ({counts['rejected']} rejected by validation)")
    return 0


def cmd_storage(a: argparse.Namespace) -> int:
    """``maintain``, ``migrate`` and ``repair``: storage commands that load nothing."""
    settings = _settings(a)
    if a.command == "repair":
        from newsetl.run.repair import repair

        print(repair(settings, a.wait))
        return 0
    if a.command == "migrate":
        from newsetl.run.migrate import migrate

        print(migrate(settings, a.wait))
    else:
        from newsetl.run.maintain import maintain

        print(maintain(settings, a.wait))
    return 0


def cmd_explain(a: argparse.Namespace) -> int:
    from newsetl import explain

    if (a.mart is None) == (a.article is None):
        raise NewsetlError("give a mart (newsetl explain sector_monthly --where \"...\") or --article ARTICLE_ID")
    con = _open(a)
    try:
        if a.article is not None:
            from newsetl.settings import load_settings

            detail = explain.explain_article(con, a.article, load_settings(a.config).ingest)
            if a.format == "table":
                sys.stdout.write(explain.article_text(detail))
            else:
                print_rows(list(detail), [list(detail.values())], a.format)
            return 0
        res = explain.explain_cells(con, a.mart, a.where)
    finally:
        con.close()
    if a.format == "table":
        sys.stdout.write(explain.table_text(res))
    else:
        print_rows(res.columns, res.rows, a.format)
    return 0


COMMANDS = {"run": cmd_run, "sql": cmd_sql, "report": cmd_report, "quarantine": cmd_quarantine, "tables": cmd_tables,
            "enrich": cmd_enrich, "explain": cmd_explain, "maintain": cmd_storage, "migrate": cmd_storage,
            "repair": cmd_storage}


EXIT_PUBLISH_FAILED = 3


def _first_line(exc: BaseException) -> str:
    lines = [x.strip() for x in str(exc).splitlines() if x.strip()]
    return lines[0] if lines else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    quiet_environment()
    args = build_parser().parse_args(argv)
    where = f"newsetl {args.command}: error:"
    try:
        return COMMANDS[args.command](args)
    except PublishFailed as exc:  # after the commit point: the data is in, say so (not "left unchanged")
        print(f"{where} {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_PUBLISH_FAILED
    except NewsetlError as exc:
        print(f"{where} {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, permissions, a vanished warehouse: no traceback, a message
        from newsetl.store import damaged_file_error

        damaged = damaged_file_error(exc)
        if damaged is not None:
            print(f"{where} {' '.join(str(damaged).split())}", file=sys.stderr)
            return 1
        print(f"{where} {exc.strerror or exc} ({exc.filename or 'I/O'}); "
              f"the warehouse keeps its last committed state", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except Exception as exc:
        import duckdb
        import pyarrow as pa

        from newsetl.store import damaged_file_error

        damaged = damaged_file_error(exc)
        if damaged is not None:  # a damaged or missing warehouse file: name it and the repair
            print(f"{where} {' '.join(str(damaged).split())}", file=sys.stderr)
            return 1
        if isinstance(exc, pa.ArrowException | duckdb.IOException | duckdb.InvalidInputException):
            print(f"{where} a warehouse file cannot be read ({type(exc).__name__}: {_first_line(exc)}); restore it "
                  f"from a backup, or rebuild the warehouse by running its sources into a new --warehouse",
                  file=sys.stderr)
            return 1
        if strict_errors():
            raise
        print(f"{where} internal error {type(exc).__name__}: {_first_line(exc)} (a bug: please report it with "
              f"the command; NEWSETL_STRICT=1 shows the traceback)", file=sys.stderr)
        return 1


_EXIT_CODE: list[int] = []


def _end_without_teardown() -> None:
    """The last exit handler of the ``newsetl`` command: once ``main`` has returned its code and every other
    handler has run (Prefect's services drained, the worker pool joined before them), end the process
    without the interpreter's teardown. That teardown only frees memory the OS takes back anyway: a last
    full garbage collection over every object the run imported and built (measured: 1.4 s after a
    40k-file run) and DuckDB's bindings listing the objects still alive then. Output is flushed first.
    When ``main`` raised instead of returning (a traceback), the normal teardown runs."""
    if not _EXIT_CODE:
        return
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(_EXIT_CODE[0])


def entry() -> None:
    """The ``newsetl`` console script: ``main`` as a command whose process ends once its work is done
    (``_end_without_teardown``; registered first, so it runs after every other exit handler)."""
    atexit.register(_end_without_teardown)
    code = main()
    _EXIT_CODE.append(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
