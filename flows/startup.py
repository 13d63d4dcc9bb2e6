"""``newsetl run``'s way into the pipeline flow: the fixed costs of a run paid side by side.

Without ``PREFECT_API_URL`` (or a profile's ``api.url``), Prefect starts a temporary API server the first
time the flow needs a client: it imports the server application (~1.5 s CPU in this process), starts it
in a subprocess and waits for its health check (~2.5 s). :func:`run_pipeline_flow` starts that server in
a thread while this thread does the run's own set-up (the GX, trafilatura ... imports, the sector and
entity matchers, the GX suites, the language model: ``warm_imports``), so the two overlap; then it calls
the flow, which finds the server running (Prefect keeps one temporary server per process). With
``PREFECT_API_URL`` set, the flow talks to that server and nothing is started.

On the temporary server, flow-run heartbeats are off: they exist to detect crashed runs from a server
that outlives them, and stopping each heartbeat thread costs up to a second per flow run at its end.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from newsetl.settings import Settings, load_settings, quiet_environment


def uses_temporary_server() -> bool:
    """True when the flow would start Prefect's temporary API server (no API URL configured)."""
    from prefect.settings import get_current_settings

    return not get_current_settings().api.url  # the test Prefect's get_client makes


def start_temporary_server() -> threading.Thread:
    """Start Prefect's temporary API server in a daemon thread; join the thread before calling a flow.

    A failure is left for Prefect to report: the flow's own client start tries again and raises."""

    def start() -> None:
        with contextlib.suppress(Exception):
            from prefect.server.api.server import SubprocessASGIServer

            SubprocessASGIServer().start()

    t = threading.Thread(target=start, name="newsetl-prefect-server-start", daemon=True)
    t.start()
    return t


@contextlib.contextmanager
def _no_heartbeats() -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def warm(settings: Settings) -> None:
    """The run's per-process set-up, done before the flow (the batches and the forked pool use it)."""
    from newsetl.run.local import warm_imports

    warm_imports(settings)


def run_pipeline_flow(sources: list[str], *, config: str | None = None, warehouse: str | None = None,
                      workers: int | None = None, batch_size: int | None = None, **params: Any) -> dict[str, Any]:
    """``flows.pipeline.newsetl_pipeline`` with the temporary server started alongside the set-up."""
    quiet_environment()
    settings = load_settings(config, warehouse=warehouse, workers=workers, batch_size=batch_size)
    temporary = uses_temporary_server()
    starter = start_temporary_server() if temporary else None
    from flows.pipeline import newsetl_pipeline

    warm(settings)
    if starter is not None:
        starter.join()
    with _no_heartbeats() if temporary else contextlib.nullcontext():
        out: dict[str, Any] = newsetl_pipeline(sources=list(sources), warehouse=warehouse, config=config,
                                               workers=workers, batch_size=batch_size, **params)
    return out
