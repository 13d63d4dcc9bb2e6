"""Idempotency on a mixed-format folder: running again on the same input changes no query result on any
view (volatile columns aside), touching files changes nothing, and a fresh warehouse gets the same rows."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsetl.run import run_pipeline
from newsetl.settings import load_settings
from newsetl.store import Warehouse
from tests.reliability import _support as S

INGEST = S.REPO / "tests" / "fixtures" / "ingest"
MIXED = ["array.json", "articles.csv", "articles.tsv", "atom.xml", "rss2.xml", "bad_line.jsonl", "envelope.json",
         "plain.html", "cp1252_pounds.txt", "utf16le_bom.txt", "article.txt.gz", "truncated.json", "image.txt",
         "empty.txt"]


def build_mixed(src: Path) -> None:
    src.mkdir(parents=True)
    for name in MIXED:
        shutil.copy(INGEST / name, src / name)
    texts = S.sample_texts()
    for i, t in enumerate(texts):
        (src / f"sample_{i}.txt").write_text(t, encoding="utf-8")
    (src / "sample_again.txt.gz").write_bytes(gzip.compress(texts[1].encode()))  # an exact duplicate, gzipped
    (src / "sub").mkdir()
    (src / "sub" / "nested copy.html").write_text(
        f"<html><head><title>Nested</title></head><body><article><h1>Nested page</h1><p>{texts[2][:900]}</p>"
        "</article></body></html>", encoding="utf-8")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("idem")
    src = base / "src"
    build_mixed(src)
    cfg = base / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    wh = base / "wh"
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=str(wh)))
    return {"base": base, "src": src, "cfg": cfg, "wh": wh, "first": res, "dump": S.dump(wh)}


def test_first_run_covers_every_format(mixed: dict[str, Any]) -> None:
    con = S.connect(mixed["wh"])
    formats = {r[0] for r in con.sql("select distinct format from raw_documents").fetchall()}
    assert formats == {"json", "csv", "feed", "jsonl", "html", "txt"}
    reasons = {r[0] for r in con.sql("select distinct reason from quarantine").fetchall()}
    assert {"invalid_json", "binary_content", "empty_file"} <= reasons
    assert mixed["first"].duplicates >= 1
    S.check_integrity(mixed["wh"])


def test_second_run_changes_nothing(mixed: dict[str, Any]) -> None:
    wh = mixed["wh"]
    sid = Warehouse(wh).snapshot().id
    res = run_pipeline([str(mixed["src"])], load_settings(mixed["cfg"], warehouse=str(wh)))
    assert (res.files_read, res.articles_loaded, res.quarantined) == (0, 0, 0)
    assert res.files_skipped == mixed["first"].files_read
    assert Warehouse(wh).snapshot().id == sid
    diff = S.dump_diff(mixed["dump"], S.dump(wh))
    print(f"\nidempotency diff (second run): {diff}")
    assert diff == {}


def test_fresh_warehouse_gets_the_same_rows(mixed: dict[str, Any]) -> None:
    """Determinism: the same input into an empty warehouse gives the same rows on every view."""
    wh2 = mixed["base"] / "wh2"
    run_pipeline([str(mixed["src"])], load_settings(mixed["cfg"], warehouse=str(wh2)))
    diff = S.dump_diff(mixed["dump"], S.dump(wh2))
    print(f"\nidempotency diff (fresh warehouse): {diff}")
    assert diff == {}


def test_touched_files_change_nothing(mixed: dict[str, Any]) -> None:
    """New mtimes, same bytes: files are re-read and hashed, found identical, and nothing changes."""
    wh = mixed["wh"]
    sid = Warehouse(wh).snapshot().id
    for p in mixed["src"].rglob("*"):
        if p.is_file():
            st = p.stat()
            os.utime(p, (st.st_atime, st.st_mtime + 3600))
    res = run_pipeline([str(mixed["src"])], load_settings(mixed["cfg"], warehouse=str(wh)))
    assert (res.articles_loaded, res.superseded) == (0, 0)
    diff = S.dump_diff(mixed["dump"], S.dump(wh))
    print(f"\nidempotency diff (touched files): {diff}")
    assert diff == {}
    assert Warehouse(wh).snapshot().id == sid
