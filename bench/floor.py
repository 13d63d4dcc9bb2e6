"""The I/O floor: the least work any pipeline must do on a corpus, to compare newsetl against.

    python bench/floor.py SOURCE [SOURCE ...] [--out floor.parquet] [--json]

Single process, no cleaning, dedup, enrichment or validation: list the files (sorted, hidden names
skipped like the pipeline does), read each one, gunzip when it starts with the gzip magic, decode
(UTF-8, else cp1252, else Latin-1), parse (``json.loads`` per JSON file or JSONL line; a trivial
``<title>`` grab for HTML; first line as title for text) and write every record as one row of a single
zstd Parquet table (``uri, record, title, body, size_bytes``), streamed in row groups so memory stays
flat. Files that do not parse count as ``errors`` and are skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema([("uri", pa.string()), ("record", pa.int32()), ("title", pa.string()),
                    ("body", pa.string()), ("size_bytes", pa.int64())])
ROW_GROUP = 5000
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04")
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


def list_files(sources: list[str]) -> list[Path]:
    """Files under the sources, sorted, without hidden names (the pipeline's default)."""
    out: list[Path] = []
    for s in sources:
        p = Path(s)
        if p.is_file():
            out.append(p.resolve())
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            out.extend(Path(root, f).resolve() for f in sorted(files) if not f.startswith("."))
    return sorted(set(out))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _longest_str(rec: dict[str, Any]) -> str:
    best = ""
    for v in rec.values():
        if isinstance(v, dict):
            v = _longest_str(v)
        elif isinstance(v, list) and v and isinstance(v[0], str):
            v = "\n\n".join(x for x in v if isinstance(x, str))
        if isinstance(v, str) and len(v) > len(best):
            best = v
    return best


def _title(rec: dict[str, Any]) -> str | None:
    for k in ("title", "headline"):
        v = rec.get(k)
        if isinstance(v, str):
            return v
    art = rec.get("article")
    return _title(art) if isinstance(art, dict) else None


def _records(obj: Any) -> list[dict[str, Any]]:
    if isinstance(obj, list):
        return [o for o in obj if isinstance(o, dict)]
    if isinstance(obj, dict):
        for v in obj.values():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                return [o for o in v if isinstance(o, dict)]
        return [obj]
    return []


def parse_file(path: Path) -> Iterator[tuple[str | None, str]]:
    """(title, body) per record; raises ValueError/UnicodeError for junk."""
    data = path.read_bytes()
    name = path.name.lower()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
        name = name.removesuffix(".gz")
    if not data.strip():
        raise ValueError("empty")
    head = data[:1024]
    if b"\x00" in head or head.startswith(_BINARY_MAGIC) or len(head.translate(None, _CONTROL)) < 0.9 * len(head):
        raise ValueError("binary")
    text = _decode(data)
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        for line in text.splitlines():
            if line.strip():
                rec = json.loads(line)
                yield (_title(rec), _longest_str(rec)) if isinstance(rec, dict) else (None, line)
    elif name.endswith(".json"):
        for rec in _records(json.loads(text)):
            yield _title(rec), _longest_str(rec)
    elif name.endswith((".html", ".htm")):
        m = _TITLE.search(text, 0, 20000)
        yield (m.group(1).strip() if m else None), text
    else:
        first = text.lstrip()[:300].split("\n", 1)[0]
        yield first.strip() or None, text


def run_floor(sources: list[str], out: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read, parse and write every record of ``sources``; return counts and seconds."""
    t0 = time.perf_counter()
    files = list_files(sources)
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="newsetl-floor-")
        out = Path(tmp.name) / "floor.parquet"
    cols: dict[str, list[Any]] = {f.name: [] for f in SCHEMA}
    records = errors = bytes_in = 0
    with pq.ParquetWriter(str(out), SCHEMA, compression="zstd") as w:
        for f in files:
            uri = str(f)
            try:
                size = f.stat().st_size
                bytes_in += size
                for i, (title, body) in enumerate(parse_file(f)):
                    cols["uri"].append(uri)
                    cols["record"].append(i)
                    cols["title"].append(title)
                    cols["body"].append(body)
                    cols["size_bytes"].append(size)
                    records += 1
            except (ValueError, UnicodeError, OSError, EOFError, gzip.BadGzipFile):
                errors += 1
            if len(cols["uri"]) >= ROW_GROUP:
                w.write_table(pa.table(cols, schema=SCHEMA))
                cols = {k: [] for k in cols}
        if cols["uri"]:
            w.write_table(pa.table(cols, schema=SCHEMA))
    out_bytes = Path(out).stat().st_size
    if tmp is not None:
        tmp.cleanup()
    return {"files": len(files), "records": records, "errors": errors, "bytes_in": bytes_in,
            "bytes_out": out_bytes, "seconds": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="I/O floor: read, parse and write one zstd Parquet table.")
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--out", default=None, help="Parquet file to write (default: a temporary file)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    a = ap.parse_args(argv)
    res = run_floor(a.sources, a.out)
    if a.json:
        print(json.dumps(res))
    else:
        s = res["seconds"]
        print(f"floor: {res['files']:,} files, {res['records']:,} records ({res['errors']} unparsable) in {s:.2f}s: "
              f"{res['records'] / s:,.0f} docs/s, {res['bytes_in'] / 1e6 / s:,.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
