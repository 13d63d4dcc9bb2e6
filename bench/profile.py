"""Profile a library run of newsetl with pyinstrument and print where the time goes.

    python bench/profile.py --generate 10000 [--seed 1] [--top 25] [--interval 0.002]
    python bench/profile.py CORPUS_DIR

Runs ``newsetl.run.run_pipeline`` in this process with ``workers=1`` (a sampling profiler sees one
process only) into a temporary warehouse, then prints:

* the top functions by **self time** (time on their own lines, callees excluded) as ``file:function``;
* the top **newsetl** functions by **inclusive time** (callees included, recursion counted once), which
  says which step to optimise;
* the run's own ``stage_seconds``.

The full call tree is saved as HTML and text under ``bench/results/`` (open the HTML in a browser).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
# this file is named like the stdlib ``profile`` (which cProfile imports): keep bench/ off sys.path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))


def _bench_module(name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"newsetl_bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _key(frame: Any) -> str:
    path = str(frame.file_path or "")
    repo = str(REPO) + "/"
    if path.startswith(repo):
        path = path[len(repo):]
    elif "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif "/lib/python" in path:
        path = "<stdlib>/" + path.split("/lib/python", 1)[1].split("/", 1)[-1]
    return f"{path}:{frame.function}"


def aggregate(root: Any) -> tuple[dict[str, float], dict[str, float]]:
    """(self seconds, inclusive seconds) per ``file:function`` over the whole call tree."""
    self_t: dict[str, float] = defaultdict(float)
    incl: dict[str, float] = defaultdict(float)
    stack: list[tuple[Any, frozenset[str]]] = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        if frame.is_synthetic:
            continue
        k = _key(frame)
        child_time = sum(c.time for c in frame.children if not c.is_synthetic)
        self_t[k] += max(0.0, frame.time - child_time)
        if k not in above:
            incl[k] += frame.time
        below = above | {k}
        stack.extend((c, below) for c in frame.children)
    return dict(self_t), dict(incl)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="pyinstrument profile of a newsetl library run")
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--generate", type=int, metavar="N")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--interval", type=float, default=0.002, help="sampling interval in seconds")
    ap.add_argument("--batch-size", type=int, default=None)
    a = ap.parse_args(argv)
    if (a.corpus is None) == (a.generate is None):
        ap.error("pass a CORPUS_DIR or --generate N")

    from pyinstrument import Profiler

    from newsetl.settings import load_settings, quiet_environment

    quiet_environment()
    corpus = a.corpus
    if a.generate is not None:
        ensure_corpus = _bench_module("generate").ensure_corpus
        gdir = _bench_module("run").GEN_ROOT / f"gen-{a.generate}-s{a.seed}"
        gdir.parent.mkdir(parents=True, exist_ok=True)
        ensure_corpus(a.generate, gdir, a.seed)
        corpus = str(gdir)
    import pandas  # noqa: F401  - imported lazily by pyarrow; keep it out of the profile

    from newsetl.run import run_pipeline

    wh = tempfile.mkdtemp(prefix="newsetl-profile-wh-")
    settings = load_settings(None, warehouse=wh, workers=1, batch_size=a.batch_size)
    prof = Profiler(interval=a.interval)
    t0 = time.perf_counter()
    prof.start()
    try:
        res = run_pipeline([corpus], settings)
    finally:
        prof.stop()
        shutil.rmtree(wh, ignore_errors=True)
    wall = time.perf_counter() - t0
    session = prof.last_session
    root = session.root_frame() if session else None
    if root is None:
        print("no samples")
        return 1
    self_t, incl = aggregate(root)
    total = root.time or wall

    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"profile-{Path(corpus).name}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    stem.with_suffix(".html").write_text(prof.output_html())
    stem.with_suffix(".txt").write_text(prof.output_text(unicode=True, color=False, show_all=False))

    print(f"profiled run_pipeline on {corpus}: {wall:.1f}s wall, {res.articles_loaded:,} articles loaded, "
          f"{res.duplicates:,} duplicates, {res.quarantined:,} quarantined (workers=1)")
    print("stages: " + ", ".join(f"{k.strip()} {v:.1f}s" for k, v in res.stage_seconds.items()))
    print(f"\nTop {a.top} by self time (own lines, callees excluded)")
    print(f"{'seconds':>8} {'share':>6}  file:function")
    for k, v in sorted(self_t.items(), key=lambda kv: -kv[1])[:a.top]:
        print(f"{v:8.2f} {v / total:6.1%}  {k}")
    print(f"\nTop {a.top} newsetl functions by inclusive time (callees included)")
    print(f"{'seconds':>8} {'share':>6}  file:function")
    own = [(k, v) for k, v in incl.items() if k.startswith(("newsetl/", "schemas/", "flows/"))]
    for k, v in sorted(own, key=lambda kv: -kv[1])[:a.top]:
        print(f"{v:8.2f} {v / total:6.1%}  {k}")
    print(f"\ncall tree: {stem.with_suffix('.html')} (and .txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
