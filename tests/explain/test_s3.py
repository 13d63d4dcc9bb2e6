"""explain on an s3 warehouse whose sources are on s3 (moto's server on loopback): cells and raw files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsetl import sql as wsql
from newsetl.explain import explain_article, explain_cells
from newsetl.run import run_pipeline
from newsetl.settings import IngestConfig, load_settings
from newsetl.store import Warehouse
from tests.explain import corpus

pytestmark = pytest.mark.slow

BUCKET = "newsetl-explain"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                     "AWS_ENDPOINT_URL": endpoint, "FSSPEC_S3_ENDPOINT_URL": endpoint,
                     "AWS_EC2_METADATA_DISABLED": "true"}.items():
            monkeypatch.setenv(k, v)
        import fsspec
        import fsspec.config

        monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": endpoint})
        fs = fsspec.filesystem("s3", skip_instance_cache=True, endpoint_url=endpoint)
        fs.mkdir(BUCKET)
        yield fs
    finally:
        server.stop()


def test_explain_on_s3(s3: Any, sample_dir: Path, tmp_path: Path) -> None:
    local = corpus.build(sample_dir, tmp_path / "src")
    for p in sorted(local.rglob("*")):
        if p.is_file():
            s3.put_file(str(p), f"{BUCKET}/src/{p.relative_to(local).as_posix()}")
    src, wh_url = f"s3://{BUCKET}/src", f"s3://{BUCKET}/wh"
    res = run_pipeline([src], load_settings(None, warehouse=wh_url, workers=1))
    assert res.articles_loaded == 21 and res.quarantined == 0, res
    con = wsql.open_warehouse(Warehouse(wh_url))

    expl = explain_cells(con, "sector_monthly", "month = '2018-03-01' and sector = 'security_counterterrorism'")
    assert [(c["articles"], c["unique_stories"], c["explained_articles"]) for c in expl.cells] == [(4, 1, 4)]
    assert all(r["source_uri"].startswith(f"{src}/") for r in expl.records())
    for mart in ("sector_daily", "sector_by_source", "country_pair_sector_monthly"):
        e = explain_cells(con, mart, None)
        assert e.cells and all(c["articles"] == c["explained_articles"] for c in e.cells), mart

    for name in ("page.html#0", "records/wire.jsonl#1", "copies/002_archived.txt.gz#0"):
        d = explain_article(con, f"{src}/{name}", IngestConfig())
        assert d["raw_status"] == "unchanged since it was loaded", (name, d["raw_status"])
        assert d["body_rebuilt"].startswith("yes"), (name, d["body_rebuilt"])
