"""Crash safety: SIGKILL ``newsetl run`` at many points of its life, and crash it inside the commit.

Setup: warehouse W0 holds a first run over ``N1`` small articles; the second run changes some of them,
adds new ones and two bad files. A reference warehouse gets the second run without interruption.

Every trial copies W0, starts the second run in another process and kills it (SIGKILL at an event seen
on disk or after a random delay) or makes it crash inside the commit (``os._exit`` / an exception in
``Warehouse.publish`` or before the k-th Delta commit, in a child process). Then:

* a reader sees one complete snapshot: the old one (dump equal to W0's) or the new one (equal to the
  reference), every file it lists readable, the SQL data tests passing;
* the next run recovers: the warehouse then equals the reference on every view (volatile columns
  aside), with no file under tables/ or marts/ that no Delta version references, and the lock free.

Children are forked from a forkserver that has newsetl imported (a cold ``newsetl`` start spends ~10 s
importing Great Expectations on this machine); one more trial kills the real ``newsetl`` executable
mid-commit, and one kills it (two workers) while processing.
The default set is 11 trials (~2.5 min here); ``NEWSETL_KILL_SOAK=1`` adds more kill points and
``NEWSETL_KILL_TRIALS=N`` N more random-delay trials. Outcomes are printed at the end (``-s``).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from newsetl.run import run_pipeline
from newsetl.settings import load_settings
from newsetl.store import SNAPSHOT_DIR, Warehouse
from tests.reliability import _support as S

pytestmark = pytest.mark.slow

N1, N_CHANGED, N_NEW = 40, 8, 8
SEED = 20240601
EXTRA_RANDOM = int(os.environ.get("NEWSETL_KILL_TRIALS", "0"))
SOAK = os.environ.get("NEWSETL_KILL_SOAK", "") not in ("", "0")


@dataclass
class Outcome:
    trial: str
    how: str
    killed_at: float | None  # seconds after start
    exit_code: int | None
    reader_saw: str  # "old" | "new"
    recovered: bool
    note: str = ""


OUTCOMES: list[Outcome] = []


@pytest.fixture(scope="module")
def ctx() -> Iterator[Any]:
    c = mp.get_context("forkserver")
    c.set_forkserver_preload(S.PRELOAD)
    from multiprocessing import forkserver

    forkserver.ensure_running()  # imports newsetl in the server now, in parallel with the setup below
    yield c
    # pool workers of the killed children are forkserver children blocked forever in call_queue.get()
    import psutil

    server = forkserver._forkserver
    pid = getattr(server, "_forkserver_pid", None)
    if pid:
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
    with contextlib.suppress(Exception):
        server._stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, ctx: Any) -> Iterator[dict[str, Any]]:
    """W0 (first run), the changed source tree, the reference (second run, uninterrupted) and dumps."""
    base = tmp_path_factory.mktemp("kill")
    src = base / "src"
    cfg = base / "fast.yaml"
    cfg.write_text(S.FAST_CONFIG)
    S.write_articles(src, 0, N1)
    S.set_mtime(list(src.iterdir()), 1_600_000_000)
    w0 = base / "w0"
    run_pipeline([str(src)], load_settings(cfg, warehouse=str(w0)))
    # the second run's input: changed files (new content and mtime), new files, two bad files
    S.set_mtime(S.write_articles(src, 0, N_CHANGED, tag="v2"), 1_700_000_000)
    S.write_articles(src, N1, N_NEW, tag="v2")
    (src / "empty.txt").write_bytes(b"")
    (src / "truncated.json").write_text('{"title": "Cut short", "body": "The text stops', encoding="utf-8")
    ref = S.copy_warehouse(w0, base / "ref")
    puts: list[str] = []  # the Delta commits of the second run's commit
    real_op = Warehouse._delta_op

    def counting_op(self: Warehouse, entry: str, op: Any) -> Any:
        puts.append(entry)
        return real_op(self, entry, op)

    mp_ = pytest.MonkeyPatch()
    mp_.setattr(Warehouse, "_delta_op", counting_op)
    t0 = time.monotonic()
    res = run_pipeline([str(src)], load_settings(cfg, warehouse=str(ref)))
    duration = time.monotonic() - t0
    mp_.undo()
    assert (res.files_read, res.superseded, res.quarantined) == (N_CHANGED + N_NEW + 2, N_CHANGED, 2)
    S.check_integrity(ref)
    yield {"base": base, "src": src, "cfg": cfg, "w0": w0, "ref": ref, "old": S.dump(w0), "new": S.dump(ref),
           "puts": len(puts), "duration": duration}
    print("\nkill/crash trials:")
    for o in OUTCOMES:
        print("  " + json.dumps(asdict(o)))
    (base / "outcomes.json").write_text(json.dumps([asdict(o) for o in OUTCOMES], indent=1))


# ---------------------------------------------------------------------------------------------------
def _wait_for(pred: Callable[[], bool], proc_alive: Callable[[], bool], timeout: float = 120) -> bool:
    """Poll ``pred`` every millisecond; False when the process ended (or time ran out) first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        if not proc_alive():
            return pred()
        time.sleep(0.001)
    return False


