"""Ctrl-C under Prefect: exit 130 at once with one line, as ``newsetl run --no-prefect`` does.

A terminal sends SIGINT to its whole foreground process group. Prefect's temporary API server (started
when no ``PREFECT_API_URL`` is set) was in that group, so the same Ctrl-C stopped it, and the flow engine
then spent ~2.5 minutes retrying to report the crash to the dead API and ended in tracebacks (measured:
146 s, exit 1). So ``newsetl run``:

* starts that server itself, before the flow, in a process group of its own (``flows.tempserver``: it
  ends with newsetl, or when newsetl dies, by ``PR_SET_PDEATHSIG`` on Linux), so the engine reports the
  crash to a live API in milliseconds;
* on the first SIGINT silences logging (the engine's "Crash detected" lines and the batch tasks' failures
  are the interrupt itself, not news), ends the CPU pool's workers (they ignore SIGINT) and raises
  KeyboardInterrupt, so the run unwinds as without Prefect (lock released, nothing committed) and
  ``newsetl.cli`` prints its one line and returns 130; a second SIGINT exits 130 at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from newsetl.errors import INTERRUPTED


@contextlib.contextmanager
def interrupt_quietly(on_interrupt: Callable[[], None]) -> Iterator[None]:
    """While inside: the first SIGINT silences logging, calls ``on_interrupt`` (no locks there: it runs in
    the signal handler) and raises KeyboardInterrupt; the second exits 130 at once."""
    hits = 0

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal hits
        hits += 1
        if hits > 1:
            print(INTERRUPTED, file=sys.stderr, flush=True)
            os._exit(130)
        logging.disable(logging.CRITICAL)
        on_interrupt()
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if hits:  # the flow has unwound: its crash logging is over
            logging.disable(logging.NOTSET)
