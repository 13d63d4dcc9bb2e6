"""Native runtimes this process has started, for the one question: may it fork a worker?

DuckDB keeps worker threads (and their locks) while a database is open, and delta-rs starts a tokio
runtime whose threads live as long as the process. A child forked from such a process inherits their
memory but not their threads, and can crash or hang when it touches them (a batch worker once segfaulted
in garbage collection after the parent had used DuckDB). newsetl records here where it starts them
(``newsetl.sql.connect``, ``newsetl.sqlguard``, ``newsetl.delta``), and ``newsetl.run.local.worker_pool``
forks only a process that started none and runs no other Python thread; otherwise its workers come from a
fork server. pyarrow's thread pools and jemalloc are fork-safe (they re-initialise in the child).
"""

from __future__ import annotations

import os
import threading

_STARTED: set[str] = set()


def started(kind: str) -> None:
    """Record that this process started a native runtime (``duckdb``, ``delta-rs``)."""
    _STARTED.add(kind)


def fork_is_safe() -> bool:
    """True when this process runs no other Python thread and has started neither DuckDB nor delta-rs
    (through newsetl, or delta-rs through anything: its tokio threads are visible by name on Linux)."""
    if _STARTED or threading.active_count() > 1:
        return False
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return True
    for t in tasks:
        try:
            with open(f"/proc/self/task/{t}/comm") as fh:
                if fh.read().startswith("tokio"):
                    return False
        except OSError:
            continue
    return True
