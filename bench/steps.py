"""CPU cost of each step of a batch, per article, and of the per-process set-up, in one process.

    python bench/steps.py CORPUS_DIR [--limit 3000] [--repeat 3] [--json out.json]

Reads the first ``--limit`` files of the corpus (sorted, as the pipeline lists them), then times, with
``time.process_time`` (CPU of this process only, so other load on the machine barely moves it):

* the set-up a worker pays once: the imports, the sector/entity matchers, the GX suites and context,
  the language model;
* every step of ``newsetl.run.batch.process_batch`` on the whole set, ``--repeat`` times (the best
  repeat is reported): ingest (read_source), clean_extract, exact hash, signatures, sectors, entities,
  validation (the three tables) and the Parquet writes;
* in ms per article and in total seconds.

Use it to compare a change before/after in the same session (``git stash`` or two checkouts with
``PYTHONPATH``): it prints the commit and whether the tree is dirty. Nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))


def _floor_list(corpus: str) -> list[Path]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("newsetl_bench_floor", BENCH / "floor.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.list_files([corpus]))


class Clock:
    def __init__(self) -> None:
        self.secs: dict[str, float] = {}

    def time(self, name: str, fn: Any, *args: Any, **kw: Any) -> Any:
        t0 = time.process_time()
        out = fn(*args, **kw)
        self.secs[name] = self.secs.get(name, 0.0) + time.process_time() - t0
        return out


def setup_costs() -> tuple[dict[str, float], Any]:
    c = Clock()
    import pandas  # noqa: F401  (pyarrow's lazy pandas import, paid by every worker and by the floor alike)

    c.time("import newsetl steps", lambda: __import__("newsetl.run.batch", fromlist=["x"]))
    c.time("import GX (validate.runner)", lambda: __import__("newsetl.validate.runner", fromlist=["x"]))
    from newsetl.settings import load_settings

    settings = load_settings(None, warehouse=tempfile.mkdtemp(prefix="steps-wh-"), workers=1)
    from newsetl.run.common import matchers, suites

    c.time("matchers (taxonomy, gazetteer, forms)", matchers, settings)
    c.time("GX suites", suites, settings)
    from newsetl.validate.runner import get_context

    c.time("GX context", get_context)
    from newsetl.extract import language

    c.time("language model", language._get)
    return c.secs, settings


def run_steps(files: list[Path], settings: Any) -> tuple[dict[str, float], int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsetl.clean_extract import clean_extract_batch
    from newsetl.dedup import compute_signatures, normalized_text_hash

    try:
        from newsetl.dedup import fingerprints
    except ImportError:  # before the one-normalisation change
        def fingerprints(titles: Any, bodies: Any, cfg: Any) -> Any:
            hashes = [normalized_text_hash(t, b) for t, b in zip(titles, bodies, strict=True)]
            return (hashes, *compute_signatures(bodies, cfg))
    from newsetl.enrich.entities import extract_entities
    from newsetl.enrich.sectors import tag_sectors
    from newsetl.ingest import SourceFile, read_source
    from newsetl.run.batch import _articles_table
    from newsetl.run.common import matchers, now, suites
    from newsetl.validate import validate_table
    from schemas import PARTITION_COLUMN

    c = Clock()
    docs = []
    for f in files:
        st = f.stat()
        got, _rej = c.time("ingest", read_source, SourceFile(str(f), st.st_size, st.st_mtime, str(f.parent)),
                           settings.ingest)
        docs.extend(got)
    arts, _ = c.time("clean_extract", clean_extract_batch, docs, settings.extract)
    hashes, minhash, n_sh = c.time("fingerprints (hash + MinHash)", fingerprints, [a.title for a in arts],
                                   [a.body for a in arts], settings.dedup)
    articles = c.time("articles table", _articles_table, arts, hashes, now(), minhash, n_sh)
    smatch, ematch = matchers(settings)
    sel = articles.select(["article_id", "title", "body"])
    try:
        from newsetl.enrich import enrich_articles
    except ImportError:  # before the one-pass enrichment
        def enrich_articles(t: Any, sm: Any, em: Any) -> Any:
            return tag_sectors(t, sm), extract_entities(t, em)
    sect, ents = c.time("enrich (sectors + entities)", enrich_articles, sel, smatch, ematch)
    suite_set = suites(settings)

    def no_run_id(t: pa.Table) -> pa.Table:
        return t.append_column("run_id", pa.array([""] * t.num_rows, pa.string()))

    try:
        from newsetl.run.batch import INTERNAL_COLUMNS as internal
    except ImportError:  # before body_chars
        internal = ["minhash", "n_shingles"]
    for name, tbl in (("articles", articles.drop_columns([*internal, PARTITION_COLUMN])),
                      ("article_sectors", no_run_id(sect)), ("article_entities", no_run_id(ents))):
        c.time(f"validate {name}", validate_table, name, tbl, suite_set)
    with tempfile.TemporaryDirectory() as d:
        c.time("write parquet", lambda: [pq.write_table(t, Path(d) / f"{i}.parquet", compression="zstd")
                                         for i, t in enumerate((articles, sect, ents))])
    return c.secs, len(arts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    from newsetl.settings import quiet_environment

    quiet_environment()
    files = _floor_list(a.corpus)[: a.limit]
    setup, settings = setup_costs()
    best: dict[str, float] = {}
    n = 0
    for _ in range(a.repeat):
        secs, n = run_steps(files, settings)
        best = {k: min(v, best.get(k, v)) for k, v in secs.items()}
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "newsetl", "flows"],
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = None, None
    print(f"{a.corpus}: {len(files)} files, {n} articles; commit {commit}{' + edits' if dirty else ''}; "
          f"best of {a.repeat}")
    print(f"{'set-up (once per process)':40s} {'CPU s':>8s}")
    for k, v in setup.items():
        print(f"  {k:38s} {v:8.3f}")
    print(f"{'step':40s} {'CPU s':>8s} {'ms/article':>11s}")
    for k, v in best.items():
        print(f"  {k:38s} {v:8.3f} {1000 * v / max(n, 1):11.3f}")
    total = sum(best.values())
    print(f"  {'total':38s} {total:8.3f} {1000 * total / max(n, 1):11.3f}")
    if a.json:
        Path(a.json).write_text(json.dumps({"corpus": a.corpus, "files": len(files), "articles": n,
                                            "commit": commit, "dirty": dirty, "setup": setup, "steps": best}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
