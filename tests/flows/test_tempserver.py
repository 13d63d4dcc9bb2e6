"""``flows.tempserver``: the temporary Prefect API server ``newsetl run`` starts, waits for and stops."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from flows.tempserver import PORT_IN_USE, TemporaryServer
from newsetl.errors import OrchestratorError

# a stand-in server: exits PORT_IN_USE when a marker file does not exist yet (creating it), else answers
# GET /api/health with 200 on the port it is given
STAND_IN = """
import http.server, os, sys
marker, port = sys.argv[1], int(sys.argv[2])
if not os.path.exists(marker):
    open(marker, "w").close()
    sys.exit({code})
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404); self.end_headers(); self.wfile.write(b"true")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
"""


class StandIn(TemporaryServer):
    def __init__(self, script: str, marker: Path) -> None:
        super().__init__()
        self.script, self.marker = script, marker
        self.ports: list[int] = []

    def _command(self) -> list[str]:
        assert self.port is not None
        self.ports.append(self.port)
        return [sys.executable, "-c", self.script, str(self.marker), str(self.port)]


def test_a_port_taken_before_the_server_binds_it_is_retried_on_another(tmp_path: Path) -> None:
    srv = StandIn(STAND_IN.format(code=PORT_IN_USE), tmp_path / "marker")
    srv.spawn()
    try:
        url = srv.wait(timeout=60)
        assert len(srv.ports) == 2  # the first process exited "port in use", the second answers
        assert url == f"http://127.0.0.1:{srv.ports[1]}/api"
        proc = srv.proc
    finally:
        srv.stop()
    assert proc is not None and proc.returncode is not None and srv.proc is None  # stopped and reaped


def test_a_server_that_exits_is_one_error_naming_the_ways_out(tmp_path: Path) -> None:
    srv = StandIn(STAND_IN.format(code=7), tmp_path / "marker")
    srv.spawn()
    with pytest.raises(OrchestratorError) as err:
        srv.wait(timeout=60)
    msg = str(err.value)
    assert "exited with status 7" in msg and "--no-prefect" in msg and "PREFECT_API_URL" in msg


def test_a_server_that_never_answers_is_stopped_and_named(tmp_path: Path) -> None:
    srv = StandIn("import time; time.sleep(600)", tmp_path / "marker")
    srv.spawn()
    proc = srv.proc
    with pytest.raises(OrchestratorError, match=r"did not answer within 0\.5 s"):
        srv.wait(timeout=0.5)
    assert proc is not None and proc.returncode is not None  # not left running


def test_the_real_server_answers_and_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    srv = TemporaryServer()
    srv.spawn()
    try:
        url = srv.wait(timeout=120)
        assert url == f"http://127.0.0.1:{srv.port}/api"
        import urllib.request

        with urllib.request.urlopen(f"{url}/health", timeout=10) as r:
            assert r.status == 200
        proc = srv.proc
    finally:
        srv.stop()
    assert proc is not None and proc.returncode is not None
