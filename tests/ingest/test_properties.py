"""Invariants of read_bytes over arbitrary input (hypothesis)."""

from __future__ import annotations

import gzip

from hypothesis import given, settings
from hypothesis import strategies as st

from newsetl.ingest import read_bytes
from newsetl.settings import IngestConfig

CFG = IngestConfig(max_decompressed_bytes=1 << 20)
REASONS = {
    "empty_file", "binary_content", "too_large", "decompression_limit", "invalid_json", "no_records",
    "undecodable", "unreadable", "unsupported_format", "no_text", "xml_entities", "invalid_csv",
}  # fmt: skip
FORMATS = {"txt", "html", "json", "jsonl", "csv", "feed"}


def _check(uri: str, data: bytes) -> None:
    docs, rejects = read_bytes(uri, data, CFG)
    assert docs or rejects
    for d in docs:
        assert d.format in FORMATS and d.text.strip() and d.source_uri == uri
        assert "\r" not in d.text
        assert d.size_bytes == len(data)
        assert all(isinstance(v, str) and v for v in d.fields.values())
    for r in rejects:
        assert r.stage == "ingest" and r.reason in REASONS and r.detail and r.source_uri == uri
    ids = [d.article_id for d in docs] + [r.article_id for r in rejects if r.article_id]
    assert len(ids) == len(set(ids))


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=2048),
    name=st.sampled_from(["a.txt", "a.json", "a.jsonl", "a.csv", "a.html", "a.xml", "a.gz", "noext"]),
)
def test_arbitrary_bytes_never_raise(data: bytes, name: str) -> None:
    _check(name, data)
    _check(name + ".gz", gzip.compress(data))


_TEXTY = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=400)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTY, name=st.sampled_from(["a.txt", "a.json", "a.csv", "a.html", "noext"]))
def test_arbitrary_text_never_raises(text: str, name: str) -> None:
    for enc in ("utf-8", "utf-16", "utf-8-sig"):
        _check(name, text.encode(enc))


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        st.characters(whitelist_categories=("L", "N", "Zs"), whitelist_characters=".!?'\n\r-"),
        min_size=1,
        max_size=300,
    )
)
def test_prose_round_trips_as_txt(text: str) -> None:
    docs, rejects = read_bytes("a.txt", text.encode("utf-8"), CFG)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if not expected.strip():
        assert [r.reason for r in rejects] == ["empty_file"]
    else:
        assert rejects == [] and [(d.format, d.text, d.encoding) for d in docs] == [
            ("txt", expected, "utf-8")
        ]
