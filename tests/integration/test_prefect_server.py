"""The deployments of prefect.yaml on a real Prefect server and process worker, end to end.

Starts ``prefect server`` (SQLite under tmp_path) on a free loopback port, creates the process work
pool, runs ``prefect deploy --all``, starts a worker, triggers the ``daily`` deployment on the bundled
sample with the warehouse overridden to tmp_path, waits for Completed, then checks the warehouse
(5 articles, via ``newsetl sql``) and the run's markdown artifact through the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow

POOL = "newsetl-process"
RUN_TIMEOUT = 300


def _env(home: Path, api: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",  # no cron runs of `daily` during the test
        "PREFECT_CLI_PROMPT": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "TQDM_DISABLE": "1",
    })
    env.pop("NEWSETL_WAREHOUSE", None)
    env.pop("NEWSETL_CONFIG", None)
    return env


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _trigger_and_wait(api: str, params: dict[str, object]) -> tuple[str, str, list[str]]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api}):
        async with get_client() as client:
            dep = await client.read_deployment_by_name("newsetl-pipeline/daily")
            assert dep.parameters["sources"] == ["data/sample"]
            assert dep.schedules and dep.schedules[0].schedule.timezone == "Asia/Karachi"
            fr = await client.create_flow_run_from_deployment(dep.id, parameters=params)
            deadline = time.monotonic() + RUN_TIMEOUT
            while True:
                fr = await client.read_flow_run(fr.id)
                if fr.state and fr.state.is_final():
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"flow run {fr.id} still {fr.state_name} after {RUN_TIMEOUT} s")
                await asyncio.sleep(1)
            arts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[fr.id])))
            return str(fr.id), fr.state_name or "", [a.data for a in arts if a.type == "markdown"]


def test_daily_deployment_runs_on_a_worker(tmp_path: Path, procs: Any, tools: Any) -> None:
    exe, run, wait_until, REPO = tools.exe, tools.run, tools.wait_until, tools.REPO
    t_start = time.monotonic()
    port = tools.free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = _env(tmp_path / "prefect-home", api)
    warehouse = tmp_path / "wh"
    prefect = exe("prefect")
    with contextlib.nullcontext():  # every process is killed by the procs fixture
        server = procs.start("server", [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env)
        wait_until(lambda: _healthy(api) or server.poll() is not None, 120, "the Prefect server")
        assert server.poll() is None, procs.log("server")
        t_server = time.monotonic()

        run([prefect, "work-pool", "create", POOL, "--type", "process"], env)
        out = run([prefect, "--no-prompt", "deploy", "--all"], env, timeout=180)
        assert "newsetl-pipeline/daily" in out, out
        t_deploy = time.monotonic()

        procs.start("worker", [prefect, "worker", "start", "--pool", POOL, "--type", "process"], env)
        flow_run_id, state, markdown = asyncio.run(
            _trigger_and_wait(api, {"warehouse": str(warehouse), "wait_seconds": 0}))
        t_run = time.monotonic()
        assert state == "Completed", f"flow run {flow_run_id} ended {state}\n{procs.log('worker')}"

        n = run([exe("newsetl"), "sql", "--warehouse", str(warehouse), "--format", "json",
                 "select count(*) as n, count(distinct source_uri) as files from articles"], env)
        assert json.loads(n) == [{"n": 5, "files": 5}]
        # the relative default source was resolved from the repository root (pull step)
        uris = run([exe("newsetl"), "sql", "--warehouse", str(warehouse), "--format", "json",
                    "select distinct source_uri from articles order by 1"], env)
        assert all(u["source_uri"].startswith(str(REPO / "data" / "sample")) for u in json.loads(uris))

        assert markdown, "the run published no markdown artifact"
        md = markdown[0]
        assert "| 5 " in md.split("## Top sectors")[0]  # files seen/read, articles loaded
        # the artifact shows the warehouse path as literal Markdown (flows.reporting.md escapes `_` and co.)
        from flows.reporting import md as md_cell

        assert "## Top sectors" in md and "## Where to look" in md and md_cell(str(warehouse)) in md
        print(f"\ntimings: server {t_server - t_start:.1f}s, work pool + deploy {t_deploy - t_server:.1f}s, "
              f"flow run {t_run - t_deploy:.1f}s, total {time.monotonic() - t_start:.1f}s")
