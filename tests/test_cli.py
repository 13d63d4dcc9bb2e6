"""The `newsetl` command-line contract."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from newsetl.cli import COMMANDS, main
from tests.reliability._support import NEWSETL

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
    q = ("select (select count(*) from sector_daily where day is null) as n, (select count(distinct sector) "
         "from article_sectors join articles using (article_id) where published_date is null) as expected")
    assert main(["sql", "-w", str(warehouse), "-f", "json", q]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["n"] == out[0]["expected"] and out[0]["n"] >= 1  # undated articles: a null day, never dropped


def test_required_views_exist(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tables", "--warehouse", str(warehouse)]) == 0
    listing = capsys.readouterr().out
    for view in ("articles", "article_sectors", "duplicates", "quarantine", "sector_daily", "sector_monthly"):
        assert view in listing


def test_duckdb_file_has_the_views(warehouse: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse / "newsetl.duckdb"), read_only=True)
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]
    assert con.sql("select count(*) from sector_monthly").fetchall() == con.sql(
        "select count(distinct (date_trunc('month', published_date), sector)) from article_sectors "
        "join articles using (article_id)").fetchall()
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


# ---------------------------------------------------------------------------------------------------
# one-line errors, exit codes, valid JSON, the config file's warehouse
# ---------------------------------------------------------------------------------------------------
def _run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NEWSETL), *argv], capture_output=True, text=True, timeout=300, cwd=cwd)


def _one_line_error(proc: subprocess.CompletedProcess[str], code: int, start: str) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(start), proc.stderr
    return proc.stderr.rstrip("\n")


def test_sql_bad_cast_is_one_line(warehouse: Path) -> None:
    err = _one_line_error(_run("sql", "-w", str(warehouse), "select 'abc'::int"), 1, "newsetl sql: error: ")
    assert err == ("newsetl sql: error: query failed: Conversion Error: Could not convert string 'abc' to INT32 "
                   "(run `newsetl tables` to list the views and their columns)")


def test_sql_bad_column_is_one_line(warehouse: Path) -> None:
    err = _one_line_error(_run("sql", "-w", str(warehouse), "select nope from articles"), 1, "newsetl sql: error: ")
    assert err.startswith('newsetl sql: error: query failed: Binder Error: Referenced column "nope" not found')


def test_json_output_of_intervals_uuids_and_nan_is_valid_json(warehouse: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    q = ("select interval 1 day + interval 90 minute as i, -interval 2 second as neg, "
         "'00000000-0000-0000-0000-00000000002a'::uuid as u, 'nan'::double as n, '-inf'::double as f, "
         "[1.5, 'nan'::double] as xs, {'d': 'nan'::double} as s, 1.25::decimal(5, 2) as d, "
         "'12:30:00'::time as t, 170141183460469231731687303715884105727::hugeint as h")
    assert main(["sql", "-w", str(warehouse), "-f", "json", q]) == 0
    out = capsys.readouterr().out

    def no_constants(c: str) -> None:
        raise AssertionError(f"invalid JSON constant {c}")

    assert json.loads(out, parse_constant=no_constants) == [{
        "i": "P1DT1H30M", "neg": "-PT2S", "u": "00000000-0000-0000-0000-00000000002a", "n": None, "f": None,
        "xs": [1.5, None], "s": {"d": None}, "d": 1.25, "t": "12:30:00", "h": 170141183460469231731687303715884105727}]


def test_run_json_summary_is_valid_json(tmp_path: Path, sample_dir: Path) -> None:
    shutil.copy(next(sample_dir.glob("001_*")), tmp_path / "a.txt")
    proc = _run("run", str(tmp_path / "a.txt"), "-w", str(tmp_path / "wh"), "--no-prefect", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["articles_loaded"] == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["quarantine", "explain", "--limit", "-1"], "argument --limit: -1 is negative: pass 0 or more"),
    (["quarantine", "list", "--limit", "lots"], "argument --limit: 'lots' is not a whole number"),
    (["run", "x", "--workers", "0"], "argument --workers: 0 is not allowed: pass 1 or more"),
    (["run", "x", "--batch-size", "-3"], "argument --batch-size: -3 is negative: pass 0 or more"),
])
def test_bad_option_values_are_usage_errors(warehouse: Path, argv: list[str], message: str) -> None:
    proc = _run(*argv, "-w", str(warehouse))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[-1] == f"newsetl {argv[0]}: error: {message}"


def test_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_bytes(b"workers: 1\n# caf\xe9\n")
    err = _one_line_error(_run("run", str(tmp_path), "-w", str(tmp_path / "wh"), "--no-prefect", "-c", str(cfg)),
                          1, "newsetl run: error: ")
    assert err == f"newsetl run: error: config file {cfg} is not UTF-8 text (byte 0xe9 at offset 16): save it as UTF-8"


def test_invalid_config_value_is_one_line_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("workers: 0\ndedup:\n  bands: 7\n")
    err = _one_line_error(_run("run", str(tmp_path), "-w", str(tmp_path / "wh"), "--no-prefect", "-c", str(cfg)),
                          1, "newsetl run: error: ")
    assert err == (f"newsetl run: error: invalid config file {cfg}: workers: Input should be greater than or equal "
                   f"to 1 (got 0); dedup: Value error, dedup.bands (7) must divide dedup.num_perm (128); fix it "
                   f"(every setting is described in config/newsetl.example.yaml)")


def test_truncated_manifest_file_is_one_line(tmp_path: Path, warehouse: Path) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(warehouse, wh)
    manifest = next((wh / "tables" / "manifest").rglob("*.parquet"))
    manifest.write_bytes(manifest.read_bytes()[:100])
    for argv in (["run", str(tmp_path), "-w", str(wh), "--no-prefect"], ["sql", "-w", str(wh), "select 1"],
                 ["report", "-w", str(wh)]):
        # phase 2 of issue 15: the fix is `newsetl repair` (it was "restore it from a backup")
        err = _one_line_error(_run(*argv), 1, f"newsetl {argv[0]}: error: warehouse {wh}: the data file ")
        assert f"{manifest.relative_to(wh)} is damaged or missing (" in err
        assert f"Run `newsetl repair --warehouse {wh}`" in err


def test_unexpected_error_is_one_line_unless_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from newsetl import cli

    def boom(a: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(cli.COMMANDS, "tables", boom)
    monkeypatch.setenv("NEWSETL_STRICT", "0")
    assert main(["tables", "-w", str(tmp_path)]) == 1
    assert capsys.readouterr().err == ("newsetl tables: error: internal error ZeroDivisionError: division by zero "
                                       "(a bug: please report it with the command; NEWSETL_STRICT=1 shows the "
                                       "traceback)\n")
    monkeypatch.setenv("NEWSETL_STRICT", "1")
    with pytest.raises(ZeroDivisionError):
        main(["tables", "-w", str(tmp_path)])


@pytest.mark.parametrize("how", ["config", "env"])
def test_run_uses_the_warehouse_the_config_file_names(tmp_path: Path, sample_dir: Path, how: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """--config c.yaml with `warehouse:` once went to ./warehouse-data: the CLI always passed an override."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(next(sample_dir.glob("001_*")), src / "a.txt")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"warehouse: {tmp_path / 'from-config'}\nworkers: 1\nvalidate_data_docs: false\n")
    monkeypatch.chdir(tmp_path)
    if how == "env":
        monkeypatch.setenv("NEWSETL_CONFIG", str(cfg))
        argv = ["run", str(src), "--no-prefect"]
    else:
        argv = ["run", str(src), "--no-prefect", "--config", str(cfg)]
    assert main(argv) == 0
    assert (tmp_path / "from-config" / "newsetl.duckdb").exists()
    assert not (tmp_path / "warehouse-data").exists()
    # `sql` has no --config: it finds the config file (and its warehouse) only through $NEWSETL_CONFIG
    assert main(["sql", "-f", "csv", "select count(*) from articles"]) == (0 if how == "env" else 1)


