"""``newsetl run``'s start-up: Prefect's temporary server is started beside the set-up, a configured API is used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.startup import run_pipeline_flow, uses_temporary_server


def test_uses_temporary_server_follows_the_api_url() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert uses_temporary_server() is False
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        assert uses_temporary_server() is True


@pytest.mark.slow
def test_a_configured_api_is_used_and_no_server_started(prefect_api: None, sample_dir: Path, tmp_path: Path) -> None:
    from prefect.server.api.server import SubprocessASGIServer

    before = dict(SubprocessASGIServer._instances)
    out = run_pipeline_flow([str(sample_dir)], warehouse=str(tmp_path / "wh"))
    assert out["articles_loaded"] == 5 and out["quarantined"] == 0
    assert SubprocessASGIServer._instances == before  # the harness's server, nothing new


@pytest.mark.slow
def test_default_command_starts_and_stops_a_temporary_server(sample_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from newsetl.cli import main; rc = main(); "
         "print('server code imported:', 'prefect.server.api.server' in sys.modules, file=sys.stderr); sys.exit(rc)",
         "run",
         str(sample_dir), "--warehouse", str(tmp_path / "wh"), "--json"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(proc.stdout)
    assert res["articles_loaded"] == 5 and res["quarantined"] == 0
    assert (tmp_path / "prefect-home").is_dir()  # the temporary server's database lives there
    # the flow talked to it over HTTP: this process never imported the server's code (~1.9 s CPU)
    assert "server code imported: False" in proc.stderr
