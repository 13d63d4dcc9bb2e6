"""Two runs against one warehouse at once: the second stops with a clear message (exit status 1), or
queues behind the first with ``--wait``; the warehouse ends with both runs, uncorrupted."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from newsetl import cli
from tests.reliability import _support as S


def test_second_run_refused_then_queued(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src_a, src_b = tmp_path / "a", tmp_path / "b"
    S.write_articles(src_a, 0, 30, tag="a")
    S.write_articles(src_b, 100, 10, tag="b")
    cfg = tmp_path / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    wh = tmp_path / "wh"

    def argv(src: Path, *extra: str) -> list[str]:
        return [str(S.NEWSETL), "run", str(src), "--warehouse", str(wh), "--no-prefect", "--config", str(cfg),
                *extra]

    first = subprocess.Popen(argv(src_a), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while f"(pid {first.pid})" not in (wh / "_lock").read_text() if (wh / "_lock").exists() else True:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    holder = (wh / "_lock").read_text().strip()
    assert holder.startswith("run ") and holder.endswith(f"(pid {first.pid})")

    # a second run without --wait stops at once, exit status 1, naming the holder and the fix
    t0 = time.monotonic()
    code = cli.main(argv(src_b)[1:])
    err = capsys.readouterr().err
    assert code == 1
    assert time.monotonic() - t0 < 10
    assert err == (f"newsetl run: error: warehouse {wh} is being written by {holder}; wait for it to finish "
                   f"or pass --wait SECONDS to queue behind it\n")
    assert first.poll() is None, "the first run should still hold the lock"

    # a third run with --wait queues behind the first and then loads its own input
    third = subprocess.Popen(argv(src_b, "--wait", "600"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    out1, err1 = first.communicate(timeout=600)
    out3, err3 = third.communicate(timeout=600)
    assert (first.returncode, third.returncode) == (0, 0), (err1, err3)
    assert "articles loaded: 30" in out1 and "articles loaded: 10" in out3

    snap = S.check_integrity(wh)
    assert snap.id == "2"
    con = S.connect(wh)
    runs = con.sql("select articles_loaded, started_at, finished_at from runs order by finished_at").fetchall()
    assert [r[0] for r in runs] == [30, 10]
    (_, _, a_end), (_, c_start, _) = runs
    assert c_start < a_end, "the --wait run started while the first was running, and waited"
    assert con.sql("select count(*), count(distinct article_id) from articles").fetchall() == [(40, 40)]
    assert con.sql("select count(*) from manifest").fetchall() == [(40,)]
    assert S.orphan_table_files(wh) == []


def test_reader_of_previous_snapshot_survives_a_commit(tmp_path: Path) -> None:
    """store.KEEP_SNAPSHOTS: garbage collection keeps the previous snapshot's files for its readers."""
    from newsetl.run import run_pipeline
    from newsetl.settings import load_settings

    src = tmp_path / "src"
    files = S.write_articles(src, 0, 6)
    S.set_mtime(files, 1_600_000_000)
    settings = load_settings(None, warehouse=str(tmp_path / "wh"), validate_data_docs=False, workers=1)
    run_pipeline([str(src)], settings)
    reader = S.connect(tmp_path / "wh")  # a reader opens snapshot 1 ...
    assert reader.sql("select count(*) from articles").fetchall() == [(6,)]
    S.set_mtime(S.write_articles(src, 0, 2, tag="v2"), 1_700_000_000)
    run_pipeline([str(src)], settings)  # ... a run commits snapshot 2 meanwhile ...
    # ... and the reader's next query (same snapshot, same file list) still answers
    assert reader.sql("select count(*) from articles").fetchall() == [(6,)]
