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


def _prefect_says(env: dict[str, str], cwd: Path) -> bool:
    """``uses_temporary_server()`` as Prefect answers it in a fresh process with ``env`` in ``cwd``."""
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", "from flows.startup import uses_temporary_server; print(uses_temporary_server())"],
        capture_output=True, text=True, env={**env, "PYTHONPATH": str(repo)}, cwd=cwd, timeout=120, check=True)
    return proc.stdout.strip() == "True"


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PREFECT_")}
    return {**env, "PREFECT_HOME": str(home)}


PROFILES = {
    "none": None,  # no profiles.toml: Prefect's default profile (ephemeral)
    "local": 'active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n',
    "ephemeral": 'active = "mine"\n[profiles.mine]\nPREFECT_SERVER_EPHEMERAL_ENABLED = "true"\n',
    "disabled": 'active = "mine"\n[profiles.mine]\nprefect_server_ephemeral_enabled = "false"\n',
    "unknown active": 'active = "gone"\n[profiles.mine]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n',
}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_the_early_answer_is_prefects_own(profile: str, tmp_path: Path) -> None:
    from flows.tempserver import needed_before_prefect

    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    if PROFILES[profile] is not None:
        (home / "profiles.toml").write_text(PROFILES[profile])
    env = _clean_env(home)
    expected = {"none": True, "local": False, "ephemeral": True, "disabled": False, "unknown active": True}[profile]
    assert needed_before_prefect(env, cwd) is expected
    assert _prefect_says(env, cwd) is expected


def test_an_api_url_in_the_environment_means_no_server_whatever_the_profile(tmp_path: Path) -> None:
    from flows.tempserver import needed_before_prefect

    (tmp_path / "profiles.toml").write_text(PROFILES["ephemeral"])
    env = {**_clean_env(tmp_path), "prefect_api_url": "http://127.0.0.1:9/api"}  # Prefect reads any case
    assert needed_before_prefect(env, tmp_path) is False
    assert _prefect_says(env, tmp_path) is False


@pytest.mark.parametrize("where", [".env", "prefect.toml", "pyproject.toml", "PREFECT_PROFILE"])
def test_other_sources_of_settings_leave_the_answer_to_prefect(where: str, tmp_path: Path) -> None:
    from flows.tempserver import needed_before_prefect

    env = _clean_env(tmp_path)
    if where == "PREFECT_PROFILE":
        env["PREFECT_PROFILE"] = "local"
    elif where == "pyproject.toml":
        (tmp_path / where).write_text('[tool.prefect]\napi.url = "http://127.0.0.1:9/api"\n')
    else:
        (tmp_path / where).write_text("PREFECT_API_URL=http://127.0.0.1:9/api\n" if where == ".env"
                                      else '[api]\nurl = "http://127.0.0.1:9/api"\n')
    assert needed_before_prefect(env, tmp_path) is None
    # a pyproject.toml without a [tool.prefect] table is not a source of Prefect settings
    if where == "pyproject.toml":
        (tmp_path / where).write_text('[project]\nname = "x"\n')
        assert needed_before_prefect(env, tmp_path) is True


def test_an_early_server_is_stopped_when_prefect_says_an_api_is_configured(
        monkeypatch: pytest.MonkeyPatch, sample_dir: Path, tmp_path: Path) -> None:
    """A wrong early answer costs a server started and stopped, never a run on the wrong API."""
    import flows.startup as startup
    import flows.tempserver as tempserver

    spawned: list[tempserver.TemporaryServer] = []

    class Recording(tempserver.TemporaryServer):
        def spawn(self, *, settings_env: bool = True) -> None:
            spawned.append(self)
            super().spawn(settings_env=settings_env)

    monkeypatch.setattr(tempserver, "needed_before_prefect", lambda *a, **k: True)
    monkeypatch.setattr(tempserver, "TemporaryServer", Recording)
    monkeypatch.setattr(startup, "uses_temporary_server", lambda: False)
    monkeypatch.setattr("flows.pipeline.newsetl_pipeline", lambda **kw: {"ran": kw["sources"]})
    monkeypatch.setattr("flows.pipeline.uses_cpu_pool", lambda *a: False)
    out = run_pipeline_flow([str(sample_dir)], warehouse=str(tmp_path / "wh"))
    assert out == {"ran": [str(sample_dir)]}
    assert len(spawned) == 1 and spawned[0].proc is None  # started early, then stopped before the flow ran
