"""Issue 15, phase 2 (after the Delta Lake storage lands): the storage faults left open, as strict xfails.

Each test states the behaviour wanted and fails today; ``strict=True`` makes it fail loudly once the
behaviour is there, so its marker is removed with the fix.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newsetl import cli
from newsetl.run import finalize
from newsetl.store import Warehouse
from tests.reliability import _support as S

BODY = ("ISLAMABAD: Pakistan and Russia agreed on Wednesday to expand trade, energy and defence cooperation, "
        "officials said after talks at the Foreign Office, and agreed to meet again in Moscow next year.")


def _cfg(tmp_path: Path, docs: bool = False) -> str:
    p = tmp_path / "c.yaml"
    p.write_text(f"workers: 1\nvalidate_data_docs: {'true' if docs else 'false'}\n")
    return str(p)


@pytest.mark.xfail(strict=True, reason="phase 2: a changed file replaces its rows even when the new version is "
                                       "broken; keep the earlier good rows until a good version arrives")
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
    assert con.sql("select reason from quarantine").fetchall() == [("invalid_json",)]


@pytest.mark.xfail(strict=True, reason="phase 2: the raw_documents, duplicates and quarantine suites are built "
                                       "and exported but never run on the tables a run produces")
def test_every_suite_runs_where_its_table_is_produced(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(S.SAMPLE_DIR, src)
    shutil.copy(next(S.SAMPLE_DIR.glob("001_*")), src / "copy_of_001.txt")  # a duplicate
    (src / "empty.txt").write_bytes(b"")  # a quarantine row
    wh = tmp_path / "wh"
    assert cli.main(["run", str(src), "-w", str(wh), "--no-prefect", "-c", _cfg(tmp_path, docs=True)]) == 0
    validated = sorted(p.name for p in (wh / "data_docs" / "validations").iterdir())
    assert {"raw_documents", "duplicates", "quarantine"} <= set(validated), validated


@pytest.mark.xfail(strict=True, reason="phase 2: a failure after the commit point (Data Docs) is reported as "
                                       "'the warehouse keeps its last committed state' although the snapshot "
                                       "advanced")
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
    assert code == 1
    assert "keeps its last committed state" not in err
    assert "committed snapshot 1" in err


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="phase 2: Ctrl-C under Prefect waits ~3 minutes on the ephemeral API the "
                                       "same Ctrl-C stopped, and ends in a traceback (without Prefect: exit 130)")
def test_ctrl_c_under_prefect_exits_130_promptly(tmp_path: Path) -> None:
    src = tmp_path / "src"
    S.write_articles(src, 0, 1500)
    wh = tmp_path / "wh"
    p = subprocess.Popen([str(S.NEWSETL), "run", str(src), "-w", str(wh), "-c", _cfg(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not any((wh / "_staging").glob("batch-*")) and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert p.poll() is None, "the run ended before Ctrl-C"
        os.killpg(p.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        pytest.fail("still running 30 s after Ctrl-C")
    assert p.returncode == 130 and "Traceback" not in err, err
