"""A damaged warehouse file: every command says so in one line naming the file and ``newsetl repair``, a
run writes nothing on top of it, and ``newsetl repair`` brings the data back (issue 15, phase 2).

The warehouse: two runs over one folder. Run 1 loads three April articles; run 2 two more April ones and
two from May, so the April partition of ``articles`` is one file written by a compaction (its two input
files still on disk, within the retention), and the May partition one file written by run 2 alone.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsetl import cli
from newsetl.store import SNAPSHOT_DIR, Warehouse
from tests.reliability import _support as S

CITIES = ["ISLAMABAD", "KARACHI", "LAHORE", "PESHAWAR", "QUETTA", "MULTAN", "SUKKUR", "GWADAR", "SIALKOT", "HYDERABAD"]
TOPICS = ["trade and energy cooperation", "a new rail link to the port", "wheat procurement prices",
          "the power tariff for industry", "a gas pipeline feasibility study", "defence training exchanges",
          "textile export quotas", "a solar park near the city", "fishing rights off the coast", "a dam inspection"]
BODY = ("{city}: Officials met on Wednesday to discuss {topic}, and said after the talks at the provincial secretariat "
        "that the committee would report on {topic} to the cabinet before the end of the month, item {i}.")


def _body(i: int) -> str:
    return BODY.format(city=CITIES[i % 10], topic=TOPICS[i % 10], i=i)
CONFIG = "workers: 1\nvalidate_data_docs: false\n"


def _story(src: Path, name: str, title: str, day: str, i: int) -> None:
    (src / f"{name}.json").write_text(json.dumps({"title": title, "date": day, "source": "Dawn",
                                                  "body": _body(i)}))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("damaged")
    src = base / "src"
    src.mkdir()
    cfg = base / "c.yaml"
    cfg.write_text(CONFIG)
    wh = base / "wh"
    for i in range(3):
        _story(src, f"a{i}", f"April story {i}", f"2021-04-0{i + 1}", i)
    assert cli.main(["run", str(src), "-w", str(wh), "--no-prefect", "-c", str(cfg)]) == 0
    for i in range(3, 5):
        _story(src, f"a{i}", f"April story {i}", f"2021-04-0{i + 1}", i)
        _story(src, f"m{i}", f"May story {i}", f"2021-05-0{i + 1}", i)
    assert cli.main(["run", str(src), "-w", str(wh), "--no-prefect", "-c", str(cfg)]) == 0
    new = base / "new"  # a later day's folder: a run over it has something to commit
    new.mkdir()
    _story(new, "later", "Later story", "2021-04-09", 9)
    return {"base": base, "src": src, "new": new, "cfg": cfg, "wh": wh, "dump": _dump(wh)}


def _dump(wh: Path) -> dict[str, list[str]]:
    d = S.dump(wh)
    d.pop("runs")  # one row per run: repairs and re-runs add theirs
    return d


def _copy(built: dict[str, Any], tmp_path: Path) -> Path:
    return S.copy_warehouse(built["wh"], tmp_path / "wh")


def _pinned(wh: Path, entry: str, part: str = "") -> Path:
    (rel,) = [f for f in Warehouse(wh).snapshot().tables[entry] if part in f]
    return wh / rel


def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.chmod(0o644)
    p.write_bytes(data[: len(data) // 3])


def _state(wh: Path) -> dict[str, str]:
    """Every file of the warehouse and its hash (the lock and the work folder aside)."""
    return {p.relative_to(wh).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in wh.rglob("*")
            if p.is_file() and "_staging" not in p.parts and p.name != "_lock"}


def _cmd(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    err = capsys.readouterr().err
    return code, err


def _all_commands_say(wh: Path, built: dict[str, Any], capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    """sql, report, explain (a mart, an article) and run: exit 1, one line naming what and the repair;
    the run wrote nothing."""
    aid = f"{built['src']}/a0.json#0"
    before = _state(wh)
    for argv in (["sql", "-w", str(wh), "select count(*) from articles"],
                 ["report", "-w", str(wh), "--out", str(wh.parent / "r.html")],
                 ["explain", "sector_monthly", "-w", str(wh)],
                 ["explain", "--article", aid, "-w", str(wh)],
                 ["run", str(built["new"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])]):
        code, err = _cmd(argv, capsys)
        lines = err.strip().splitlines()
        assert code == 1 and len(lines) == 1, (argv[0], err)
        assert lines[0].startswith(f"newsetl {argv[0]}: error: ") and f"newsetl repair --warehouse {wh}" in lines[0]
        for n in needles:
            assert n in lines[0], (argv[0], lines[0])
    assert _state(wh) == before  # nothing written by any of them


def test_a_truncated_compacted_file_gets_its_rows_back_from_the_files_it_merged(
        built: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wh = _copy(built, tmp_path)
    f = _pinned(wh, "articles", "pub_month=2021-04")
    _truncate(f)
    rel = f.relative_to(wh).as_posix()
    _all_commands_say(wh, built, capsys, f"the data file {rel} is damaged or missing")
    code, out = cli.main(["repair", "-w", str(wh)]), capsys.readouterr().out
    assert code == 0
    assert f"{rel} (ArrowInvalid: " in out and "put back the 2 file(s) the compaction at Delta version 3 merged" in out
    assert S.dump_diff(built["dump"], _dump(wh)) == {}  # every row back, nothing re-read
    assert f.exists()  # never deleted: the Delta log still references it (vacuum removes it after the retention)
    S.check_integrity(wh)
    assert cli.main(["run", str(built["src"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])]) == 0
    assert "0 files read" in capsys.readouterr().out


def test_a_garbage_file_no_version_holds_is_dropped_and_its_sources_read_again(
        built: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wh = _copy(built, tmp_path)
    g = _pinned(wh, "articles", "pub_month=2021-05")
    size = g.stat().st_size
    g.chmod(0o644)
    g.write_bytes(b"\x07" * size)
    _all_commands_say(wh, built, capsys, "is damaged or missing")
    assert cli.main(["repair", "-w", str(wh)]) == 0
    out = capsys.readouterr().out
    assert "no earlier Delta version holds its 2 row(s); dropped it from articles and forgot the 2 source(s)" in out
    S.check_integrity(wh)
    con = S.connect(wh)
    assert con.sql("select count(*) from articles").fetchall() == [(5,)]  # the April ones: untouched
    assert con.sql("select count(*) from manifest where source_uri like '%/m%.json'").fetchall() == [(0,)]
    con.close()
    assert cli.main(["run", str(built["src"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])]) == 0
    assert "2 files read" in capsys.readouterr().out
    assert S.dump_diff(built["dump"], _dump(wh)) == {}  # the data is back
    S.check_integrity(wh)


def test_a_damaged_manifest_file(built: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The manifest (which files were loaded) truncated: its sources are forgotten and read again."""
    wh = _copy(built, tmp_path)
    (m,) = [wh / f for f in Warehouse(wh).snapshot().tables["manifest"]]
    _truncate(m)
    _all_commands_say(wh, built, capsys, "tables/manifest/")
    assert cli.main(["repair", "-w", str(wh)]) == 0
    assert cli.main(["run", str(built["src"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])]) == 0
    capsys.readouterr()
    assert S.dump_diff(built["dump"], _dump(wh)) == {}
    S.check_integrity(wh)