def _events(wt: Path, old_id: str, pid: int) -> dict[str, Callable[[], bool]]:
    new_id = str(int(old_id) + 1)
    staging = wt / "_staging"
    return {
        "lock": lambda: f"pid {pid})" in _read(wt / "_lock"),
        "batch": lambda: any(staging.glob("batch-*")),
        "finalize_ahead": lambda: any(staging.glob("run-*/ahead/final")),  # during dedup
        "finalize": lambda: any(staging.glob("run-*/final")),
        "commit": lambda: any(staging.glob("run-*/commit")),
        "snapshot_file": lambda: (wt / SNAPSHOT_DIR / f"{new_id}.json").exists(),
        "current_swapped": lambda: S.current_id(wt) == new_id,
    }


def _read(p: Path) -> str:
    try:
        return p.read_text()
    except OSError:
        return ""


def _verify(world: dict[str, Any], wt: Path, trial: str, how: str, killed_at: float | None,
            code: int | None) -> Outcome:
    # 1. what a reader sees now: one complete snapshot, the old or the new one
    S.check_integrity(wt)
    seen = S.dump(wt)
    if seen == world["old"]:
        saw = "old"
    elif seen == world["new"]:
        saw = "new"
    else:
        pytest.fail(f"{trial}: reader sees neither the old nor the new snapshot: "
                    f"{S.dump_diff(world['new'], seen)}")
    t_probe = time.monotonic()
    with Warehouse(wt).lock("probe", wait_seconds=120):  # a killed run never leaves the lock held for long
        pass
    lock_held = time.monotonic() - t_probe
    # 2. the next run recovers to exactly the uninterrupted result
    run_pipeline([str(world["src"])], load_settings(world["cfg"], warehouse=str(wt)))
    S.check_integrity(wt)
    after = S.dump(wt)
    assert S.dump_diff(world["new"], after) == {}, trial
    orphans = S.orphan_table_files(wt)
    if saw == "old":  # the recovery run rolled back the killed run's Delta versions and removed its files
        assert orphans == [], trial
    notes = [f"{len(orphans)} unreferenced files left (see test_next_run_tidies_up_after_post_commit_crash)"
             if orphans else "", f"lock still held {lock_held:.1f}s after the process ended"
             if lock_held > 2 else ""]
    o = Outcome(trial, how, None if killed_at is None else round(killed_at, 3), code, saw, True,
                "; ".join(n for n in notes if n))
    OUTCOMES.append(o)
    return o


