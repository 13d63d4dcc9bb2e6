"""``newsetl run``'s way into the pipeline flow: the fixed costs of a run paid once, in a fork-safe order.

1. Without ``PREFECT_API_URL`` (or a profile's ``api.url``), Prefect's temporary API server is spawned first,
   before the rest of Prefect is imported (``flows.tempserver``: in a process group of its own, ending with
   newsetl), and before even ``prefect.settings`` when the environment and the profile file tell
   (``flows.tempserver.needed_before_prefect``; Prefect's own answer is checked right after). With an API configured, nothing is started. The server is waited for after step 2: it
   starts while this process builds its set-up, and the flow then gets its URL as ``PREFECT_API_URL``
   (so this process never imports the server's code).
2. The CPU pool is forked now, while this process runs no other thread (``flows.pipeline.start_cpu_pool``),
   after this process has built what every batch needs once (matchers, GX suites and context, language
   model: ``newsetl.run.local.warm_imports(settings)``), so the workers inherit it instead of each
   building its own.
3. The flow runs; on the temporary server flow-run heartbeats are off: they exist to detect crashed runs
   from a server that outlives them, and stopping each heartbeat thread costs up to a second per flow run.
   The server is stopped when the flow ends (or fails).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from newsetl.settings import load_settings, quiet_environment


def uses_temporary_server() -> bool:
    """True when the flow would start Prefect's temporary API server (no API URL configured)."""
    from prefect.settings import get_current_settings

    current = get_current_settings()
    return not current.api.url and bool(current.server.ephemeral.enabled)  # the test Prefect's get_client makes


@contextlib.contextmanager
def _on_temporary_server(api_url: str) -> Iterator[None]:
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def run_pipeline_flow(sources: list[str], *, config: str | None = None, warehouse: str | None = None,
                      workers: int | None = None, batch_size: int | None = None, runner: Any = None,
                      dask_address: str | None = None, **params: Any) -> dict[str, Any]:
    """``flows.pipeline.newsetl_pipeline`` after the start-up above (what ``newsetl run`` calls)."""
    from flows.tempserver import TemporaryServer, needed_before_prefect

    quiet_environment()
    settings = load_settings(config, warehouse=warehouse, workers=workers, batch_size=batch_size)
    server: TemporaryServer | None = None
    try:
        if needed_before_prefect():
            # sure from the environment and the profile alone: spawned before Prefect's settings are even
            # imported (~0.6 s), so it starts on the other core while this process imports Prefect and builds
            # its set-up, which it otherwise outlasted (measured: 0.7-0.9 s of wait)
            server = TemporaryServer()
            server.spawn(settings_env=False)
        if uses_temporary_server() != (server is not None):  # Prefect's own answer (needs prefect.settings)
            if server is None:
                server = TemporaryServer()
                server.spawn()  # before the rest of Prefect is imported (~0.5-1.3 s more)
            else:  # an API is configured after all: the early server is not needed
                server.stop()
                server = None
        from flows.interrupt import interrupt_quietly
        from flows.pipeline import newsetl_pipeline, start_cpu_pool, stop_cpu_pool, uses_cpu_pool

        if uses_cpu_pool(runner, settings.workers, dask_address):
            start_cpu_pool(settings.workers, settings)  # forked now, before Prefect starts its threads
        on_server = _on_temporary_server(server.wait()) if server is not None else contextlib.nullcontext()
        with interrupt_quietly(stop_cpu_pool), on_server:
            out: dict[str, Any] = newsetl_pipeline(sources=list(sources), warehouse=warehouse, config=config,
                                                   workers=workers, batch_size=batch_size, runner=runner,
                                                   dask_address=dask_address, **params)
    finally:
        if server is not None:
            server.stop()
    return out
