"""A warehouse written by newsetl before Delta Lake: ``newsetl run`` stops naming ``newsetl migrate``,
which converts it once; every view reads the same rows afterwards and runs go on as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsetl import cli
from newsetl.store import Warehouse
from tests.reliability import _support as S

LEGACY = Path(__file__).resolve().parents[1] / "fixtures" / "legacy-warehouse"


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    wh = tmp_path / "wh"
    shutil.copytree(LEGACY, wh, ignore=shutil.ignore_patterns("README.md"))
    return wh


def test_run_stops_with_the_command_that_converts(legacy: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = S.dump(legacy)
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    assert cli.main(["run", str(S.SAMPLE_DIR), "--warehouse", str(legacy), "--no-prefect", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert f"newsetl migrate --warehouse {legacy}" in err
    assert S.dump(legacy) == before  # untouched, and queries still work on the old format
    assert Warehouse(legacy).snapshot().format == 1


def test_migrate_converts_once_and_keeps_every_row(legacy: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = S.dump(legacy)
    assert before["articles"] and before["runs"]
    assert cli.main(["migrate", "--warehouse", str(legacy)]) == 0
    out = capsys.readouterr().out
    assert "converted warehouse" in out
    # the fixture's article_sectors predate the tagged/rank/is_primary columns: only a re-enrichment can
    # fill them, so migrate runs one; every other table keeps its rows exactly
    assert "article_sectors rebuilt from the 5 articles by a re-enrichment" in out
    snap = S.check_integrity(legacy)  # every entry pins a Delta version whose files it lists; data tests pass
    assert snap.format == 2 and set(snap.versions) >= {"articles", "dedup_index", "mart:sector_monthly"}
    after = S.dump(legacy)
    kept = ["articles", "raw_documents", "manifest", "runs", "quarantine", "dedup_index", "duplicates",
            "comments", "embedded_posts", "cleaning_ledger"]
    assert S.dump_diff({k: before[k] for k in kept}, {k: after[k] for k in kept}) == {}
    assert len(after["article_sectors"]) > 0 and len(after["sector_monthly"]) > 0
    assert S.orphan_table_files(legacy) == []  # the old-format files are gone
    assert f"{snap.id}.json" in [p.name for p in (legacy / "_state" / "snapshots").iterdir()]
    assert cli.main(["migrate", "--warehouse", str(legacy)]) == 0
    assert "nothing to migrate" in capsys.readouterr().out

    # and runs go on: a new file is loaded next to the migrated rows
    src = tmp_path / "src"
    S.write_articles(src, 100, 2, tag="after-migration")
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    assert cli.main(["run", str(src), "--warehouse", str(legacy), "--no-prefect", "--config", str(cfg)]) == 0
    con = S.connect(legacy)
    n_before = len(before["articles"])
    assert con.sql("select count(*), count(distinct article_id) from articles").fetchall() == [(n_before + 2,) * 2]
    S.check_integrity(legacy)
