"""A missing or corrupt state pointer stops every command with the repair command; nothing is deleted
(before Delta Lake, a run took the warehouse for a new one and garbage-collected its history)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newsetl.run import run_pipeline
from newsetl.settings import load_settings
from tests.reliability import _support as S

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*")
            if p.is_file() and "_staging" not in p.parts and p.name != "_lock"}


@pytest.mark.parametrize("damage", ["deleted", "corrupt"])
def test_run_on_a_damaged_state_pointer_stops_and_repair_restores(tmp_path: Path, damage: str) -> None:
    src = tmp_path / "src"
    S.write_articles(src, 0, 6)
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    wh = tmp_path / "wh"
    run_pipeline([str(src)], load_settings(cfg, warehouse=str(wh)))
    S.write_articles(src, 6, 2, tag="second")
    run_pipeline([str(src)], load_settings(cfg, warehouse=str(wh)))
    before = S.dump(wh)
    current = wh / "_state" / "CURRENT"
    if damage == "deleted":
        current.unlink()
    else:
        current.write_text("\x00\x00 not an id\n")
    on_disk = _files(wh)

    S.write_articles(src, 8, 1, tag="third")
    p = subprocess.run([str(S.NEWSETL), "run", str(src), "--warehouse", str(wh), "--no-prefect", "--config", str(cfg)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"newsetl repair --warehouse {wh}" in p.stderr
    assert "missing" in p.stderr if damage == "deleted" else "corrupt" in p.stderr
    assert _files(wh) == on_disk  # not a file removed or written (history intact)

    q = subprocess.run([str(S.NEWSETL), "sql", "--warehouse", str(wh), "select count(*) from articles"],
                       capture_output=True, text=True, timeout=600)
    assert q.returncode == 1 and "newsetl repair" in q.stderr

    r = subprocess.run([str(S.NEWSETL), "repair", "--warehouse", str(wh)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "snapshot 2" in r.stdout
    assert S.dump_diff(before, S.dump(wh)) == {}
    S.check_integrity(wh)
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=str(wh)))
    assert (res.files_read, res.articles_loaded) == (1, 1)
