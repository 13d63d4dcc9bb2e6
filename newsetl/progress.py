"""A terminal progress display for long runs (rich), passed to ``run_pipeline(progress=...)``.

``run_pipeline`` calls ``progress(stage, done, total)`` after each batch of a stage (``process``,
``dedup``). The display shows one line per stage: a bar, batches done / total, files and articles done
(when the caller passes them as ``files=`` / ``articles=``, cumulative), the rate, elapsed time and ETA.
It is off when stdout is not a terminal (pipes, CI logs, ``--json``), so output stays clean.

    from newsetl.progress import progress_display

    with progress_display() as progress:          # None when stdout is not a TTY
        res = run_pipeline(sources, settings, progress=progress)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["RichProgress", "progress_display"]


def _rate(n: float, seconds: float) -> str:
    if seconds <= 0 or n <= 0:
        return ""
    r = n / seconds
    return f"{r:,.0f}/s" if r >= 10 else f"{r:,.1f}/s"


class RichProgress:
    """Callable ``(stage, done, total, *, files=None, articles=None)`` drawing a rich progress display.

    Stages appear in the order they report; a stage's ETA comes from its batches' average pace.
    """

    def __init__(self, console: Console | None = None, transient: bool = False) -> None:
        self.console = console or Console(stderr=False)
        self._progress = Progress(
            TextColumn("[bold]{task.description:<8}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("batches"),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=transient,
            refresh_per_second=4,
        )
        self._tasks: dict[str, TaskID] = {}
        self._started: dict[str, float] = {}
        self._running = False
        self._mark = time.monotonic()  # when the current stage began (display start, or previous stage done)

    def start(self) -> None:
        if not self._running:
            self._mark = time.monotonic()
            self._progress.start()
            self._running = True

    def stop(self) -> None:
        if self._running:
            self._progress.stop()
            self._running = False

    def __enter__(self) -> RichProgress:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def info(self, stage: str, done: int, files: int | None, articles: int | None) -> str:
        """The text after the bar: files, articles and the rate (articles/s when known, else batches/s)."""
        secs = time.monotonic() - self._started.get(stage, time.monotonic())
        parts = []
        if files is not None:
            parts.append(f"{files:,} files")
        if articles is not None:
            parts.append(f"{articles:,} articles")
            rate = _rate(articles, secs)
            if rate:
                parts.append(rate.replace("/s", " art/s"))
        else:
            rate = _rate(done, secs)
            if rate:
                parts.append(rate.replace("/s", " batch/s"))
        return ", ".join(parts)

    def __call__(self, stage: str, done: int, total: int, *, files: int | None = None,
                 articles: int | None = None) -> None:
        self.start()
        if stage not in self._tasks:
            self._started[stage] = self._mark
            self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1), info="")
            task = self._progress.tasks[-1]
            task.start_time = self._progress.get_time() - (time.monotonic() - self._mark)
        self._progress.update(self._tasks[stage], completed=done, total=max(total, 1),
                              info=self.info(stage, done, files, articles))
        if done >= total:
            self._mark = time.monotonic()


@contextmanager
def progress_display(enabled: bool | None = None, stream: TextIO | None = None,
                     **kw: Any) -> Iterator[RichProgress | None]:
    """Yield a started ``RichProgress`` (stopped on exit), or ``None`` when disabled.

    ``enabled=None`` means "only when ``stream`` (default stdout) is a terminal".
    """
    out = stream or sys.stdout
    if enabled is None:
        enabled = out.isatty()
    if not enabled:
        yield None
        return
    p = RichProgress(Console(file=out), **kw)
    try:
        with p:
            yield p
    finally:
        p.stop()