def test_a_corrupt_delta_log_entry_stops_the_run_and_repair_rebuilds_the_log(
        built: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Readers use the snapshot's file lists, so queries keep working; a run stops before writing, naming
    the log file; repair rebuilds the log from the snapshot and keeps the damaged one."""
    wh = _copy(built, tmp_path)
    entry = wh / "tables" / "articles" / "_delta_log" / "00000000000000000002.json"
    entry.write_text('{"add": {"path": "pub_month=2021-0')
    assert _cmd(["sql", "-w", str(wh), "select count(*) from articles"], capsys)[0] == 0
    before = _state(wh)
    code, err = _cmd(["run", str(built["new"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert ("the Delta log of articles is damaged: tables/articles/_delta_log/00000000000000000002.json cannot be "
            "read (JSONDecodeError") in err and f"newsetl repair --warehouse {wh}" in err
    assert _state(wh) == before
    assert cli.main(["repair", "-w", str(wh)]) == 0
    out = capsys.readouterr().out
    assert "rebuilt it from snapshot 2's 2 file(s) as version 0 (the damaged log is kept as " in out
    assert [p.name for p in (wh / "tables" / "articles").glob("_delta_log.damaged-*/*2.json")] == [entry.name]
    assert S.dump_diff(built["dump"], _dump(wh)) == {}
    S.check_integrity(wh)
    assert cli.main(["run", str(built["new"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])]) == 0
    S.check_integrity(wh)
    assert S.connect(wh).sql("select count(*) from articles").fetchall() == [(8,)]


def test_a_truncated_snapshot_file(built: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wh = _copy(built, tmp_path)
    snap = wh / SNAPSHOT_DIR / "2.json"
    snap.write_text(snap.read_text()[:300])
    _all_commands_say(wh, built, capsys, f"snapshot file {SNAPSHOT_DIR}/2.json is corrupt")
    assert cli.main(["repair", "-w", str(wh)]) == 0
    out = capsys.readouterr().out
    assert f"snapshot file {SNAPSHOT_DIR}/2.json cannot be read (JSONDecodeError): moved aside to " in out
    assert "pinned the latest version of" in out and "as snapshot 3" in out
    assert sorted(p.name[:6] for p in (wh / SNAPSHOT_DIR).glob("2.json*")) == ["2.json"]  # kept, renamed
    assert S.dump_diff(built["dump"], _dump(wh)) == {}
    S.check_integrity(wh)


def test_a_damaged_mart_file(built: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wh = _copy(built, tmp_path)
    _truncate(_pinned(wh, "mart:sector_monthly"))
    code, err = _cmd(["sql", "-w", str(wh), "select * from sector_monthly"], capsys)
    assert code == 1 and "marts/sector_monthly/" in err and "newsetl repair" in err
    assert cli.main(["repair", "-w", str(wh)]) == 0
    assert "a file of mart sector_monthly, rebuilt from the tables" in capsys.readouterr().out
    assert S.dump_diff(built["dump"], _dump(wh)) == {}
    S.check_integrity(wh)


def test_repair_on_a_sound_warehouse_changes_nothing(built: dict[str, Any], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    wh = _copy(built, tmp_path)
    before = _state(wh)
    assert cli.main(["repair", "-w", str(wh)]) == 0
    assert capsys.readouterr().out.strip() == (f"warehouse {wh}: snapshot 2, every Delta log and every pinned file "
                                               f"read whole: nothing to repair")
    assert _state(wh) == before


def test_in_a_real_process_it_is_one_line_and_no_traceback(built: dict[str, Any], tmp_path: Path) -> None:
    wh = _copy(built, tmp_path)
    _truncate(_pinned(wh, "articles", "pub_month=2021-05"))
    for argv in (["sql", "-w", str(wh), "select * from articles"],
                 ["run", str(built["new"]), "-w", str(wh), "--no-prefect", "-c", str(built["cfg"])]):
        p = subprocess.run([str(S.NEWSETL), *argv], capture_output=True, text=True, timeout=600)
        assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and "newsetl repair --warehouse" in p.stderr, p.stderr
