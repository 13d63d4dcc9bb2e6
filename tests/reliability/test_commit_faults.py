"""Faults after the commit point must not turn a committed run into a failed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsetl import cli
from newsetl.store import Warehouse
from tests.reliability import _support as S


def test_cleanup_failure_after_publish_does_not_fail_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed in load.commit: garbage collection (vacuum) runs after CURRENT is swapped; an OSError there (a
    file held open on a network share, a permission problem) made `newsetl run` exit 1 for a run whose data
    was committed, so the operator's retry found nothing to do. Now the commit stands and the next commit
    vacuums the leftovers. (No retention here, so vacuum removes what no kept snapshot pins at once.)"""
    src = tmp_path / "src"
    files = S.write_articles(src, 0, 4)
    S.set_mtime(files, 1_600_000_000)
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG + "storage:\n  retention_hours: 0\n")
    wh = tmp_path / "wh"
    argv = ["run", str(src), "--warehouse", str(wh), "--no-prefect", "--config", str(cfg)]
    assert cli.main(argv) == 0
    S.set_mtime(S.write_articles(src, 0, 2, tag="v2"), 1_700_000_000)
    assert cli.main(argv) == 0  # snapshot 2: snapshot 1's files stay for its readers (KEEP_SNAPSHOTS)
    S.set_mtime(S.write_articles(src, 0, 2, tag="v3"), 1_750_000_000)

    def gc_fails(self: Warehouse, keep_snapshots: int = 1) -> int:
        raise PermissionError(13, "Permission denied (simulated)")

    with monkeypatch.context() as m:
        m.setattr(Warehouse, "garbage_collect", gc_fails)
        assert cli.main(argv) == 0
    assert Warehouse(wh).snapshot().id == "3"
    S.check_integrity(wh)
    assert S.unpinned_files(wh)  # snapshot 1's files, left for later ...
    S.write_articles(src, 10, 1, tag="v4")
    assert cli.main(argv) == 0
    assert S.unpinned_files(wh) == [] == S.orphan_table_files(wh)  # ... and vacuumed by the next commit
    con = S.connect(wh)
    assert con.sql("select count(*), count(distinct article_id) from articles").fetchall() == [(5, 5)]
