"""Source and warehouse on S3 (moto's server on loopback): run the flow, query, change a source, run again.

The endpoint reaches every process through the environment: ``FSSPEC_S3_ENDPOINT_URL`` (fsspec's
config, read by s3fs when it is imported) and ``AWS_ENDPOINT_URL`` (botocore and pyarrow's own S3
client). DuckDB reads the Parquet files through the registered s3fs filesystem: no extension download.
"""

from __future__ import annotations

import json
import os
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
        fs.mkdir(BUCKET)
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
    from newsetl.store import SNAPSHOT_DIR, Snapshot, Warehouse

    fs.invalidate_cache()
    wh = Warehouse(wh_url)
    snap = wh.snapshot()
    urls = wh.files("articles", snap)
    assert urls and all(u.startswith(f"s3://{BUCKET}/wh/tables/articles/pub_month=") for u in urls)
    assert all(fs.exists(u) for t in snap.tables for u in wh.files(t, snap))
    assert not fs.exists(f"{BUCKET}/wh/_lock")  # released
    assert not fs.exists(f"{BUCKET}/wh/newsetl.duckdb")  # the .duckdb file is for local warehouses only

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
    # the bucket holds the files of the live snapshot and of the one before it (kept for its readers,
    # store.KEEP_SNAPSHOTS) and nothing else: the superseded version goes at the next commit
    fs.invalidate_cache()
    snap = wh.snapshot()
    prev = Snapshot.from_json(fs.cat_file(f"{BUCKET}/wh/{SNAPSHOT_DIR}/{int(snap.id) - 1}.json").decode())
    live = {u for t in snap.tables for u in wh.files(t)}
    kept = live | {u for t in prev.tables for u in wh.files(t, prev)}
    on_s3 = {f"s3://{k}" for k in fs.find(f"{BUCKET}/wh/tables") + fs.find(f"{BUCKET}/wh/marts")}
    assert live < on_s3 == kept
    print(f"\ntimings: first run {t_first:.1f}s, second run {t_second:.1f}s")
