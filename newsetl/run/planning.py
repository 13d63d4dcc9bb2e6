"""Stage 1, plan: list the sources, skip files the manifest says are unchanged, cut the rest into batches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import xxhash

from newsetl.model import Rejection
from newsetl.settings import Settings
from newsetl.store import Warehouse, new_run_id

# input bytes per batch: bounds a worker's memory when files hold many records (JSONL, feeds)
BATCH_MAX_BYTES = 16 * 1024 * 1024


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
    per_batch = files_per_batch(len(todo), sum(f.size for f in todo), settings.batch_size, settings.workers)
    batches = list(_cut_batches(todo, per_batch, BATCH_MAX_BYTES))
    return Plan(run_id or new_run_id(), batches, len(found) + len(rejections), skipped, rejections, known)


def files_per_batch(n_files: int, n_bytes: int, batch_size: int, workers: int,
                    max_bytes: int = BATCH_MAX_BYTES) -> int:
    """Files per batch: as many batches as ``batch_size`` files and ``max_bytes`` of input each need,
    rounded up to a multiple of ``workers`` (at least one each), all with the same number of files, so
    the workers finish together (``_cut_batches`` still cuts a batch that holds more than ``max_bytes``).
    41,928 files at 2,000 on 2 workers were 21 batches, the last one alone on one worker while the other
    waited a batch's time (~2 s); now 22 batches of 1,906."""
    if n_files <= 0:
        return 1
    # the bytes with a tenth to spare: batches of the same number of files differ a little in bytes, and
    # one cut in two by max_bytes would make the number of batches uneven again
    need = max(-(-n_files // batch_size), -(-n_bytes * 10 // (max_bytes * 9)), 1)
    n_batches = -(-need // workers) * workers
    return -(-n_files // n_batches)


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


#: the layout of a batch's work files (``newsetl.run.batch``); a folder written in another layout (by
#: another newsetl version, before a failed run was retried) gets another key and is not re-used.
#: 2: articles.parquet carries ``body_chars``.
BATCH_FORMAT = "2"


def batch_key(files: list[FileRef], settings: Settings) -> str:
    """Content key of a batch: its files' identity, the settings that shape the output and the layout of
    its work files."""
    h = xxhash.xxh3_128()
    h.update(f"batch format {BATCH_FORMAT}\n".encode())
    h.update(settings.model_dump_json(exclude={"warehouse", "workers", "storage"}).encode())
    for path in (settings.enrich.taxonomy, settings.enrich.entities, settings.extract.sources):
        with contextlib.suppress(OSError):
            h.update(Path(path).read_bytes())
    for f in files:
        h.update(f"{f.uri}\0{f.size}\0{f.mtime}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()

