"""The bundled sample through the whole pipeline: the facts the foundation issue lists."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsetl import sql as wsql
from newsetl.run import RunResult, run_pipeline
from newsetl.settings import load_settings
from newsetl.store import Warehouse
from tests.helpers import query


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> tuple[Path, Path, RunResult]:
    root = tmp_path_factory.mktemp("e2e")
    src = root / "sample"
    shutil.copytree(sample_dir, src)
    wh = root / "wh"
    res = run_pipeline([str(src)], load_settings(None, warehouse=str(wh)))
    return src, wh, res


def article(wh: Path, prefix: str) -> dict[str, Any]:
    rows = query(wh, f"select * from articles where source_uri like '%/{prefix}_%'")
    assert len(rows) == 1, rows
    cols = [r[0] for r in query(wh, "select column_name from information_schema.columns "
                                    "where table_name = 'articles' order by ordinal_position")]
    return dict(zip(cols, rows[0], strict=True))


def sectors(wh: Path, prefix: str) -> set[str]:
    return {r[0] for r in query(wh, f"select sector from article_sectors join articles using (article_id) "
                                    f"where source_uri like '%/{prefix}_%'")}


def test_counts(loaded: tuple[Path, Path, RunResult]) -> None:
    _, wh, res = loaded
    assert (res.files_read, res.articles_loaded, res.duplicates, res.quarantined) == (5, 5, 0, 0)
    assert query(wh, "select count(*) from articles") == [(5,)]
    assert query(wh, "select count(*) from duplicates") == [(0,)]
    assert query(wh, "select count(*) from quarantine") == [(0,)]


def test_001_title_and_date_not_page_header(loaded: tuple[Path, Path, RunResult]) -> None:
    a = article(loaded[1], "001")
    assert a["title"] == "Pakistan, Russia to work for regional peace, stability"
    assert a["published_date"] == dt.date(2018, 3, 15)
    assert a["date_source"] == "text:date_line"


def test_003_date_prefix_no_emoji_loss_no_tweets(loaded: tuple[Path, Path, RunResult]) -> None:
    a = article(loaded[1], "003")
    assert a["title"] == "Russian FM in Pakistan to hold top-level talks today"
    assert a["published_date"] == dt.date(2021, 4, 7)
    assert "??" not in a["body"]
    assert "pic.twitter.com" not in a["body"]
    assert a["encoding_loss"] > 0
    posts = query(loaded[1], "select handle from embedded_posts join articles using (article_id) "
                             "where source_uri like '%/003_%' order by handle")
    assert [p[0] for p in posts] == ["@SMQureshiPTI", "@mfa_russia"]


def test_000_no_stated_date(loaded: tuple[Path, Path, RunResult]) -> None:
    a = article(loaded[1], "000")
    assert a["title"] == "FM Bilawal: Pakistan intends to intensify cooperation with Russia in different sectors"
    assert a["published_date"] is None
    assert a["date_source"] == "none"


def test_002_title_apostrophe_either_way(loaded: tuple[Path, Path, RunResult]) -> None:
    a = article(loaded[1], "002")
    assert a["title"].replace("\u2019", "'") == "Moscow to continue boosting Pakistan's counter-terror capacity: Lavrov"
    assert a["published_date"] is None


def test_004_forum_post(loaded: tuple[Path, Path, RunResult]) -> None:
    a = article(loaded[1], "004")
    body = a["body"]
    assert a["title"] == "Qureshi-Lavrov talks: Russia to boost ties with Pakistan, supply military gear"
    assert body.count("Lavrov planted a tree at the FO lawn") == 1
    for chrome in ("FULL MEMBER", "Joined", "Messages", "Reaction score"):
        assert chrome not in body
    assert "Looks like the Indian cow" not in body
    assert "I guess now the Pakistanis" not in body
    assert (a["published_date"], a["date_source"]) == (None, "none")  # not the forum's 2019-12-20 join date
    comments = query(loaded[1], "select text from comments join articles using (article_id) "
                                "where source_uri like '%/004_%' order by position")
    assert any("Indian cow" in c[0] for c in comments)
    assert any("more Russian than the Russians" in c[0] for c in comments)


def test_sectors_cover_what_articles_discuss(loaded: tuple[Path, Path, RunResult]) -> None:
    wh = loaded[1]
    assert {"trade", "economy_investment", "security_counterterrorism", "defence_military", "culture_people",
            "education"} <= sectors(wh, "000")
    assert {"security_counterterrorism", "defence_military", "trade", "energy", "finance_banking", "education",
            "science_technology"} <= sectors(wh, "002")
    assert {"defence_military", "security_counterterrorism", "energy", "health", "transport_infrastructure",
            "trade"} <= sectors(wh, "004")
    assert not {"health", "energy", "transport_infrastructure"} & sectors(wh, "000")
    assert "health" not in sectors(wh, "001")
    assert not {"health", "energy"} & sectors(wh, "003")


def test_marts_count_undated_under_null(loaded: tuple[Path, Path, RunResult]) -> None:
    wh = loaded[1]
    # 000, 002 and 004 state no date: they are counted under a null month, never dropped
    rows = query(wh, "select month, sum(articles) from sector_monthly where sector = 'defence_military' "
                     "group by month order by month nulls last")
    assert rows[-1][0] is None and rows[-1][1] == 3
    total = query(wh, "select sum(articles) from sector_monthly where sector = 'defence_military'")[0][0]
    assert total == query(wh, "select count(*) from article_sectors where sector = 'defence_military'")[0][0]
    assert query(wh, "select count(*) from sector_daily where day is null")[0][0] > 0


def test_data_tests_pass(loaded: tuple[Path, Path, RunResult]) -> None:
    con = wsql.open_warehouse(Warehouse(loaded[1]))
    failing = {r.name: r.sample for r in wsql.run_data_tests(con) if r.failing_rows}
    assert failing == {}


def test_rerun_changes_nothing(loaded: tuple[Path, Path, RunResult]) -> None:
    src, wh, _ = loaded
    views = [r[0] for r in query(wh, "select distinct table_name from information_schema.columns order by 1")]
    volatile = {"run_id", "ingested_at", "quarantined_at", "started_at", "finished_at", "stage_seconds"}

    def snapshot_all() -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        for v in views:
            cols = [r[0] for r in query(wh, f"select column_name from information_schema.columns "
                                            f"where table_name = '{v}' order by ordinal_position")]
            keep = ", ".join(c for c in cols if c not in volatile)
            out[v] = sorted(map(repr, query(wh, f"select {keep} from {v}")))
        return out

    before = snapshot_all()
    sid = Warehouse(wh).snapshot().id
    res = run_pipeline([str(src)], load_settings(None, warehouse=str(wh)))
    assert (res.files_read, res.files_skipped, res.articles_loaded) == (0, 5, 0)
    assert Warehouse(wh).snapshot().id == sid
    assert snapshot_all() == before
