"""A run that failed at commit leaves its processed batches; the re-run re-uses them (cached=True)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows.pipeline import newsetl_pipeline
from flows.reporting import open_views
from newsetl.run import finalize
from newsetl.run.batch import BatchSummary
from newsetl.store import Warehouse


def test_rerun_after_failed_commit_reuses_batches(prefect_api: None, sample_copy: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    wh_dir = tmp_path / "wh"
    real_commit = finalize.commit
    calls = {"commit": 0}

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        calls["commit"] += 1
        if calls["commit"] == 1:
            raise RuntimeError("injected failure at commit")
        return real_commit(*args, **kwargs)

    summaries: list[list[BatchSummary]] = []
    real_finish = finalize.finish_run

    def spy_finish(wh: Any, plan_: Any, sums: list[BatchSummary], *a: Any, **k: Any) -> Any:
        summaries.append(list(sums))
        return real_finish(wh, plan_, sums, *a, **k)

    monkeypatch.setattr(finalize, "commit", failing_once)
    monkeypatch.setattr(finalize, "finish_run", spy_finish)

    with pytest.raises(RuntimeError, match="injected failure"):
        newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(wh_dir), batch_size=2)
    assert not Warehouse(wh_dir).exists()  # nothing was published
    assert [s.cached for s in summaries[0]] == [False, False, False]

    res = newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(wh_dir), batch_size=2)
    assert calls["commit"] == 2  # a non-transient error is not retried by the commit task
    assert [s.cached for s in summaries[1]] == [True, True, True]
    assert [s.dir for s in summaries[1]] == [s.dir for s in summaries[0]]
    assert res["articles_loaded"] == 5 and res["files_read"] == 5
    con = open_views(Warehouse(wh_dir))
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]
    # the work folders are removed once committed
    assert not any(Path(s.dir).exists() for s in summaries[1])


def test_changed_input_is_not_served_from_cache(prefect_api: None, sample_copy: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch key covers each file's size and mtime: an edit after the failure is processed again."""
    wh_dir = tmp_path / "wh"
    real_commit = finalize.commit
    calls = {"n": 0}

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("injected failure at commit")
        return real_commit(*args, **kwargs)

    summaries: list[list[BatchSummary]] = []
    real_finish = finalize.finish_run

    def spy_finish(wh: Any, plan_: Any, sums: list[BatchSummary], *a: Any, **k: Any) -> Any:
        summaries.append(list(sums))
        return real_finish(wh, plan_, sums, *a, **k)

    monkeypatch.setattr(finalize, "commit", failing_once)
    monkeypatch.setattr(finalize, "finish_run", spy_finish)
    with pytest.raises(RuntimeError):
        newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(wh_dir), batch_size=2)
    first = sorted(sample_copy.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n\nAn editor's note added later.\n", encoding="utf-8")
    newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(wh_dir), batch_size=2)
    assert [s.cached for s in summaries[1]] == [False, True, True]