def test_warehouse_flag_beats_the_config_file_and_env(tmp_path: Path, sample_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(next(sample_dir.glob("001_*")), tmp_path / "a.txt")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"warehouse: {tmp_path / 'from-config'}\nworkers: 1\nvalidate_data_docs: false\n")
    monkeypatch.setenv("NEWSETL_WAREHOUSE", str(tmp_path / "from-env"))
    assert main(["run", str(tmp_path / "a.txt"), "--no-prefect", "-c", str(cfg), "-w", str(tmp_path / "flag")]) == 0
    assert [p.name for p in sorted(tmp_path.iterdir()) if p.is_dir()] == ["flag"]


def test_table_output_shows_markup_like_values_as_text(warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rich parsed cell strings as markup: a value like "[/bold]" raised MarkupError (a traceback)."""
    assert main(["sql", "-w", str(warehouse), "select '[/bold] closing' as \"[/h]\", '[red]x' as u, "
                                                "'nan'::double as n"]) == 0
    out = capsys.readouterr().out
    assert "[/bold] closing" in out and "[red]x" in out and "[/h]" in out and " nan " in out


def test_the_console_script_ends_with_the_code_and_output_of_main(sample_dir: Path, tmp_path: Path) -> None:
    """``newsetl`` ends without the interpreter's teardown once main returned: same code, output flushed,
    the warehouse complete, nothing printed at exit (DuckDB's bindings list the objects alive at teardown)."""
    wh = tmp_path / "wh"
    ok = _run("run", str(sample_dir), "--warehouse", str(wh), "--no-prefect", "--json", "--workers", "2", "--batch-size", "2",
              cwd=tmp_path)  # a worker pool: joined before the process ends (no orphan holds the pipes)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["articles_loaded"] == 5
    assert ok.stderr == ""
    counted = _run("sql", "--warehouse", str(wh), "--format", "json", "select count(*) as n from articles", cwd=tmp_path)
    assert counted.returncode == 0 and json.loads(counted.stdout) == [{"n": 5}]
    bad = _run("run", str(tmp_path / "missing"), "--warehouse", str(wh), "--no-prefect", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.startswith("newsetl run: error: source ") and bad.stdout == ""


def test_main_that_did_not_return_keeps_the_normal_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsetl import cli

    ended: list[int] = []
    monkeypatch.setattr(cli.os, "_exit", ended.append)
    monkeypatch.setattr(cli, "_EXIT_CODE", [])
    cli._end_without_teardown()
    assert ended == []
    monkeypatch.setattr(cli, "_EXIT_CODE", [3])
    cli._end_without_teardown()
    assert ended == [3]