def _start_child(ctx: Any, world: dict[str, Any], wt: Path, crash: str | None = None, arg: int = 0) -> Any:
    argv = ["run", str(world["src"]), "--warehouse", str(wt), "--no-prefect", "--config", str(world["cfg"])]
    p = ctx.Process(target=S.child_cli, args=(argv, crash, arg))
    p.start()
    return p


# ---------------------------------------------------------------------------------------------------
EVENT_TRIALS = [("lock", 0.0), ("finalize_ahead", 0.0), ("commit", 0.0), ("commit", 0.3), ("current_swapped", 0.0)]
if SOAK:
    EVENT_TRIALS += [("batch", 0.0), ("finalize", 0.0), ("commit", 0.8), ("commit", 1.2), ("snapshot_file", 0.0)]
rng = random.Random(SEED)
RANDOM_TRIALS = [round(rng.uniform(0.05, 1.0), 3) for _ in range(2 + EXTRA_RANDOM)]  # fraction of a run


@pytest.mark.parametrize(("event", "delay"), EVENT_TRIALS, ids=[f"{e}+{d}s" for e, d in EVENT_TRIALS])
def test_sigkill_at_event(ctx: Any, world: dict[str, Any], event: str, delay: float) -> None:
    wt = S.copy_warehouse(world["w0"], world["base"] / f"t-{event}-{delay}")
    old_id = Warehouse(wt).snapshot().id
    t0 = time.monotonic()
    p = _start_child(ctx, world, wt)
    hit = _wait_for(_events(wt, old_id, p.pid)[event], p.is_alive)
    if hit and delay:
        time.sleep(delay)
    killed_at = time.monotonic() - t0
    if p.is_alive():
        os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    # a trial in which the kill never happened tests nothing: the event must be seen and the run killed
    assert hit, f"event {event} not seen before the run ended"
    assert p.exitcode == -signal.SIGKILL, f"the run ended (exit {p.exitcode}) before the kill"
    o = _verify(world, wt, f"event:{event}+{delay}s", "SIGKILL (forkserver child)", killed_at, p.exitcode)
    if event in ("lock", "batch", "finalize_ahead", "finalize", "commit") and hit and not delay:
        assert o.reader_saw == "old", "killed before the commit point, yet the new snapshot is live"


@pytest.mark.parametrize("frac", RANDOM_TRIALS, ids=[f"random-{f}" for f in RANDOM_TRIALS])
def test_sigkill_at_random_delay(ctx: Any, world: dict[str, Any], frac: float) -> None:
    wt = S.copy_warehouse(world["w0"], world["base"] / f"r-{frac}")
    delay = frac * world["duration"] * 0.8  # within the run: a kill after its end would test nothing
    t0 = time.monotonic()
    p = _start_child(ctx, world, wt)
    p.join(delay)
    killed_at = time.monotonic() - t0
    if p.is_alive():
        os.kill(p.pid, signal.SIGKILL)
    p.join(60)
    assert p.exitcode == -signal.SIGKILL, f"the run ended (exit {p.exitcode}) before the kill at {delay:.2f}s"
    _verify(world, wt, f"random:{delay:.2f}s", "SIGKILL (forkserver child)", killed_at, p.exitcode)


CRASHES = [("exit_on_put", "middle"), ("exit_after_snapshot_file", ""), ("raise_in_publish", ""),
           ("exit_after_publish", "")]
if SOAK:
    CRASHES += [("exit_on_put", "first"), ("exit_on_put", "last"), ("exit_after_gc", "")]


