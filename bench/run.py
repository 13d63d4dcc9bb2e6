"""Benchmark newsetl on a corpus: stage times, docs/s, MB/s, peak RSS, ratio to the I/O floor, Prefect overhead.

    python bench/run.py CORPUS_DIR [--workers 2] [--json out.json] [--prefect/--no-prefect]
    python bench/run.py --generate 100000 [--seed 1] [--workers 2] ...
    python bench/run.py --standard [--only bbc,real-json-40k] [--corpora DIR] [--workers 2] ...

Each phase runs in a fresh Python process (so one phase's memory does not inflate the next) while this
process samples the resident memory of the phase's whole process tree (the worker and its children:
process pools, a Prefect server) every 50 ms and keeps the peak of the sum:

1. ``floor``    ``bench/floor.py`` on the same files (read + parse + one zstd Parquet table, 1 process);
2. ``library``  ``newsetl.run.run_pipeline`` into a fresh warehouse;
3. ``flow``     ``flows.pipeline.newsetl_pipeline`` (Prefect; ephemeral server) into another fresh
                warehouse (skipped with ``--no-prefect``).

Walls are measured inside each worker around the call (interpreter start-up and the pandas/pyarrow
import excluded from all phases; newsetl's own lazy imports and the Prefect server start are included). docs/s = input records (as counted by the floor) / wall; MB/s =
input bytes on disk / wall; CPU s is user + system time of the phase's process, its waited-for
children and the descendants still running at the end (the flow's forked pool, the Prefect server);
robust to other load on the machine. Input files are read once before the phases (warm page cache). Results go to ``bench/results/`` (gitignored) and ``--json``. No phase
asserts anything about time.

``--standard`` runs the real-data set one corpus after the other (:data:`STANDARD`: BBC, the three HTML
sets, the JSONL corpora, and the folders ``bench/realcorpus.py`` builds from them: one JSON file per real
record, and 40,000 one-article JSON files of news-crawl shape) and ends with one table of docs/s, CPU
ms per article, the ratio to the floor and peak RSS for each, with and without Prefect.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
GEN_ROOT = Path(os.environ.get("NEWSETL_BENCH_DIR", Path(tempfile.gettempdir()) / "newsetl-bench"))
# the real-data set of --standard: (name, folder under the corpora, or None for a bench/realcorpus.py folder)
STANDARD: tuple[tuple[str, str | None], ...] = (
    ("bbc", "bbc"),
    ("html-pk-news-sites", "html-pk-news-sites"),
    ("html-readability", "html-readability"),
    ("wcxb", "wcxb/html"),
    ("real-jsonl", None),
    ("real-1rec", None),
    ("real-json-40k", None),
)
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
BATCH_SUBSTAGES = ("ingest", "clean_extract", "signatures", "enrich", "validate", "write")


# ---------------------------------------------------------------------------------------------------
# worker side (one phase per process)
# ---------------------------------------------------------------------------------------------------
def _bench_module(name: str) -> Any:
    """Import bench/NAME.py without putting bench/ on sys.path (bench/profile.py would shadow stdlib profile)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"newsetl_bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its waited-for children so far."""
    import resource

    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _live_children_cpu() -> float:
    """CPU seconds of descendants still running (never waited for, so getrusage misses them): the flow's
    long-lived forked CPU pool and the Prefect server subprocess."""
    total = 0.0
    for c in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            t = c.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def _worker(phase: str, corpus: str, warehouse: str, workers: int, batch_size: int | None) -> dict[str, Any]:
    out = _worker_call(phase, corpus, warehouse, workers, batch_size)
    live = _live_children_cpu() - out.pop("live0", 0.0)
    out["cpu_waited"] = _cpu() - out.pop("cpu0")
    out["cpu_live_children"] = live
    out["cpu"] = out["cpu_waited"] + live
    return out


