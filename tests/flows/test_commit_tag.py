"""The commit task carries the tag ``newsetl-commit`` only when a concurrency limit for it exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.pipeline import COMMIT_TAG, check_commit_limit, commit_limit_exists, commit_tags, newsetl_pipeline


def _last_commit_run_tags() -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName
    from prefect.client.schemas.sorting import TaskRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="commit-")),
                                     sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=1)
    assert len(runs) == 1
    return list(runs[0].tags)


def test_no_check_keeps_the_tag() -> None:
    assert commit_tags(None) == [COMMIT_TAG]


@pytest.mark.slow
def test_the_tag_follows_the_limit(prefect_api: None, sample_copy: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    assert commit_limit_exists() is False
    assert check_commit_limit().result(timeout=60) is False
    newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(tmp_path / "wh"))
    assert _last_commit_run_tags() == []

    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag=COMMIT_TAG, concurrency_limit=1)
    try:
        assert commit_limit_exists() is True
        res = newsetl_pipeline(sources=[str(sample_copy)], warehouse=str(tmp_path / "wh2"))
        assert res["articles_loaded"] == 5
        assert _last_commit_run_tags() == [COMMIT_TAG]
    finally:
        with get_client(sync_client=True) as client:
            client.delete_concurrency_limit_by_tag(COMMIT_TAG)
    assert commit_limit_exists() is False


def test_an_api_that_cannot_answer_keeps_the_tag() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert commit_limit_exists() is True