@pytest.mark.parametrize(("crash", "where"), CRASHES, ids=[f"{c}-{w}" if w else c for c, w in CRASHES])
def test_crash_inside_commit(ctx: Any, world: dict[str, Any], crash: str, where: str) -> None:
    """Deterministic crashes at each step of the commit (monkeypatched in the child process)."""
    wt = S.copy_warehouse(world["w0"], world["base"] / f"c-{crash}-{where}")
    k = {"first": 1, "middle": world["puts"] // 2, "last": world["puts"], "": 0}[where]
    p = _start_child(ctx, world, wt, crash, k)
    p.join(120)
    # each crash's own exit status (S.child_cli): os._exit(70..73), or 1 for the OSError the CLI reports
    assert p.exitcode == {"exit_after_snapshot_file": 70, "exit_on_put": 71, "exit_after_publish": 72,
                          "exit_after_gc": 73, "raise_in_publish": 1}[crash]
    o = _verify(world, wt, f"crash:{crash}{'@put ' + str(k) if k else ''}", "in-commit crash (child)", None,
                p.exitcode)
    assert o.reader_saw == ("new" if crash in ("exit_after_publish", "exit_after_gc") else "old")


def test_sigkill_with_workers_frees_the_lock(world: dict[str, Any]) -> None:
    """The real executable with two workers, SIGKILLed while its workers process batches."""
    import psutil

    wt = S.copy_warehouse(world["w0"], world["base"] / "workers-lock")
    old_id = Warehouse(wt).snapshot().id
    p = subprocess.Popen([str(S.NEWSETL), "run", str(world["src"]), "--warehouse", str(wt), "--no-prefect",
                          "--config", str(world["cfg"]), "--workers", "2", "--batch-size", "4"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[psutil.Process] = []
    try:
        assert _wait_for(_events(wt, old_id, p.pid)["batch"], lambda: p.poll() is None, timeout=300)
        workers = psutil.Process(p.pid).children(recursive=True)
        p.send_signal(signal.SIGKILL)
        assert p.wait(60) == -signal.SIGKILL
        time.sleep(5)  # give orphans every chance to notice and exit
        with Warehouse(wt).lock("the next daily run"):
            pass
    finally:
        for w in workers:  # the orphans this test made
            with contextlib.suppress(psutil.NoSuchProcess):
                w.kill()


def test_next_run_tidies_up_after_post_commit_crash(ctx: Any, world: dict[str, Any]) -> None:
    import duckdb

    wt = S.copy_warehouse(world["w0"], world["base"] / "tidy")
    p = _start_child(ctx, world, wt, "exit_after_gc")
    p.join(120)
    assert p.exitcode == 73
    res = run_pipeline([str(world["src"])], load_settings(world["cfg"], warehouse=str(wt)))
    assert res.files_read == 0 and S.dump_diff(world["new"], S.dump(wt)) == {}
    leftovers = sorted(p.name for p in (wt / "_staging").iterdir())
    orphans = S.orphan_table_files(wt)
    con = duckdb.connect(str(wt / "newsetl.duckdb"), read_only=True)
    try:
        n = con.sql("select count(*) from articles").fetchall()[0][0]  # IOException: file not found
    finally:
        con.close()
    assert (n, orphans, leftovers) == (len(world["new"]["articles"]), [], [])


def test_sigkill_real_executable_mid_commit(world: dict[str, Any]) -> None:
    """The real ``newsetl`` executable (cold start), SIGKILLed as soon as its commit starts."""
    wt = S.copy_warehouse(world["w0"], world["base"] / "exe-commit")
    old_id = Warehouse(wt).snapshot().id
    t0 = time.monotonic()
    p = subprocess.Popen([str(S.NEWSETL), "run", str(world["src"]), "--warehouse", str(wt), "--no-prefect",
                          "--config", str(world["cfg"])], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    hit = _wait_for(_events(wt, old_id, p.pid)["commit"], lambda: p.poll() is None, timeout=300)
    time.sleep(0.1)
    killed_at = time.monotonic() - t0
    p.send_signal(signal.SIGKILL)
    p.wait(60)
    assert hit, p.stderr.read().decode() if p.stderr else ""
    assert p.returncode == -signal.SIGKILL, "the run ended before the kill"
    o = _verify(world, wt, "exe:commit+0.1s", "SIGKILL (newsetl executable)", killed_at, p.returncode)
    assert o.reader_saw == "old"
