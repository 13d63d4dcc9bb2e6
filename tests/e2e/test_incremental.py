"""Incremental runs: identical files are duplicates, a changed file supersedes its earlier version."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from newsetl.run import run_pipeline
from newsetl.settings import load_settings
from tests.helpers import query


def test_identical_files_get_two_ids_linked_by_duplicates(tmp_path: Path, sample_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    f = next(sample_dir.glob("001_*"))
    shutil.copy(f, src / "a.txt")
    shutil.copy(f, src / "b.txt")
    res = run_pipeline([str(src)], load_settings(None, warehouse=str(tmp_path / "wh")))
    assert (res.articles_loaded, res.duplicates) == (2, 1)
    rows = query(tmp_path / "wh", "select article_id, canonical_article_id, method, similarity from duplicates")
    assert len(rows) == 1
    copy, canonical, method, sim = rows[0]
    assert {copy, canonical} == {f"{src}/a.txt#0", f"{src}/b.txt#0"}
    assert (method, sim) == ("exact", 1.0)
    # both are loaded; the story counts once
    assert query(tmp_path / "wh", "select count(*), count(distinct story_id) from articles") == [(2, 1)]


def test_copy_in_a_later_run_is_a_duplicate_of_history(tmp_path: Path, sample_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    f = next(sample_dir.glob("002_*"))
    shutil.copy(f, src / "first.txt")
    settings = load_settings(None, warehouse=str(tmp_path / "wh"))
    run_pipeline([str(src)], settings)
    shutil.copy(f, src / "second.txt")
    res = run_pipeline([str(src)], settings)
    assert (res.files_read, res.articles_loaded, res.duplicates) == (1, 1, 1)
    assert query(tmp_path / "wh", "select canonical_article_id from duplicates") == [(f"{src}/first.txt#0",)]


def test_changed_file_supersedes(tmp_path: Path, sample_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    target = src / "story.txt"
    shutil.copy(next(sample_dir.glob("001_*")), target)
    settings = load_settings(None, warehouse=str(tmp_path / "wh"))
    run_pipeline([str(src)], settings)
    shutil.copy(next(sample_dir.glob("000_*")), target)
    os.utime(target, (1_700_000_000, 1_700_000_000))
    res = run_pipeline([str(src)], settings)
    assert res.superseded == 1
    rows = query(tmp_path / "wh", "select article_id, title from articles")
    assert rows == [(f"{target}#0",
                     "FM Bilawal: Pakistan intends to intensify cooperation with Russia in different sectors")]
    assert query(tmp_path / "wh", "select count(*) from article_sectors where article_id <> "
                                  f"'{target}#0'") == [(0,)]
    assert query(tmp_path / "wh", "select count(*) from manifest") == [(1,)]
