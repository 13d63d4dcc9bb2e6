"""The commit stage alone: CPU seconds and peak RSS of ``finish_run`` (finalize, commit, .duckdb file) on
batches prepared once, so two versions of the code can be compared on the same input in one session.

    python bench/commit.py prepare CORPUS_DIR --out DIR [--workers 2]   # plan + process + dedup, once
    python bench/commit.py commit DIR [--repeat 2] [--docs]            # time finish_run on a fresh copy

``prepare`` keeps the processed batch folders and the plan in DIR; ``commit`` copies them into a fresh
warehouse and runs ``finish_run`` in this process, sampling its RSS every 20 ms (peak during the call)
and reading its CPU time (user + system, DuckDB's and delta-rs's threads included). It prints one JSON
line per repeat. Works with the code before and after the Delta Lake change (``newsetl.pipeline`` or
``newsetl.run``): run it twice with PYTHONPATH pointing at each checkout.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import psutil


def _api() -> Any:
    try:
        from newsetl import run as api  # after: one module per stage
    except ImportError:
        from newsetl import pipeline as api  # type: ignore[no-redef]  # before
    return api


def prepare(corpus: str, out: Path, workers: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from newsetl.settings import load_settings
    from newsetl.store import Warehouse

    api = _api()
    out.mkdir(parents=True, exist_ok=True)
    settings = load_settings(None, warehouse=str(out / "prep"), workers=workers, validate_data_docs=False)
    wh = Warehouse(settings.warehouse)
    p = api.plan([corpus], settings, wh)
    root = str(api.work_root(wh))
    api.warm_imports()
    with ProcessPoolExecutor(workers) as ex:
        sums = list(ex.map(api.process_batch, range(len(p.batches)), p.batches, [settings] * len(p.batches),
                           [root] * len(p.batches), [p.known_hashes] * len(p.batches)))
    d = api.dedup_batches([s.dir for s in sums], wh, settings, replaced=api.replaced_sources(p, sums))
    meta = {"plan": dataclasses.asdict(p), "summaries": [dataclasses.asdict(s) for s in sums],
            "duplicates": d["duplicates"], "corpus": corpus}
    (out / "prepared.json").write_text(json.dumps(meta))
    print(f"prepared {len(sums)} batches, {sum(s.articles for s in sums)} articles, {d['duplicates']} duplicates")


def commit(out: Path, i: int, docs: bool = False) -> dict[str, Any]:
    from newsetl.settings import load_settings
    from newsetl.store import Warehouse

    api = _api()
    meta = json.loads((out / "prepared.json").read_text())
    wh_dir = out / f"wh-{i}"
    shutil.rmtree(wh_dir, ignore_errors=True)
    staging = wh_dir / "_staging"
    staging.mkdir(parents=True)
    sums = []
    for s in meta["summaries"]:
        src = Path(s["dir"])
        shutil.copytree(src, staging / src.name)
        sums.append(api.BatchSummary(**{**s, "dir": str(staging / src.name)}))
    p = meta["plan"]
    plan_ = api.Plan(p["run_id"], [[api.FileRef(**f) for f in b] for b in p["batches"]], p["files_seen"],
                     p["skipped"], [], p["known_hashes"])
    settings = load_settings(None, warehouse=str(wh_dir), workers=1, validate_data_docs=docs)
    wh = Warehouse(settings.warehouse)
    proc = psutil.Process()
    peak = [proc.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.02)

    th = threading.Thread(target=sample, daemon=True)
    rss0 = proc.memory_info().rss
    c0, t0 = proc.cpu_times(), time.perf_counter()
    th.start()
    res = api.finish_run(wh, plan_, sums, settings, dt.datetime.now(dt.UTC), {}, meta["duplicates"])
    done.set()
    th.join()
    c1 = proc.cpu_times()
    out_ = {"repeat": i, "wall_s": round(time.perf_counter() - t0, 2),
            "cpu_s": round((c1.user + c1.system) - (c0.user + c0.system), 2),
            "rss_before_mb": round(rss0 / 2**20), "peak_rss_mb": round(peak[0] / 2**20),
            "articles": res.articles_loaded, "stage_seconds": {k: round(v, 2) for k, v in res.stage_seconds.items()}}
    shutil.rmtree(wh_dir, ignore_errors=True)
    return out_


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("prepare")
    a.add_argument("corpus")
    a.add_argument("--out", required=True)
    a.add_argument("--workers", type=int, default=2)
    b = sub.add_parser("commit")
    b.add_argument("out")
    b.add_argument("--repeat", type=int, default=1)
    b.add_argument("--docs", action="store_true", help="build the Data Docs too (as the default run does)")
    args = ap.parse_args()
    if args.cmd == "prepare":
        prepare(args.corpus, Path(args.out), args.workers)
    else:
        for i in range(args.repeat):
            print(json.dumps(commit(Path(args.out), i, args.docs)), flush=True)


if __name__ == "__main__":
    main()