def _worker_call(phase: str, corpus: str, warehouse: str, workers: int, batch_size: int | None) -> dict[str, Any]:
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
    sys.path.insert(0, str(REPO))
    import pandas  # noqa: F401  - pyarrow imports it lazily on first use (~0.7 s): keep it out of every wall

    if phase == "floor":
        run_floor = _bench_module("floor").run_floor
        c0, t0 = _cpu(), time.perf_counter()
        res = run_floor([corpus])
        return {"wall": time.perf_counter() - t0, "floor": res, "cpu0": c0}
    from newsetl.settings import load_settings, quiet_environment

    quiet_environment()
    if phase == "library":
        from newsetl.run import run_pipeline

        settings = load_settings(None, warehouse=warehouse, workers=workers, batch_size=batch_size)
        c0, t0, e0 = _cpu(), time.perf_counter(), time.time()
        res = run_pipeline([corpus], settings)
        wall = time.perf_counter() - t0
        return {"wall": wall, "result": _plain(res.__dict__), "cpu0": c0, "started_epoch": e0}
    if phase == "flow":
        if (REPO / "flows" / "startup.py").exists():  # not an import test: an editable install may find another checkout's
            from flows.startup import run_pipeline_flow as flow_fn  # what `newsetl run` calls
        else:  # before flows/startup.py
            from flows.pipeline import newsetl_pipeline as flow_fn

        live0 = _live_children_cpu()
        c0, t0 = _cpu(), time.perf_counter()
        out = flow_fn(sources=[corpus], warehouse=warehouse, workers=workers, batch_size=batch_size)
        wall = time.perf_counter() - t0
        return {"wall": wall, "result": _plain(out), "cpu0": c0, "live0": live0}
    if phase == "cli":  # the default command as a user types it: interpreter, imports, server start and stop
        cmd = [sys.executable, "-c", "from newsetl.cli import entry; entry()", "run", corpus,
               "--warehouse", warehouse, "--workers", str(workers), "--json"]
        if batch_size:
            cmd += ["--batch-size", str(batch_size)]
        c0, t0 = _cpu(), time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode:
            raise SystemExit(f"newsetl run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return {"wall": wall, "result": json.loads(proc.stdout), "cpu0": c0}
    raise SystemExit(f"unknown phase {phase}")


def rss_by_stage(timeline: list[tuple[float, int]], out: dict[str, Any]) -> dict[str, int]:
    """Peak tree RSS within each top-level stage of a library run (stage walls laid end to end)."""
    e0 = out.get("started_epoch")
    stages = (out.get("result") or {}).get("stage_seconds") or {}
    if e0 is None or not stages:
        return {}
    peaks: dict[str, int] = {}
    t = float(e0)
    for name, secs in stages.items():
        if name.startswith(" "):
            continue  # sub-stages are sums over workers, not spans of time
        lo, hi = t, t + float(secs)
        inside = [rss for when, rss in timeline if lo <= when <= hi + 0.5]
        if inside:
            peaks[name] = max(inside)
        t = hi
    return peaks


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    return str(v)


# ---------------------------------------------------------------------------------------------------
# parent side
# ---------------------------------------------------------------------------------------------------
class TreeRSS:
    """Peak of the summed RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_procs = 0
        self.timeline: list[tuple[float, int]] = []  # (epoch seconds, tree RSS), one sample per 0.5 s at most
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        procs = [self.proc]
        with contextlib.suppress(psutil.Error):
            procs += self.proc.children(recursive=True)
        total = 0
        alive = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
                alive += 1
        if total > self.peak:
            self.peak = total
        now = time.time()
        if not self.timeline or now - self.timeline[-1][0] >= 0.5:
            self.timeline.append((now, total))
        elif total > self.timeline[-1][1]:
            self.timeline[-1] = (self.timeline[-1][0], total)
        self.peak_procs = max(self.peak_procs, alive)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def _kill_tree(pid: int) -> None:
    with contextlib.suppress(psutil.Error):
        parent = psutil.Process(pid)
        for c in parent.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                c.kill()
        parent.kill()


def run_phase(phase: str, corpus: str, warehouse: str, workers: int, batch_size: int | None,
              timeout: float | None, env: dict[str, str]) -> dict[str, Any]:
    """Run one phase in a child process; return its result with ``peak_rss`` and ``error`` (or None)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tf:
        result_path = tf.name
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_worker", phase, corpus, "--_warehouse", warehouse,
           "--workers", str(workers), "--_result", result_path]
    if batch_size:
        cmd += ["--batch-size", str(batch_size)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with TreeRSS(proc.pid) as mon:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            output, _ = proc.communicate()
            output = (output or "") + f"\n[bench] killed after {timeout}s"
    out: dict[str, Any] = {"phase": phase, "process_seconds": time.perf_counter() - t0, "peak_rss": mon.peak,
                           "peak_processes": mon.peak_procs, "returncode": proc.returncode, "error": None}
    try:
        out.update(json.loads(Path(result_path).read_text()))
        out["peak_rss_by_stage"] = rss_by_stage(mon.timeline, out)
    except (OSError, ValueError):
        tail = "\n".join((output or "").strip().splitlines()[-12:])
        out["error"] = tail or f"exit status {proc.returncode}"
    finally:
        with contextlib.suppress(OSError):
            os.unlink(result_path)
    return out


def _mb(b: float) -> str:
    return f"{b / 1e6:,.0f}"


def build_report(res: dict[str, Any]) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    floor = res["phases"]["floor"]
    docs = floor.get("floor", {}).get("records", 0)
    mb_in = floor.get("floor", {}).get("bytes_in", 0) / 1e6
    fwall = floor.get("wall")
    t = Table(title=f"newsetl bench: {res['corpus']} ({res['files']:,} files, {docs:,} records, {mb_in:,.1f} MB, "
                    f"workers={res['workers']})", header_style="bold")
    fcpu = floor.get("cpu")
    for c in ("phase / stage", "wall s", "docs/s", "MB/s", "peak RSS MB", "x floor", "CPU s", "CPU x floor"):
        t.add_column(c, justify="left" if c.startswith("phase") else "right")

    def row(name: str, wall: float | None, ph: dict[str, Any] | None = None, style: str | None = None) -> None:
        if wall is None:
            t.add_row(name, "-", "-", "-", _mb(ph["peak_rss"]) if ph else "", "", "", "", style=style)
            return
        cpu = ph.get("cpu") if ph else None
        t.add_row(name, f"{wall:,.2f}", f"{docs / wall:,.0f}" if wall else "-", f"{mb_in / wall:,.1f}" if wall else "-",
                  _mb(ph["peak_rss"]) if ph else "", f"{wall / fwall:,.1f}" if fwall else "",
                  f"{cpu:,.1f}" if cpu is not None else "", f"{cpu / fcpu:,.1f}" if cpu and fcpu else "", style=style)

    row("floor (read+parse+write)", fwall, floor, "bold")
    labels = {"library": "library (run_pipeline)", "flow": "flow (Prefect)", "cli": "newsetl run (CLI, end to end)"}
    for name in ("library", "flow", "cli"):
        ph = res["phases"].get(name)
        if ph is None:
            continue
        label = labels[name]
        if ph.get("error"):
            t.add_row(label, "FAILED", "", "", _mb(ph["peak_rss"]), "", "", "", style="red")
            continue
        row(label, ph["wall"], ph, "bold")
        if name == "library":
            by_stage = ph.get("peak_rss_by_stage") or {}
            for k, v in ph["result"].get("stage_seconds", {}).items():
                sub = k.strip()
                indent = "    " if k.startswith(" ") or sub in BATCH_SUBSTAGES else "  "
                t.add_row(f"{indent}{sub}{' (sum over workers)' if indent == '    ' else ''}", f"{v:,.2f}", "", "",
                          _mb(by_stage[k]) if k in by_stage else "", "", "", "")
    buf = StringIO()
    Console(file=buf, width=130, force_terminal=False, color_system=None).print(t)
    lines = [buf.getvalue().rstrip()]
    s = res["summary"]
    if (res.get("dirty") or {}).get("files"):
        lines.append(f"commit {res.get('commit')} + uncommitted edits (diff {res['dirty']['diff_sha1']}): "
                     + ", ".join(res["dirty"]["files"]))
    if res.get("load_before") is not None:
        lines.append(f"machine: {res['machine']['cpus']} CPUs, load average before {res['load_before']}, "
                     f"after {res.get('load_after')}; page cache warmed in {res.get('warm_seconds') or 0:.1f}s")
    if s.get("pipeline_over_floor") is not None:
        lines.append(f"pipeline / floor: {s['pipeline_over_floor']:.1f}x wall, "
                     f"{s.get('pipeline_over_floor_cpu') or float('nan'):.1f}x CPU (aim: <= 10x)")
    if s.get("prefect_over_library") is not None:
        lines.append(f"Prefect overhead: flow / library = {s['prefect_over_library']:.2f}x wall "
                     f"(+{s['prefect_extra_seconds']:.1f}s, includes the ephemeral server start)"
                     + (f", {s['prefect_over_library_cpu']:.2f}x CPU" if s.get("prefect_over_library_cpu") else ""))
    if s.get("cli_docs_per_s") is not None:
        lines.append(f"newsetl run (default command, Prefect included): {s['cli_docs_per_s']:,.0f} docs/s = "
                     f"{100 * s['cli_share_of_floor_docs_per_s']:.1f}% of the floor's docs/s (aim: >= 10%)")
    lib = res["phases"].get("library") or {}
    r = lib.get("result") or {}
    if r:
        lines.append(f"library run: {r.get('files_read', 0):,} files read, {r.get('articles_loaded', 0):,} articles "
                     f"loaded, {r.get('duplicates', 0):,} duplicates, {r.get('quarantined', 0):,} quarantined "
                     f"{r.get('quarantine_reasons') or ''}")
    for name, ph in res["phases"].items():
        if ph.get("error"):
            lines.append(f"{name} FAILED:\n  " + ph["error"].replace("\n", "\n  "))
    if res.get("results_file"):
        lines.append(f"results: {res['results_file']}")
    return "\n".join(lines)


def summarize(res: dict[str, Any]) -> dict[str, Any]:
    ph = res["phases"]
    floor_wall = ph["floor"].get("wall")
    lib = ph.get("library") or {}
    flow = ph.get("flow") or {}
    s: dict[str, Any] = {"docs": ph["floor"].get("floor", {}).get("records"),
                         "bytes_in": ph["floor"].get("floor", {}).get("bytes_in"),
                         "floor_seconds": floor_wall, "floor_peak_rss": ph["floor"].get("peak_rss")}
    if lib and not lib.get("error"):
        s.update(library_seconds=lib["wall"], library_peak_rss=lib["peak_rss"],
                 library_docs_per_s=(s["docs"] or 0) / lib["wall"],
                 pipeline_over_floor=lib["wall"] / floor_wall if floor_wall else None,
                 library_cpu_seconds=lib.get("cpu"), floor_cpu_seconds=ph["floor"].get("cpu"),
                 pipeline_over_floor_cpu=(lib["cpu"] / ph["floor"]["cpu"]) if ph["floor"].get("cpu") else None)
    cli = ph.get("cli") or {}
    if cli and not cli.get("error"):
        s.update(cli_seconds=cli["wall"], cli_peak_rss=cli["peak_rss"], cli_cpu_seconds=cli.get("cpu"),
                 cli_docs_per_s=(s["docs"] or 0) / cli["wall"],
                 cli_share_of_floor_docs_per_s=floor_wall / cli["wall"] if floor_wall else None)
    if flow and not flow.get("error"):
        s.update(flow_seconds=flow["wall"], flow_peak_rss=flow["peak_rss"], flow_cpu_seconds=flow.get("cpu"),
                 flow_docs_per_s=(s["docs"] or 0) / flow["wall"])
        if lib and not lib.get("error"):
            s.update(prefect_over_library=flow["wall"] / lib["wall"], prefect_extra_seconds=flow["wall"] - lib["wall"])
            if flow.get("cpu") and lib.get("cpu"):
                s.update(prefect_over_library_cpu=flow["cpu"] / lib["cpu"])
    return s


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _warm_cache(files: list[Path]) -> int:
    """Read every file once so the page cache is equally warm for all phases (else the floor, run first,
    pays the cold reads: 4.5 s wall for 0.4 s CPU on bbc). Returns the bytes read."""
    n = 0
    for f in files:
        with contextlib.suppress(OSError), open(f, "rb") as fh:
            while chunk := fh.read(1 << 20):
                n += len(chunk)
    return n


def _git_dirty() -> dict[str, Any] | None:
    """Uncommitted edits to the code being measured (others may edit the tree during a run)."""
    try:
        paths = ["newsetl", "flows", "schemas"]
        files = subprocess.run(["git", "-C", str(REPO), "diff", "--name-only", "HEAD", "--", *paths],
                               capture_output=True, text=True, check=True).stdout.split()
        diff = subprocess.run(["git", "-C", str(REPO), "diff", "HEAD", "--", *paths], capture_output=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    import hashlib

    return {"files": files, "diff_sha1": hashlib.sha1(diff).hexdigest()[:12] if files else None}


def bench(corpus: str, workers: int = 2, prefect: bool = True, batch_size: int | None = None,
          timeout: float | None = None, keep: bool = False, generated: dict[str, Any] | None = None,
          cli: bool = False) -> dict[str, Any]:
    """Run floor, library and (optionally) flow and the CLI on ``corpus``; return the full result dict."""
    list_files = _bench_module("floor").list_files
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(GEN_ROOT / "prefect-home"))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    work = Path(tempfile.mkdtemp(prefix="newsetl-bench-wh-", dir=GEN_ROOT if GEN_ROOT.exists() else None))
    res: dict[str, Any] = {
        "corpus": corpus, "files": len(list_files([corpus])), "workers": workers, "batch_size": batch_size,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": _git_commit(), "dirty": _git_dirty(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "memory_gb": round(psutil.virtual_memory().total / 1e9, 1)},
        "generated": generated, "phases": {}, "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    t0 = time.perf_counter()
    _warm_cache(list_files([corpus]))
    res["warm_seconds"] = time.perf_counter() - t0
    try:
        res["phases"]["floor"] = run_phase("floor", corpus, "", 1, None, timeout, env)
        res["phases"]["library"] = run_phase("library", corpus, str(work / "wh-library"), workers, batch_size,
                                             timeout, env)
        if prefect:
            res["phases"]["flow"] = run_phase("flow", corpus, str(work / "wh-flow"), workers, batch_size, timeout, env)
        if cli:
            res["phases"]["cli"] = run_phase("cli", corpus, str(work / "wh-cli"), workers, batch_size, timeout, env)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            res["warehouses"] = str(work)
    res["load_after"] = [round(x, 2) for x in os.getloadavg()]
    res["summary"] = summarize(res)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="newsetl benchmark: pipeline vs I/O floor vs Prefect flow.")
    ap.add_argument("corpus", nargs="?", help="folder of source files")
    ap.add_argument("--generate", type=int, metavar="N", help="generate N articles (bench/generate.py) and use them")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gen-dir", default=None, help=f"where --generate writes (default {GEN_ROOT}/gen-N-sSEED; reused)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--prefect", action=argparse.BooleanOptionalAction, default=True,
                    help="also run the Prefect flow and report its overhead (default: yes)")
    ap.add_argument("--cli", action=argparse.BooleanOptionalAction, default=False,
                    help="also time the default command end to end (`newsetl run CORPUS`, Prefect included)")
    ap.add_argument("--timeout", type=float, default=None, help="kill a phase after this many seconds")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    ap.add_argument("--keep", action="store_true", help="keep the benchmark warehouses")
    ap.add_argument("--results-dir", default=str(RESULTS), help="where the results JSON goes (default bench/results)")
    ap.add_argument("--standard", action="store_true", help="run the real-data set (see STANDARD) and summarise")
    ap.add_argument("--only", default=None, help="with --standard: comma-separated names of the set to run")
    ap.add_argument("--corpora", default=str(DEFAULT_CORPORA), help="the shared corpora (for --standard)")
    ap.add_argument("--_worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_warehouse", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_result", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a._worker:
        out = _worker(a._worker, a.corpus, a._warehouse, a.workers, a.batch_size)
        Path(a._result).write_text(json.dumps(out))
        return 0
    if a.standard:
        return run_standard(a)
    if (a.corpus is None) == (a.generate is None):
        ap.error("pass a CORPUS_DIR or --generate N (one of them)")
    generated = None
    corpus = a.corpus
    if a.generate is not None:
        ensure_corpus = _bench_module("generate").ensure_corpus
        gdir = Path(a.gen_dir) if a.gen_dir else GEN_ROOT / f"gen-{a.generate}-s{a.seed}"
        gdir.parent.mkdir(parents=True, exist_ok=True)
        generated = ensure_corpus(a.generate, gdir, a.seed)
        corpus = str(gdir)
    elif not Path(corpus).is_dir():
        ap.error(f"{corpus} is not a folder")
    GEN_ROOT.mkdir(parents=True, exist_ok=True)
    res = bench(str(Path(corpus).resolve()), a.workers, a.prefect, a.batch_size, a.timeout, a.keep, generated,
                a.cli)
    results = Path(a.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    label = f"gen{a.generate}" if a.generate is not None else Path(corpus).name
    path = results / f"run-{label}-w{a.workers}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    res["results_file"] = str(path)
    text = json.dumps(res, indent=1)
    path.write_text(text)
    if a.json:
        Path(a.json).write_text(text)
    print(build_report(res))
    failed = any(p.get("error") for p in res["phases"].values())
    return 1 if failed else 0


def standard_corpora(corpora: Path, only: list[str] | None = None) -> list[tuple[str, Path]]:
    """The folders of the real-data set that exist (``bench/realcorpus.py`` folders built when missing)."""
    out: list[tuple[str, Path]] = []
    realcorpus = None
    for name, rel in STANDARD:
        if only and name not in only:
            continue
        if rel is None:
            realcorpus = realcorpus or _bench_module("realcorpus")
            if not (corpora / "bbc").is_dir():
                continue
            out.append((name, realcorpus.ensure(name, corpora, GEN_ROOT)))
        elif (corpora / rel).is_dir():
            out.append((name, corpora / rel))
    return out


def standard_table(rows: list[dict[str, Any]]) -> str:
    """One line per corpus and phase: wall, docs/s, share of the floor's docs/s, CPU ms/article, peak RSS."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    t = Table(title="newsetl on real data (docs/s = records / wall; CPU ms/art = CPU seconds of the phase's "
                    "process tree per record)", header_style="bold")
    for c in ("corpus", "files", "docs", "MB", "phase", "wall s", "docs/s", "% floor docs/s", "CPU s",
              "CPU ms/art", "CPU x floor", "peak RSS MB"):
        t.add_column(c, justify="left" if c in ("corpus", "phase") else "right")
    names = {"floor": "floor", "library": "library", "flow": "flow (Prefect)", "cli": "newsetl run (CLI)"}
    for r in rows:
        s = r.get("summary") or {}
        docs = s.get("docs") or 0
        ph = r.get("phases") or {}
        fl = ph.get("floor") or {}
        first = True
        for name, label in names.items():
            p = ph.get(name)
            if not p:
                continue
            head = [r["name"], f"{r['files']:,}", f"{docs:,}", f"{(s.get('bytes_in') or 0) / 1e6:,.1f}"] if first \
                else ["", "", "", ""]
            first = False
            if p.get("error") or not p.get("wall"):
                t.add_row(*head, label, "FAILED", *[""] * 6)
                continue
            share = f"{100 * fl['wall'] / p['wall']:.1f}%" if fl.get("wall") else ""
            cpu = p.get("cpu") or 0.0
            t.add_row(*head, label, f"{p['wall']:,.2f}", f"{docs / p['wall']:,.0f}", share, f"{cpu:,.1f}",
                      f"{1000 * cpu / max(docs, 1):.2f}", f"{cpu / fl['cpu']:.1f}" if fl.get("cpu") else "",
                      _mb(p["peak_rss"]))
    buf = StringIO()
    Console(file=buf, width=160, force_terminal=False, color_system=None).print(t)
    return buf.getvalue().rstrip()


def run_standard(a: argparse.Namespace) -> int:
    only = [x.strip() for x in a.only.split(",")] if a.only else None
    GEN_ROOT.mkdir(parents=True, exist_ok=True)
    rows = []
    failed = False
    for name, path in standard_corpora(Path(a.corpora), only):
        res = bench(str(path.resolve()), a.workers, a.prefect, a.batch_size, a.timeout, a.keep, cli=a.cli)
        res["name"] = name
        print(build_report(res), flush=True)
        rows.append(res)
        failed |= any(p.get("error") for p in res["phases"].values())
    results = Path(a.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"standard-w{a.workers}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    text = json.dumps({"commit": _git_commit(), "dirty": _git_dirty(), "runs": rows}, indent=1)
    path.write_text(text)
    if a.json:
        Path(a.json).write_text(text)
    print(standard_table(rows))
    print(f"results: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
