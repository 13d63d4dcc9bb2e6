"""Issue 15, phase 2 (after the Delta Lake storage lands): the storage and process faults that were left
open as strict xfails, each now a test of the fix."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newsetl import cli
from newsetl.errors import INTERRUPTED
from newsetl.run import finalize, run_pipeline
from newsetl.settings import load_settings
from newsetl.store import Warehouse
from tests.reliability import _support as S

BODY = ("ISLAMABAD: Pakistan and Russia agreed on Wednesday to expand trade, energy and defence cooperation, "
        "officials said after talks at the Foreign Office, and agreed to meet again in Moscow next year.")


def _cfg(tmp_path: Path, docs: bool = False) -> str:
    p = tmp_path / "c.yaml"
    p.write_text(f"workers: 1\nvalidate_data_docs: {'true' if docs else 'false'}\n")
    return str(p)


def test_a_loaded_file_rewritten_broken_keeps_its_good_rows(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    f = src / "story.json"
    f.write_text(json.dumps({"title": "Good first version", "body": BODY}))
    os.utime(f, (1_600_000_000, 1_600_000_000))
    wh, cfg = str(tmp_path / "wh"), _cfg(tmp_path)
    assert cli.main(["run", str(src), "-w", wh, "--no-prefect", "-c", cfg]) == 0
    f.write_text(json.dumps({"title": "Broken second version", "body": BODY})[:40])  # truncated
    assert cli.main(["run", str(src), "-w", wh, "--no-prefect", "-c", cfg]) == 0
    con = S.connect(wh)
    assert con.sql("select title from articles").fetchall() == [("Good first version",)]
    ((reason, detail, aid),) = con.sql("select reason, detail, article_id from quarantine").fetchall()
    assert (reason, aid) == ("superseding_version_unreadable", None)
    ((first_run,),) = con.sql("select run_id from raw_documents").fetchall()
    assert re.fullmatch(r"this version cannot be read \(invalid_json: .*truncated JSON\?.*\); kept the earlier "
                        rf"version's 1 record loaded by run {first_run} at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC until "
                        r"a readable version of the file arrives", detail), detail
    assert con.sql("select status from manifest").fetchall() == [("kept",)]
    con.close()
    S.check_integrity(wh)
    # unchanged since: not read again, nothing new
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=wh))
    assert (res.files_read, res.files_skipped, res.snapshot_id) == (0, 1, "2")
    # rewritten broken once more: still the first version's rows, one quarantine row (the latest version's)
    f.write_bytes(b"\x00\x01binary garbage\x00")
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=wh))
    assert (res.articles_loaded, res.kept_versions, res.quarantine_reasons) == (
        0, 1, {"superseding_version_unreadable": 1})
    con = S.connect(wh)
    assert con.sql("select title from articles").fetchall() == [("Good first version",)]
    ((detail,),) = con.sql("select detail from quarantine").fetchall()
    assert detail.startswith("this version cannot be read (binary_content: ") and first_run in detail
    con.close()
    # a readable version arrives: it supersedes as any change does (the quarantine row goes with the old rows)
    f.write_text(json.dumps({"title": "Good third version", "body": BODY}))
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=wh))
    assert (res.articles_loaded, res.superseded, res.kept_versions) == (1, 1, 0)
    con = S.connect(wh)
    assert con.sql("select title from articles").fetchall() == [("Good third version",)]
    assert con.sql("select count(*) from quarantine").fetchall() == [(0,)]
    assert con.sql("select status from manifest").fetchall() == [("loaded",)]
    con.close()
    S.check_integrity(wh)


def test_a_rewrite_whose_records_all_fail_later_rules_is_a_readable_version(tmp_path: Path) -> None:
    """Read, but every record too short: that is the file's new content, not an unreadable version."""
    src = tmp_path / "src"
    src.mkdir()
    f = src / "story.json"
    f.write_text(json.dumps({"title": "Good first version", "body": BODY}))
    wh, cfg = str(tmp_path / "wh"), _cfg(tmp_path)
    run_pipeline([str(src)], load_settings(cfg, warehouse=wh))
    f.write_text(json.dumps({"title": "Now a stub", "body": "Two words."}))
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=wh))
    assert (res.articles_loaded, res.superseded, res.kept_versions, res.quarantine_reasons) == (
        0, 1, 0, {"too_short": 1})
    con = S.connect(wh)
    assert con.sql("select count(*) from articles").fetchall() == [(0,)]
    con.close()


