"""The `newsetl` command-line contract."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from newsetl.cli import COMMANDS, main

REPO = Path(__file__).resolve().parents[1]


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for name in COMMANDS:
        assert f"newsetl {name}" in readme, name


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("cli")
    src = root / "src"
    shutil.copytree(sample_dir, src)
    assert main(["run", str(src), "--warehouse", str(root / "wh"), "--no-prefect"]) == 0
    return root / "wh"


def test_sql_csv_and_json(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = "select title, published_date from articles where published_date is not null order by published_date"
    assert main(["sql", "--warehouse", str(warehouse), "--format", "csv", q]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["title", "published_date"],
                    ["Pakistan, Russia to work for regional peace, stability", "2018-03-15"],
                    ["Russian FM in Pakistan to hold top-level talks today", "2021-04-07"]]
    assert main(["sql", "-w", str(warehouse), "-f", "json", "select count(*) as n from sector_daily where day is null"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["n"] > 0


def test_required_views_exist(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables", "--warehouse", str(warehouse)]) == 0
    listing = capsys.readouterr().out
    for view in ("articles", "article_sectors", "duplicates", "quarantine", "sector_daily", "sector_monthly"):
        assert view in listing


def test_duckdb_file_has_the_views(warehouse: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse / "newsetl.duckdb"), read_only=True)
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]
    assert con.sql("select count(*) from sector_monthly").fetchall()[0][0] > 0
    con.close()


def test_errors_exit_1_with_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--warehouse", str(tmp_path / "none"), "select 1"]) == 1
    assert "run `newsetl run SOURCE" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "wh"), "--no-prefect"]) == 1
    assert "missing" in capsys.readouterr().err


def test_bad_query_exit_1(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--warehouse", str(warehouse), "select nope from articles"]) == 1
    assert "query failed" in capsys.readouterr().err


def test_usage_error_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sql", "--format", "xml", "select 1"])
    assert exc.value.code == 2


def test_csv_lists_are_json(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "-w", str(warehouse), "-f", "csv", "select [1, 2] as xs, {'a': 1} as s"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["xs", "s"], ["[1, 2]", '{"a": 1}']]


def test_warehouse_inside_the_source_is_not_ingested(tmp_path: Path, sample_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(next(sample_dir.glob("001_*")), tmp_path / "a.txt")
    for _ in range(2):
        assert main(["run", str(tmp_path), "--warehouse", str(tmp_path / "wh"), "--no-prefect"]) == 0
    capsys.readouterr()
    assert main(["sql", "-w", str(tmp_path / "wh"), "-f", "csv",
                 "select (select count(*) from articles), (select count(*) from quarantine)"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "1,0"


@pytest.mark.parametrize("link", ["source", "warehouse"])
def test_warehouse_reached_through_a_symlink_is_not_ingested(tmp_path: Path, sample_dir: Path, link: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The source (or the warehouse) named through a symlink: paths are compared resolved on both sides."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(next(sample_dir.glob("001_*")), data / "a.txt")
    (tmp_path / "link").symlink_to(data if link == "source" else data / "wh", target_is_directory=link == "source")
    if link == "warehouse":
        (data / "wh").mkdir()
    src = tmp_path / "link" if link == "source" else data
    wh = data / "wh" if link == "source" else tmp_path / "link"
    for _ in range(2):
        assert main(["run", str(src), "--warehouse", str(wh), "--no-prefect"]) == 0
    capsys.readouterr()
    assert main(["sql", "-w", str(wh), "-f", "csv",
                 "select (select count(*) from articles), (select count(*) from quarantine)"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "1,0"
