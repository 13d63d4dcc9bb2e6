"""The pipeline as plain functions over batches (no Prefect here: ``flows/`` sequences these).

A run is:

1. ``plan``          list the sources, skip files the manifest says are unchanged, cut the rest into batches;
2. ``process_batch`` per batch (parallel): read, clean, extract, hash + MinHash, sectors, entities, validate;
                     writes the batch's tables as Parquet in its work folder and returns a small summary;
3. ``dedup_batches`` sequential over the batches: exact and near duplicates, within the run and against
                     the warehouse's history; writes story ids per batch;
4. ``finalize``      stamps run ids, casts to ``schemas/`` and stages the final files;
5. ``commit``        (``newsetl.load``) one atomic snapshot with the marts, checked before it is published.

Batch work folders are keyed by the content of their inputs and the settings, so a run that failed
late re-uses the batches it already processed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash

from newsetl.errors import TerminalError, ValidationFailed
from newsetl.load import CommitResult, StagedRun, commit
from newsetl.model import Article, Rejection
from newsetl.settings import Settings
from newsetl.store import Warehouse, cast_to_schema, new_run_id, remove_tree, write_parquet
from schemas import PARTITION_COLUMN, TABLES, UNKNOWN_PARTITION

SUCCESS = "_SUCCESS"
# input bytes per batch: bounds a worker's memory when files hold many records (JSONL, feeds)
BATCH_MAX_BYTES = 16 * 1024 * 1024
ProgressFn = Callable[..., None]  # (stage, done, total, *, files=None, articles=None)


# ---------------------------------------------------------------------------------------------------
# plan
# ---------------------------------------------------------------------------------------------------
@dataclass
class FileRef:
    """A source file to read (picklable, small: crosses process and Prefect task boundaries)."""

    uri: str
    size: int
    mtime: float | None
    root: str


@dataclass
class Plan:
    run_id: str
    batches: list[list[FileRef]]
    files_seen: int
    skipped: int
    rejections: list[Rejection]
    known_hashes: dict[str, str] = field(default_factory=dict)  # uri -> content hash loaded before

    @property
    def files_to_read(self) -> int:
        return sum(len(b) for b in self.batches)


def _manifest(wh: Warehouse) -> dict[str, tuple[int, float | None, str, str]]:
    t = wh.read("manifest", ["source_uri", "size_bytes", "mtime", "content_hash", "status"])
    if t is None:
        return {}
    d = t.to_pydict()
    return {
        u: (s, m, h, st)
        for u, s, m, h, st in zip(
            d["source_uri"], d["size_bytes"], d["mtime"], d["content_hash"], d["status"], strict=True
        )
    }


def plan(sources: list[str], settings: Settings, wh: Warehouse, run_id: str | None = None,
         retry_quarantined: bool = False) -> Plan:
    """List the sources and decide which files to read (new, changed, or to retry)."""
    from newsetl.ingest import discover

    # a source folder that holds the warehouse itself (`newsetl run .`, maybe through a symlink): never ingest it
    found, rejections = discover(sources, settings.ingest, exclude=() if wh.remote else (wh.root,))
    if rejections:  # a rejection already recorded is not recorded again
        from newsetl.quarantine import reasons_by_source

        recorded = reasons_by_source(wh)
        rejections = [r for r in rejections if r.reason not in recorded.get(r.source_uri, ())]
    manifest = _manifest(wh)
    retry_uris: set[str] = set()
    if retry_quarantined:
        from newsetl.quarantine import quarantined_sources

        retry_uris = quarantined_sources(wh)
    todo: list[FileRef] = []
    known: dict[str, str] = {}
    skipped = 0
    for f in found:
        prev = manifest.get(f.uri)
        if prev is not None:
            size, mtime, h, _status = prev
            retry = f.uri in retry_uris
            if not retry and size == f.size and mtime == f.mtime:
                skipped += 1
                continue
            if not retry:
                known[f.uri] = h
        todo.append(FileRef(f.uri, f.size, f.mtime, f.root))
    # at least one batch per worker (balanced), at most batch_size files each
    per_batch = max(1, min(settings.batch_size, -(-len(todo) // settings.workers)))
    batches = list(_cut_batches(todo, per_batch, BATCH_MAX_BYTES))
    return Plan(run_id or new_run_id(), batches, len(found) + len(rejections), skipped, rejections, known)


def _cut_batches(files: list[FileRef], max_files: int, max_bytes: int) -> Iterator[list[FileRef]]:
    batch: list[FileRef] = []
    size = 0
    for f in files:
        if batch and (len(batch) >= max_files or size + f.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(f)
        size += f.size
    if batch:
        yield batch


def batch_key(files: list[FileRef], settings: Settings) -> str:
    """Content key of a batch: its files' identity and the settings that shape the output."""
    h = xxhash.xxh3_128()
    h.update(settings.model_dump_json(exclude={"warehouse", "workers"}).encode())
    for path in (settings.enrich.taxonomy, settings.enrich.entities):
        with contextlib.suppress(OSError):
            h.update(Path(path).read_bytes())
    for f in files:
        h.update(f"{f.uri}\0{f.size}\0{f.mtime}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------
# process one batch (CPU-bound; runs in a worker)
# ---------------------------------------------------------------------------------------------------
@dataclass
class BatchSummary:
    """What a processed batch reports back (paths and counts, never the data)."""

    batch_no: int
    dir: str
    files: int
    records: int
    articles: int
    rejected: int
    unchanged: list[str]
    seconds: dict[str, float]
    cached: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _rejection_rows(rejs: Iterable[Rejection], when: dt.datetime) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {k: [] for k in ("source_uri", "article_id", "stage", "reason", "detail", "quarantined_at")}
    for r in rejs:
        cols["source_uri"].append(r.source_uri)
        cols["article_id"].append(r.article_id)
        cols["stage"].append(r.stage)
        cols["reason"].append(r.reason)
        cols["detail"].append(r.detail[:2000])
        cols["quarantined_at"].append(when)
    return cols


def _partition_of(d: dt.date | None) -> str:
    return d.strftime("%Y-%m") if d else UNKNOWN_PARTITION


_ARTICLE_ATTRS = [f.name for f in TABLES["articles"].schema
                  if f.name not in ("content_hash", "story_id", "is_duplicate", "ingested_at", "run_id")]


def _articles_table(arts: list[Article], hashes: list[str], when: dt.datetime,
                    minhash: Any, n_shingles: Any) -> pa.Table:
    """The batch's articles (story ids provisional: each its own story until dedup), with signatures."""
    schema = TABLES["articles"].schema
    cols: dict[str, pa.Array] = {
        name: pa.array([getattr(a, name) for a in arts], schema.field(name).type) for name in _ARTICLE_ATTRS
    }
    cols["content_hash"] = pa.array(hashes, pa.string())
    cols["story_id"] = cols["article_id"]
    cols["is_duplicate"] = pa.array([False] * len(arts), pa.bool_())
    cols["ingested_at"] = pa.array([when] * len(arts), schema.field("ingested_at").type)
    cols["run_id"] = pa.array([""] * len(arts), pa.string())
    cols[PARTITION_COLUMN] = pa.array([_partition_of(a.published_date) for a in arts], pa.string())
    t = pa.table({f.name: cols[f.name] for f in schema} | {PARTITION_COLUMN: cols[PARTITION_COLUMN]})
    width = int(minhash.shape[1]) if minhash.ndim == 2 else 0
    sig = pa.FixedSizeListArray.from_arrays(pa.array(minhash.reshape(-1), pa.uint32()), width)
    t = t.append_column("minhash", sig.cast(pa.list_(pa.uint32())))
    return t.append_column("n_shingles", pa.array(n_shingles, pa.int32()))


_RESOURCES: dict[str, Any] = {}


def _resource(key: str, build: Callable[[], Any]) -> Any:
    """Per-process cache of the expensive, reusable objects (matchers)."""
    if key not in _RESOURCES:
        _RESOURCES[key] = build()
    return _RESOURCES[key]


def _matchers(settings: Settings) -> tuple[Any, Any]:
    from newsetl.enrich import entities, sectors, taxonomy

    def build() -> tuple[Any, Any]:
        tax = taxonomy.load_taxonomy(Path(settings.enrich.taxonomy))
        return sectors.SectorMatcher(tax), entities.EntityMatcher(entities.load_entities(Path(settings.enrich.entities)))

    key = f"matchers:{settings.enrich.taxonomy}:{settings.enrich.entities}"
    return _resource(key, build)


def _suites(settings: Settings) -> dict[str, Any]:
    """The GX suites with the taxonomy's sector ids as the allowed set (cached per process)."""
    from newsetl.enrich.taxonomy import load_taxonomy
    from newsetl.validate import build_suites

    def build() -> dict[str, Any]:
        return build_suites(sorted(load_taxonomy(Path(settings.enrich.taxonomy)).ids))

    return _resource(f"suites:{settings.enrich.taxonomy}", build)


def _hash_file(uri: str, settings: Settings) -> str | None:
    """Content hash of a file that gave no record (so a touched, still-bad file is seen as unchanged)."""
    import fsspec

    h = xxhash.xxh3_128()
    try:
        fs, path = fsspec.core.url_to_fs(uri)
        if fs.size(path) > settings.ingest.max_file_bytes:
            return None
        with fs.open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def process_batch(batch_no: int, files: list[FileRef], settings: Settings, work_root: str,
                  known_hashes: dict[str, str] | None = None) -> BatchSummary:
    """Read, clean, extract, sign, enrich and validate one batch; write its tables to its work folder."""
    from newsetl.dedup import compute_signatures, normalized_text_hash
    from newsetl.enrich.entities import extract_entities
    from newsetl.enrich.sectors import tag_sectors
    from newsetl.extract.article import extract_article
    from newsetl.ingest import SourceFile, read_source
    from newsetl.validate import validate_table

    key = batch_key(files, settings)
    out = Path(work_root) / f"batch-{key}"
    if (out / SUCCESS).exists():
        meta = json.loads((out / SUCCESS).read_text())
        meta["cached"] = True
        meta["batch_no"] = batch_no
        return BatchSummary(**meta)
    remove_tree(out)
    out.mkdir(parents=True)
    known_hashes = known_hashes or {}
    secs: dict[str, float] = {}
    when = _now()
    t0 = time.perf_counter()

    rejections: list[Rejection] = []
    raw_rows: dict[str, list[Any]] = {k: [] for k in ("article_id", "source_uri", "record_index", "format",
                                                       "content_hash", "size_bytes", "encoding", "ingested_at")}
    manifest_rows: dict[str, list[Any]] = {k: [] for k in ("source_uri", "size_bytes", "mtime", "content_hash",
                                                            "status", "records")}
    unchanged: list[str] = []
    docs = []
    for f in files:
        got, rej = read_source(SourceFile(f.uri, f.size, f.mtime, f.root), settings.ingest)
        file_hash = got[0].content_hash if got else _hash_file(f.uri, settings)
        if file_hash and known_hashes.get(f.uri) == file_hash:
            unchanged.append(f.uri)  # touched but identical: nothing to redo
            continue
        rejections.extend(rej)
        docs.extend(got)
        for d in got:
            raw_rows["article_id"].append(d.article_id)
            raw_rows["source_uri"].append(d.source_uri)
            raw_rows["record_index"].append(d.record_index)
            raw_rows["format"].append(d.format)
            raw_rows["content_hash"].append(d.content_hash)
            raw_rows["size_bytes"].append(d.size_bytes)
            raw_rows["encoding"].append(d.encoding)
            raw_rows["ingested_at"].append(when)
        file_level_reject = any(r.article_id is None for r in rej)
        manifest_rows["source_uri"].append(f.uri)
        manifest_rows["size_bytes"].append(f.size)
        manifest_rows["mtime"].append(f.mtime)
        manifest_rows["content_hash"].append(file_hash or "unread")
        manifest_rows["status"].append("quarantined" if (file_level_reject or not got) else "loaded")
        manifest_rows["records"].append(len(got))
    secs["ingest"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    arts: list[Article] = []
    for d in docs:
        try:
            arts.append(extract_article(d))
        except TerminalError as exc:
            rejections.append(Rejection(d.source_uri, "extract", exc.reason, exc.detail, d.article_id))
        except Exception as exc:  # a bug must not abort the run: quarantine with the error
            rejections.append(Rejection(d.source_uri, "extract", "internal_error",
                                        f"{type(exc).__name__}: {exc}", d.article_id))
    secs["clean_extract"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    hashes = [normalized_text_hash(a.title, a.body) for a in arts]
    minhash, n_sh = compute_signatures([a.body for a in arts], settings.dedup)
    articles = _articles_table(arts, hashes, when, minhash, n_sh)
    secs["signatures"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    smatch, ematch = _matchers(settings)
    sect = tag_sectors(articles.select(["article_id", "title", "body"]), smatch)
    ents = extract_entities(articles.select(["article_id", "title", "body"]), ematch)
    secs["enrich"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    results: list[dict[str, Any]] = []
    bad_ids: set[str] = set()
    # each table in the shape its suite expects; a table without rows (every file of the batch
    # quarantined or unchanged, or no article tagged) has nothing to validate
    def no_run_id_yet(t: pa.Table) -> pa.Table:
        return t.append_column("run_id", pa.array([""] * t.num_rows, pa.string()))

    to_validate = [
        ("articles", articles.drop_columns(["minhash", "n_shingles", PARTITION_COLUMN])),
        ("article_sectors", no_run_id_yet(sect)),
        ("article_entities", no_run_id_yet(ents)),
    ]
    suites = _suites(settings) if articles.num_rows else {}
    for name, tbl in to_validate:
        if not tbl.num_rows:
            continue
        o = validate_table(name, tbl, suites)
        results.append(o.result)
        if not o.ok:
            raise ValidationFailed(f"{name} batch failed validation: " + "; ".join(o.batch_failures))
        rejections.extend(o.rejected)
        bad_ids |= {r.article_id for r in o.rejected if r.article_id}
    if bad_ids:  # a rejected article takes its sector and entity rows with it
        drop = pa.array(sorted(bad_ids))
        articles, sect, ents = (t.filter(pc.invert(pc.is_in(t["article_id"], drop))) for t in (articles, sect, ents))
    secs["validate"] = time.perf_counter() - t0
    (out / "validation.json").write_text(json.dumps(results, default=str))

    t0 = time.perf_counter()
    pq.write_table(articles, out / "articles.parquet", compression="zstd")
    pq.write_table(sect, out / "article_sectors.parquet", compression="zstd")
    pq.write_table(ents, out / "article_entities.parquet", compression="zstd")
    keep_ids = set(articles["article_id"].to_pylist())
    side: dict[str, dict[str, list[Any]]] = {
        "comments": {"article_id": [], "position": [], "text": []},
        "embedded_posts": {"article_id": [], "platform": [], "handle": [], "author": [], "text": [],
                           "posted_date": [], "url": []},
        "cleaning_ledger": {"article_id": [], "rule": [], "hits": [], "chars_removed": []},
    }
    for a in arts:
        if a.article_id not in keep_ids:
            continue
        for i, c in enumerate(a.comments):
            side["comments"]["article_id"].append(a.article_id)
            side["comments"]["position"].append(i)
            side["comments"]["text"].append(c)
        for e in a.embeds:
            row = side["embedded_posts"]
            row["article_id"].append(a.article_id)
            for k in ("platform", "handle", "author", "text", "posted_date", "url"):
                row[k].append(getattr(e, k))
        for rule, (hits, removed) in sorted(a.ledger.items()):
            side["cleaning_ledger"]["article_id"].append(a.article_id)
            side["cleaning_ledger"]["rule"].append(rule)
            side["cleaning_ledger"]["hits"].append(hits)
            side["cleaning_ledger"]["chars_removed"].append(removed)
    side["raw_documents"] = raw_rows
    side["manifest"] = manifest_rows
    side["quarantine"] = _rejection_rows(rejections, when)
    for name, cols in side.items():
        cols = dict(cols)
        n = len(next(iter(cols.values()))) if cols else 0
        cols["run_id"] = [""] * n
        tbl = cast_to_schema(pa.table({k: pa.array(v, type=TABLES[name].schema.field(k).type)
                                       for k, v in cols.items()}), name)
        pq.write_table(tbl, out / f"{name}.parquet", compression="zstd")
    secs["write"] = time.perf_counter() - t0

    summary = BatchSummary(batch_no, str(out), len(files), len(docs), articles.num_rows,
                           len(rejections), unchanged, secs)
    meta = asdict(summary)
    meta.pop("cached")
    (out / SUCCESS).write_text(json.dumps(meta))
    return summary


# ---------------------------------------------------------------------------------------------------
# dedup (sequential over batches)
# ---------------------------------------------------------------------------------------------------
def _history_ids_of(wh: Warehouse, uris: set[str]) -> list[str]:
    """article_ids in the dedup history that came from ``uris`` (about to be superseded)."""
    t = wh.read("dedup_index", ["article_id"])
    if t is None:
        return []
    prefix = pc.replace_substring_regex(t["article_id"], r"#[0-9]+$", "")
    return t["article_id"].filter(pc.is_in(prefix, pa.array(sorted(uris)))).to_pylist()


def dedup_batches(batch_dirs: list[str], wh: Warehouse, settings: Settings,
                  progress: ProgressFn | None = None, replaced: set[str] | None = None) -> dict[str, int]:
    """Decide duplicates batch by batch against history; writes dedup.parquet per batch."""
    from newsetl.dedup import HistoryIndex, deduplicate_batch

    history = HistoryIndex.open(wh.files("dedup_index"), settings.dedup)
    if replaced:
        history.remove(_history_ids_of(wh, replaced))
    cols = ["article_id", "source_uri", "title", "body", "published_date", "encoding_loss", "word_count",
            "content_hash", "minhash", "n_shingles"]
    dups = 0
    for i, d in enumerate(batch_dirs):
        batch = pq.read_table(Path(d) / "articles.parquet", columns=cols)
        res = deduplicate_batch(batch, history, settings.dedup)
        history.add(res.index_rows)
        story = pa.table({"article_id": batch["article_id"], "story_id": pa.array(res.story_id, pa.string())})
        pq.write_table(story, Path(d) / "dedup.parquet")
        pq.write_table(res.duplicates, Path(d) / "duplicates.parquet")
        pq.write_table(res.index_rows, Path(d) / "dedup_index.parquet")
        dups += res.duplicates.num_rows
        if progress:
            progress("dedup", i + 1, len(batch_dirs))
    return {"duplicates": dups}


# ---------------------------------------------------------------------------------------------------
# finalize + commit
# ---------------------------------------------------------------------------------------------------
def finalize_batch(batch_dir: str, staged: StagedRun) -> dict[str, int]:
    """Stamp run ids, attach story ids, cast to schemas/ and stage the final files of one batch."""
    d = Path(batch_dir)
    run_id = staged.run_id
    counts: dict[str, int] = {}
    tag = d.name
    story = pq.read_table(d / "dedup.parquet") if (d / "dedup.parquet").exists() else None
    articles = pq.read_table(d / "articles.parquet").drop_columns(["minhash", "n_shingles"])
    if story is not None and story.num_rows:
        articles = articles.drop_columns(["story_id", "is_duplicate"]).join(story, "article_id")
        articles = articles.append_column(
            "is_duplicate", pc.not_equal(articles["story_id"], articles["article_id"]))
    part = dict(zip(articles["article_id"].to_pylist(), articles[PARTITION_COLUMN].to_pylist(), strict=True))
    tables: dict[str, pa.Table] = {"articles": articles}
    for name in ("article_sectors", "article_entities"):
        t = pq.read_table(d / f"{name}.parquet")
        tables[name] = t.append_column(PARTITION_COLUMN, pa.array([part[a] for a in t["article_id"].to_pylist()],
                                                                  pa.string()))
    for name in ("comments", "embedded_posts", "cleaning_ledger", "raw_documents", "manifest", "quarantine",
                 "duplicates", "dedup_index"):
        p = d / f"{name}.parquet"
        if p.exists():
            tables[name] = pq.read_table(p)
    for name, t in tables.items():
        if "run_id" in t.column_names:
            t = t.drop_columns(["run_id"])
        t = t.append_column("run_id", pa.array([run_id] * t.num_rows, pa.string()))
        t = cast_to_schema(t, name)
        counts[name] = t.num_rows
        if t.num_rows:
            write_parquet(t, staged.table_dir(name) / f"{tag}.parquet")
    return counts


@dataclass
class RunResult:
    run_id: str
    files_seen: int
    files_read: int
    files_skipped: int
    articles_loaded: int
    duplicates: int
    quarantined: int
    superseded: int
    stage_seconds: dict[str, float]
    warehouse: str
    snapshot_id: str | None
    quarantine_reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"run {self.run_id}: {self.files_read} files read ({self.files_skipped} unchanged skipped, "
            f"{self.files_seen} seen)",
            f"  articles loaded: {self.articles_loaded}",
            f"  duplicates:      {self.duplicates}",
            f"  quarantined:     {self.quarantined}"
            + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(self.quarantine_reasons.items())) + ")"
               if self.quarantine_reasons else ""),
        ]
        if self.superseded:
            lines.append(f"  superseded:      {self.superseded} (earlier versions of changed files)")
        lines.append("  stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.stage_seconds.items()))
        lines.append(f"  warehouse: {self.warehouse}")
        return "\n".join(lines)


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


def write_run_row(staged: StagedRun, res: RunResult, started: dt.datetime) -> None:
    t = pa.table({
        "run_id": [res.run_id], "started_at": [started], "finished_at": [_now()],
        "files_seen": [res.files_seen], "files_read": [res.files_read], "files_skipped": [res.files_skipped],
        "articles_loaded": [res.articles_loaded], "duplicates": [res.duplicates],
        "quarantined": [res.quarantined], "superseded": [res.superseded],
        "stage_seconds": [json.dumps({k: round(v, 3) for k, v in res.stage_seconds.items()})],
    })
    write_parquet(cast_to_schema(t, "runs"), staged.table_dir("runs") / "run.parquet")


def discovery_rejections_batch(plan_: Plan, staged: StagedRun) -> int:
    """Stage the rejections found while listing the sources (those not already in quarantine)."""
    if not plan_.rejections:
        return 0
    cols = _rejection_rows(plan_.rejections, _now())
    cols["run_id"] = [plan_.run_id] * len(plan_.rejections)
    t = cast_to_schema(pa.table({k: pa.array(v, type=TABLES["quarantine"].schema.field(k).type)
                                 for k, v in cols.items()}), "quarantine")
    write_parquet(t, staged.table_dir("quarantine") / "discovery.parquet")
    return t.num_rows


def recover(wh: Warehouse, keep_run: str | None = None, keep_dirs: Iterable[str] = ()) -> None:
    """Tidy what a crashed run left (caller holds the lock): staging and batch folders this run does not
    use, files no snapshot references, and a ``newsetl.duckdb`` that is not the live snapshot's (missing,
    older, or altered by a reader since it was published)."""
    if not wh.exists():
        return
    root = work_root(wh)
    keep = {Path(d).name for d in keep_dirs}
    for d in root.glob("run-*"):
        if keep_run is None or d.name != f"run-{keep_run}":
            remove_tree(d)
    for d in root.glob("batch-*"):
        if d.name not in keep:
            remove_tree(d)
    for d in root.glob("enrich-*"):
        remove_tree(d)
    with contextlib.suppress(OSError):  # leftovers are harmless; the next commit collects them again
        wh.garbage_collect()
    from newsetl import sqlguard

    if not sqlguard.duckdb_file_ok(wh):  # missing, older than the live snapshot, or altered by a reader
        publish_duckdb_file(wh)


def replaced_sources(plan_: Plan, summaries: list[BatchSummary]) -> set[str]:
    """Sources read in this run whose earlier rows (if any) this run replaces."""
    unchanged = {u for s in summaries for u in s.unchanged}
    return {f.uri for b in plan_.batches for f in b} - unchanged


def work_root(wh: Warehouse) -> Path:
    return wh.local_dir("_staging")


def finish_run(wh: Warehouse, plan_: Plan, summaries: list[BatchSummary], settings: Settings,
               started: dt.datetime, stage_seconds: dict[str, float], dup_count: int) -> RunResult:
    """Finalize every batch, commit one snapshot, refresh the .duckdb file and Data Docs."""
    t0 = time.perf_counter()
    recover(wh, keep_run=plan_.run_id, keep_dirs=[s.dir for s in summaries])
    staged = StagedRun(plan_.run_id, work_root(wh) / f"run-{plan_.run_id}")
    remove_tree(staged.staging)
    unchanged = {u for s in summaries for u in s.unchanged}
    staged.replace_sources = replaced_sources(plan_, summaries)
    counts: dict[str, int] = {}
    for s in summaries:
        for k, v in finalize_batch(s.dir, staged).items():
            counts[k] = counts.get(k, 0) + v
    counts["quarantine"] = counts.get("quarantine", 0) + discovery_rejections_batch(plan_, staged)
    reasons = _reason_counts(staged)
    stage_seconds["finalize"] = time.perf_counter() - t0
    res = RunResult(
        run_id=plan_.run_id, files_seen=plan_.files_seen, files_read=plan_.files_to_read - len(unchanged),
        files_skipped=plan_.skipped + len(unchanged), articles_loaded=counts.get("articles", 0),
        duplicates=dup_count, quarantined=counts.get("quarantine", 0), superseded=0,
        stage_seconds=stage_seconds, warehouse=wh.uri, snapshot_id=None, quarantine_reasons=reasons,
    )
    nothing_new = not any(staged.staged_files(t) for t in TABLES) and not staged.replace_sources
    if nothing_new and wh.exists():
        res.snapshot_id = wh.snapshot().id
        remove_tree(staged.staging)
        return res
    t0 = time.perf_counter()
    write_run_row(staged, res, started)
    result: CommitResult = commit(wh, staged, check=check_marts)
    res.superseded = result.superseded_articles
    res.snapshot_id = result.snapshot.id
    stage_seconds["commit"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    publish_duckdb_file(wh)
    if settings.validate_data_docs:
        build_docs(wh, summaries, plan_.run_id)
    stage_seconds["duckdb_file_docs"] = time.perf_counter() - t0
    remove_tree(staged.staging)
    for s in summaries:
        remove_tree(Path(s.dir))
    return res


def build_docs(wh: Warehouse, summaries: list[BatchSummary], run_id: str) -> Path | None:
    """GX Data Docs of this run's validation results, into <warehouse>/data_docs (local copy for remote)."""
    from newsetl.validate import build_data_docs

    results: list[dict[str, Any]] = []
    for s in summaries:
        p = Path(s.dir) / "validation.json"
        if p.exists():
            results.extend(json.loads(p.read_text()))
    if not results:
        return None
    return build_data_docs(results[:50], wh.local_dir("data_docs"), run_name=run_id)


def _reason_counts(staged: StagedRun) -> dict[str, int]:
    files = staged.staged_files("quarantine")
    if not files:
        return {}
    t = pa.concat_tables([pq.read_table(f, columns=["reason"]) for f in files])
    vc = pc.value_counts(t["reason"]).to_pylist()
    return {v["values"]: v["counts"] for v in vc}


def publish_duckdb_file(wh: Warehouse) -> Path | None:
    """Write ``<warehouse>/newsetl.duckdb`` holding the same views, checked and read-only (local only)."""
    from newsetl import sqlguard

    return sqlguard.publish_duckdb_file(wh)


def reenrich(settings: Settings, *, batch_rows: int = 5000, wait_seconds: float = 0.0) -> dict[str, int]:
    """Re-tag every loaded article with the current taxonomy and gazetteer (no re-ingest, no re-dedup).

    Streams the articles in bounded batches and replaces article_sectors and article_entities in one
    new snapshot; the marts are rebuilt with it.
    """
    from newsetl import sql as wsql
    from newsetl.enrich.entities import extract_entities
    from newsetl.enrich.sectors import tag_sectors
    from newsetl.validate import validate_table

    wh = Warehouse(settings.warehouse)
    rid = new_run_id()
    counts = {"articles": 0, "article_sectors": 0, "article_entities": 0, "rejected": 0}
    with wh.lock(rid, wait_seconds):
        staged = StagedRun(rid, work_root(wh) / f"enrich-{rid}", replace_tables={"article_sectors", "article_entities"})
        remove_tree(staged.staging)
        smatch, ematch = _matchers(settings)
        suites = _suites(settings)
        con = wsql.open_warehouse(wh)
        reader = con.sql("select article_id, title, body, pub_month from articles").to_arrow_reader(batch_rows)
        for i, rb in enumerate(reader):
            arts = pa.Table.from_batches([rb])
            part = dict(zip(arts["article_id"].to_pylist(), arts[PARTITION_COLUMN].to_pylist(), strict=True))
            for name, tbl in (("article_sectors", tag_sectors(arts.select(["article_id", "title", "body"]), smatch)),
                              ("article_entities", extract_entities(arts.select(["article_id", "title", "body"]), ematch))):
                tbl = tbl.append_column("run_id", pa.array([rid] * tbl.num_rows, pa.string()))
                if not tbl.num_rows:
                    continue
                o = validate_table(name, tbl, suites)
                if not o.ok:
                    raise ValidationFailed(f"{name} failed validation: " + "; ".join(o.batch_failures))
                bad = {r.article_id for r in o.rejected if r.article_id}
                if bad:
                    tbl = tbl.filter(pc.invert(pc.is_in(tbl["article_id"], pa.array(sorted(bad)))))
                    counts["rejected"] += len(o.rejected)
                tbl = tbl.append_column(PARTITION_COLUMN, pa.array([part[a] for a in tbl["article_id"].to_pylist()],
                                                                   pa.string()))
                write_parquet(cast_to_schema(tbl, name), staged.table_dir(name) / f"b{i:06d}.parquet")
                counts[name] += tbl.num_rows
            counts["articles"] += arts.num_rows
        con.close()
        commit(wh, staged, check=check_marts)
        publish_duckdb_file(wh)
        remove_tree(staged.staging)
    return counts


# ---------------------------------------------------------------------------------------------------
# the whole run without Prefect (library API; flows/ runs the same steps as tasks)
# ---------------------------------------------------------------------------------------------------
def warm_imports() -> None:
    """Import the heavy libraries once in the parent, so forked workers inherit them (~3 s CPU each)."""
    import importlib

    for mod in ("newsetl.validate.runner", "newsetl.extract.article", "newsetl.extract.html", "trafilatura",
                "newsetl.enrich.sectors", "newsetl.enrich.entities", "newsetl.dedup", "newsetl.ingest"):
        importlib.import_module(mod)


def run_pipeline(sources: list[str], settings: Settings, *, run_id: str | None = None,
                 wait_seconds: float = 0.0, retry_quarantined: bool = False,
                 progress: ProgressFn | None = None) -> RunResult:
    """Run every step in this process (or a process pool when settings.workers > 1)."""
    wh = Warehouse(settings.warehouse)
    started = _now()
    secs: dict[str, float] = {}
    rid = run_id or new_run_id()
    with wh.lock(rid, wait_seconds):
        t0 = time.perf_counter()
        p = plan(sources, settings, wh, rid, retry_quarantined)
        secs["plan"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        root = str(work_root(wh))
        summaries: list[BatchSummary] = []
        if settings.workers > 1 and len(p.batches) > 1:
            warm_imports()
            with ProcessPoolExecutor(settings.workers) as ex:
                futs = [ex.submit(process_batch, i, b, settings, root, p.known_hashes)
                        for i, b in enumerate(p.batches)]
                for i, fut in enumerate(futs):
                    summaries.append(fut.result())
                    if progress:
                        progress("process", i + 1, len(futs), files=sum(s.files for s in summaries),
                                 articles=sum(s.articles for s in summaries))
        else:
            for i, b in enumerate(p.batches):
                summaries.append(process_batch(i, b, settings, root, p.known_hashes))
                if progress:
                    progress("process", i + 1, len(p.batches), files=sum(s.files for s in summaries),
                             articles=sum(s.articles for s in summaries))
        secs["process"] = time.perf_counter() - t0
        for s in summaries:
            for k, v in s.seconds.items():
                secs[f"  {k}"] = secs.get(f"  {k}", 0.0) + v
        t0 = time.perf_counter()
        d = dedup_batches([s.dir for s in summaries], wh, settings, progress, replaced_sources(p, summaries))
        secs["dedup"] = time.perf_counter() - t0
        return finish_run(wh, p, summaries, settings, started, secs, d["duplicates"])