def test_every_suite_runs_where_its_table_is_produced(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(S.SAMPLE_DIR, src)
    shutil.copy(next(S.SAMPLE_DIR.glob("001_*")), src / "copy_of_001.txt")  # a duplicate
    (src / "empty.txt").write_bytes(b"")  # a quarantine row
    wh = tmp_path / "wh"
    assert cli.main(["run", str(src), "-w", str(wh), "--no-prefect", "-c", _cfg(tmp_path, docs=True)]) == 0
    validated = sorted(p.name for p in (wh / "data_docs" / "validations").iterdir())
    assert {"raw_documents", "duplicates", "quarantine"} <= set(validated), validated


def test_failure_after_the_commit_says_the_run_was_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    shutil.copytree(S.SAMPLE_DIR, src)

    def docs_fail(*a: object, **k: object) -> None:
        raise OSError(28, "No space left on device (simulated)", str(tmp_path / "wh" / "data_docs"))

    monkeypatch.setattr(finalize, "build_docs", docs_fail)
    code = cli.main(["run", str(src), "-w", str(tmp_path / "wh"), "--no-prefect", "-c", _cfg(tmp_path, docs=True)])
    err = capsys.readouterr().err
    assert Warehouse(tmp_path / "wh").snapshot().id == "1"  # the commit happened
    assert code == 3  # committed, but a file derived after the commit point failed (cli docstring, README)
    assert "keeps its last committed state" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith("newsetl run: error: committed snapshot 1 (run ")
    assert "5 articles loaded, 0 quarantined); publishing the GX Data Docs" in line
    assert "No space left on device (simulated)" in line and "fix: free space" in line
    assert S.connect(tmp_path / "wh").sql("select count(*) from articles").fetchall() == [(5,)]
    S.check_integrity(tmp_path / "wh")


def test_a_bug_after_the_commit_is_not_blamed_on_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Only an OSError is a disk's or a permission's fault: anything else after the commit is a bug."""
    src = tmp_path / "src"
    shutil.copytree(S.SAMPLE_DIR, src)

    def docs_bug(*a: object, **k: object) -> None:
        raise ValueError("an unexpected value in the validation results")

    monkeypatch.setattr(finalize, "build_docs", docs_bug)
    code = cli.main(["run", str(src), "-w", str(tmp_path / "wh"), "--no-prefect", "-c", _cfg(tmp_path, docs=True)])
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert code == 3
    assert "publishing the GX Data Docs" in line and "an unexpected value in the validation results" in line
    assert "fix: this is a bug in newsetl: please report it with the message" in line
    assert "free space" not in line


def test_a_duckdb_file_that_cannot_be_written_after_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The .duckdb file fails after the commit: exit 3 naming it, the Data Docs are still written, and
    ``newsetl repair`` writes the file again."""
    from newsetl import sqlguard

    src = tmp_path / "src"
    shutil.copytree(S.SAMPLE_DIR, src)
    wh = tmp_path / "wh"
    real = sqlguard.publish_duckdb_file

    def full(w: Warehouse) -> None:
        raise OSError(28, "No space left on device (simulated)", str(wh / ".newsetl.duckdb.tmp"))

    monkeypatch.setattr(sqlguard, "publish_duckdb_file", full)
    code = cli.main(["run", str(src), "-w", str(wh), "--no-prefect", "-c", _cfg(tmp_path, docs=True)])
    err = capsys.readouterr().err
    assert code == 3, err
    assert f"publishing {wh}/newsetl.duckdb failed: No space left on device (simulated)" in err
    assert f"`newsetl repair --warehouse {wh}` writes it again" in err
    assert (wh / "data_docs" / "index.html").is_file()
    assert not sqlguard.duckdb_file_ok(Warehouse(wh))
    monkeypatch.setattr(sqlguard, "publish_duckdb_file", real)
    assert cli.main(["repair", "-w", str(wh)]) == 0
    assert sqlguard.duckdb_file_ok(Warehouse(wh))


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "workers"), [
    ("prefect", 1),  # the batch in the flow process
    ("prefect", 2),  # the batches in the CPU pool
    ("no-prefect", 2),  # the same without Prefect
])
def test_ctrl_c_under_prefect_exits_130_promptly(tmp_path: Path, mode: str, workers: int) -> None:
    """A terminal's Ctrl-C (SIGINT to the whole process group) while the batches run under Prefect: exit 130
    within seconds, one line on stderr, the last snapshot untouched, the lock free, no process left over.
    Before: ~146 s retrying to report the crash to the temporary API server the same Ctrl-C had stopped,
    then tracebacks and exit 1."""
    src, wh = tmp_path / "src", tmp_path / "wh"
    S.write_articles(src, 0, 3)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"workers: {workers}\nvalidate_data_docs: false\n")
    assert cli.main(["run", str(src), "-w", str(wh), "--no-prefect", "-c", str(cfg)]) == 0
    S.write_articles(src, 3, 1500)
    p = subprocess.Popen([str(S.NEWSETL), "run", str(src), "-w", str(wh), "-c", str(cfg),
                          *(["--no-prefect"] if mode == "no-prefect" else [])],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not any((wh / "_staging").glob("batch-*")) and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert p.poll() is None, "the run ended before Ctrl-C"
        os.killpg(p.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        sent = time.monotonic()
        out, err = p.communicate(timeout=30)
        took = time.monotonic() - sent
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        pytest.fail("still running 30 s after Ctrl-C")
    assert (p.returncode, err, out) == (130, INTERRUPTED + "\n", ""), (took, err)
    time.sleep(1)
    with pytest.raises(ProcessLookupError):  # the CPU pool's workers ended with it
        os.killpg(p.pid, 0)
    with Warehouse(wh).lock("probe", 0):  # free: no worker kept the lock's file descriptor
        pass
    assert S.current_id(wh) == "1"
    assert S.connect(wh).sql("select count(*) from articles").fetchall() == [(3,)]
