"""Editing the taxonomy and re-running only the enrichment."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from newsetl.run import reenrich, run_pipeline
from newsetl.settings import REPO_ROOT, load_settings
from tests.helpers import query


def test_edit_taxonomy_then_reenrich(tmp_path: Path, sample_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(next(sample_dir.glob("004_*")), src / "forum.txt")
    wh = tmp_path / "wh"
    run_pipeline([str(src)], load_settings(None, warehouse=str(wh)))
    assert ("health",) in query(wh, "select sector from article_sectors")

    tax = yaml.safe_load((REPO_ROOT / "config" / "sectors.yaml").read_text())
    tax["sectors"] = [s for s in tax["sectors"] if s["id"] != "health"]
    edited = tmp_path / "sectors.yaml"
    edited.write_text(yaml.safe_dump(tax, allow_unicode=True))
    cfg = tmp_path / "newsetl.yaml"
    cfg.write_text(yaml.safe_dump({"enrich": {"taxonomy": str(edited)}}))

    counts = reenrich(load_settings(str(cfg), warehouse=str(wh)))
    assert counts["articles"] == 1
    sectors = {r[0] for r in query(wh, "select sector from article_sectors")}
    assert "health" not in sectors
    assert {"defence_military", "energy", "transport_infrastructure"} <= sectors
    # the marts were rebuilt with the new tags
    assert query(wh, "select count(*) from sector_monthly where sector = 'health'") == [(0,)]
    assert query(wh, "select count(*) from articles") == [(1,)]
