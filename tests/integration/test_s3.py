"""Source and warehouse on S3 (moto's server on loopback): run the flow, query, change a source, run again.

The endpoint reaches every process through the environment: ``FSSPEC_S3_ENDPOINT_URL`` (fsspec's
config, read by s3fs when it is imported) and ``AWS_ENDPOINT_URL`` (botocore and pyarrow's own S3
client). DuckDB reads the Parquet files through the registered s3fs filesystem: no extension download.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

BUCKET = "newsetl-test"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Any:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        env = {
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint, "FSSPEC_S3_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        import fsspec
        import fsspec.config

        monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": endpoint})
        fs = fsspec.filesystem("s3", skip_instance_cache=True, endpoint_url=endpoint)
        fs.makedirs(BUCKET, exist_ok=True)  # moto keeps its buckets per process, across servers
        yield fs, env
    finally:
        server.stop()


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "NEWSETL_"))}
    env.update(extra)
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "TQDM_DISABLE": "1"})
    return env


def test_pipeline_on_s3(s3: Any, sample_dir: Path, tools: Any, tmp_path: Path) -> None:
    fs, aws = s3
    env = _env(aws)
    for p in sorted(sample_dir.iterdir()):
        fs.put_file(str(p), f"{BUCKET}/sample/{p.name}")
    src, wh_url = f"s3://{BUCKET}/sample", f"s3://{BUCKET}/wh"
    newsetl = tools.exe("newsetl")

    t0 = time.monotonic()
    out = tools.run([newsetl, "run", src, "--warehouse", wh_url, "--json"], env, timeout=300)
    first = json.loads(out[out.index("{"):])
    t_first = time.monotonic() - t0
    assert first["articles_loaded"] == 5 and first["files_read"] == 5, first

    def sql(q: str) -> list[dict[str, Any]]:
        return json.loads(tools.run([newsetl, "sql", "--warehouse", wh_url, "--format", "json", q], env))

    assert sql("select count(*) as n, count(distinct source_uri) as f from articles") == [{"n": 5, "f": 5}]
    assert {r["u"][:len(src)] for r in sql("select distinct source_uri as u from articles")} == {src}
    assert sql("select sum(articles) > 0 as ok from sector_monthly") == [{"ok": True}]

    # the snapshot lists files as relative keys; readers get s3:// URLs that DuckDB resolves via s3fs
    from newsetl.store import Warehouse

    fs.invalidate_cache()
    wh = Warehouse(wh_url)
    snap = wh.snapshot()
    urls = wh.files("articles", snap)
    assert urls and all(u.startswith(f"s3://{BUCKET}/wh/tables/articles/pub_month=") for u in urls)
    assert all(fs.exists(u) for t in snap.tables for u in wh.files(t, snap))
    assert not fs.exists(f"{BUCKET}/wh/_lock")  # released
    # the .duckdb file of an S3 warehouse lies in its local cache folder; its views read s3:// URLs
    import duckdb

    duck = wh.local_dir("") / "newsetl.duckdb"
    con = duckdb.connect(str(duck), read_only=True)
    con.register_filesystem(fs)
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]
    con.close()
    v1 = wh.snapshot().versions["articles"]

    # an unchanged re-run reads nothing; a changed object supersedes its earlier rows
    first_key = sorted(fs.ls(f"{BUCKET}/sample"))[0]
    body = fs.cat_file(first_key)
    fs.pipe_file(first_key, body + b"\n\nA closing paragraph added by the editor in a later revision.\n")
    t0 = time.monotonic()
    # the same steps without Prefect (the library path; saves starting a second ephemeral API)
    out = tools.run([newsetl, "run", src, "--warehouse", wh_url, "--json", "--no-prefect"], env, timeout=300)
    second = json.loads(out[out.index("{"):])
    t_second = time.monotonic() - t0
    assert second["files_read"] == 1 and second["files_skipped"] == 4, second
    assert second["superseded"] == 1, second
    assert sql("select count(*) as n, count(distinct article_id) as ids from articles") == [{"n": 5, "ids": 5}]
    assert sql("select count(*) as n from runs") == [{"n": 2}]
    # every data file in the bucket belongs to a Delta version: the live ones, and the replaced one (time
    # travel: the version the first snapshot pinned still reads the old rows) until vacuum's retention
    fs.invalidate_cache()
    snap = wh.snapshot()
    assert snap.versions["articles"] > v1
    # (in a child process: delta-rs's vacuum holds the GIL, and moto's server is a thread of this one)
    check = ("import json, sys; from newsetl import delta; "
             "print(json.dumps({u: delta.untracked_files(u, delete=False) for u in sys.argv[1:]}))")
    uris = [wh.entry_uri(e) for e in snap.tables]
    out = tools.run([sys.executable, "-c", check, *uris], env)
    assert json.loads(out) == {u: [] for u in uris}
    live = {u for t in snap.tables for u in wh.files(t)}
    on_s3 = {f"s3://{k}" for k in fs.find(f"{BUCKET}/wh/tables") + fs.find(f"{BUCKET}/wh/marts") if "_delta_log" not in k}
    assert live < on_s3
    import pyarrow.parquet as pq

    old = wh.delta_table("articles", v1)
    new_ = wh.delta_table("articles")
    rows_old = pq.ParquetDataset(old.file_uris(), filesystem=fs).read(columns=["article_id", "body"])
    rows_new = pq.ParquetDataset(new_.file_uris(), filesystem=fs).read(columns=["article_id", "body"])
    changed = {a: b for a, b in zip(*rows_new.to_pydict().values(), strict=True)}
    before = {a: b for a, b in zip(*rows_old.to_pydict().values(), strict=True)}
    assert set(changed) == set(before) and sum(changed[a] != before[a] for a in changed) == 1
    print(f"\ntimings: first run {t_first:.1f}s, second run {t_second:.1f}s")


def test_concurrent_delta_commits_on_s3_are_safe(s3: Any) -> None:
    """Conditional puts (If-None-Match) on the log: two appends racing for one version both land, one
    after the other; of two overwrites racing, one fails instead of silently losing the other's data."""
    import threading

    import pyarrow as pa

    from newsetl import delta

    uri = f"s3://{BUCKET}/race/t"
    schema = pa.schema([pa.field("x", pa.int64())])
    delta.write(uri, pa.table({"x": [0]}, schema=schema), mode="append", parts=None)

    def race(mode: str) -> list[str]:
        errors: list[str] = []
        tables = [delta.open_table(uri) for _ in range(2)]  # both read the same version

        def one(i: int) -> None:
            from deltalake import write_deltalake

            try:
                write_deltalake(tables[i], pa.table({"x": [10 + i]}, schema=schema), mode=mode)  # type: ignore[call-overload]
            except Exception as exc:  # the loser of a conflicting race
                errors.append(type(exc).__name__)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return errors

    assert race("append") == []
    t = delta.open_table(uri)
    assert t is not None and t.version() == 2 and len(t.file_uris()) == 3
    assert race("overwrite") == ["CommitFailedError"]
    t = delta.open_table(uri)
    assert t is not None and t.version() == 3 and len(t.file_uris()) == 1
