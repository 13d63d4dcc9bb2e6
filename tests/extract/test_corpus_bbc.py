"""Optional: clean + extract every BBC text (skipped when the shared corpora are absent)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsetl.clean import normalize_text
from newsetl.clean_extract import clean_extract
from newsetl.model import RawDoc

BBC = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "bbc"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not BBC.is_dir(), reason="../shared/corpora/bbc is absent"),
]


def _decode(b: bytes) -> str:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def test_bbc_titles_and_no_exceptions() -> None:
    files = sorted(BBC.glob("*/*.txt"))
    assert len(files) == 2225
    texts = [(p, _decode(p.read_bytes())) for p in files]
    start = time.perf_counter()
    arts = [
        clean_extract(RawDoc(source_uri=str(p), record_index=0, format="txt", text=t, content_hash="x",
                               size_bytes=len(t)))
        for p, t in texts
    ]
    rate = len(arts) / (time.perf_counter() - start)
    print(f"\nbbc: {len(arts)} docs, {rate:.0f} docs/s")
    for (p, t), a in zip(texts, arts, strict=True):
        line1 = normalize_text(t.split("\n", 1)[0])[0]
        assert a.title == line1, p
        assert a.title_source == "first_line"
        assert a.date_source == "none"  # the BBC texts state no dates
        assert a.body and a.word_count > 0
        assert a.language == "en"
