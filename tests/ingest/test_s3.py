"""discover + read_source against a local S3 server (moto), through s3fs."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator

import pytest

from newsetl.errors import ConfigError
from newsetl.ingest import discover, read_source
from newsetl.settings import IngestConfig

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_s3_prefix_is_listed_and_read(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import s3fs

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem(anon=False, client_kwargs={"endpoint_url": s3_endpoint})
    fs.mkdir("news-bucket")
    fs.pipe("news-bucket/2021/a.txt", b"Title\n\nBody of a.\n")
    fs.pipe(
        "news-bucket/2021/b.json.gz",
        gzip.compress(b'{"articles": [{"title": "B", "content": "Body of b."}]}'),
    )
    fs.pipe("news-bucket/2021/.tmp/partial.txt", b"hidden")
    s3fs.S3FileSystem.clear_instance_cache()

    cfg = IngestConfig()
    files, rejects = discover(["s3://news-bucket/2021"], cfg)
    assert rejects == []
    assert [f.uri for f in files] == ["s3://news-bucket/2021/a.txt", "s3://news-bucket/2021/b.json.gz"]
    assert all(f.mtime is not None and f.root == "s3://news-bucket/2021" for f in files)
    out = [read_source(f, cfg) for f in files]
    assert [(d.article_id, d.format, d.text) for docs, _ in out for d in docs] == [
        ("s3://news-bucket/2021/a.txt#0", "txt", "Title\n\nBody of a.\n"),
        ("s3://news-bucket/2021/b.json.gz#0", "json", "Body of b."),
    ]
    with pytest.raises(ConfigError):
        discover(["s3://news-bucket/does-not-exist"], cfg)
