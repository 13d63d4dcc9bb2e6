"""Optional: every file of the real corpora in ../shared/corpora is read without an exception."""

from __future__ import annotations

from collections import Counter

import pytest

from newsetl.ingest import discover, read_source
from newsetl.settings import IngestConfig

from ._helpers import CORPORA

pytestmark = pytest.mark.corpus

BBC = CORPORA / "bbc"
PK = CORPORA / "html-pk-news-sites"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


@pytest.mark.skipif(not BBC.is_dir(), reason="../shared/corpora/bbc is absent")
def test_bbc_every_article_is_one_txt_doc() -> None:
    cfg = IngestConfig()
    files, rejects = discover([str(BBC / t) for t in TOPICS], cfg)
    assert rejects == []
    assert len(files) == 2225
    formats: Counter[str] = Counter()
    for f in files:
        docs, bad = read_source(f, cfg)
        assert bad == [], bad
        assert len(docs) == 1 and docs[0].record_index == 0
        formats[docs[0].format] += 1
    assert formats == {"txt": 2225}


@pytest.mark.skipif(not BBC.is_dir(), reason="../shared/corpora/bbc is absent")
def test_bbc_latin1_file_decodes_cleanly() -> None:
    path = BBC / "sport" / "199.txt"
    files, _ = discover([str(path)], IngestConfig())
    docs, rejects = read_source(files[0], IngestConfig())
    assert rejects == []
    assert docs[0].encoding == "cp1252"
    assert "\ufffd" not in docs[0].text
    assert "a £15.8m signing from Parma" in docs[0].text


@pytest.mark.skipif(not PK.is_dir(), reason="../shared/corpora/html-pk-news-sites is absent")
def test_pk_news_sites_read_without_exceptions() -> None:
    cfg = IngestConfig()
    files, rejects = discover([str(PK)], cfg)
    assert rejects == []
    formats: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for f in files:
        docs, bad = read_source(f, cfg)
        formats.update(d.format for d in docs)
        reasons.update(r.reason for r in bad)
        assert all(r.stage == "ingest" for r in bad)
        assert all(d.text.strip() for d in docs)
    # saved pages, RSS feeds saved as index.html, and the junk files (empty or whitespace-only)
    assert formats["html"] > 1000 and formats["feed"] > 30
    assert set(reasons) <= {"empty_file", "no_records"}
    assert reasons["empty_file"] >= 117  # the zero-byte files (and the empty .html.z gzip)
