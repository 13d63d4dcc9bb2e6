"""prefect.yaml: the deployments parse as Prefect 3 config, point at the flows, and their parameters validate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.cli.deploy._models import PrefectYamlModel
from prefect.flows import load_flow_from_entrypoint
from pydantic import ValidationError

from flows.backfill import BackfillParams
from flows.pipeline import PipelineParams

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> PrefectYamlModel:
    return PrefectYamlModel.model_validate(yaml.safe_load((REPO / "prefect.yaml").read_text()))


def _by_name(config: PrefectYamlModel) -> dict[str, Any]:
    return {d.name: d for d in config.deployments}


def test_deployments_and_work_pool(config: PrefectYamlModel) -> None:
    deps = _by_name(config)
    assert set(deps) == {"daily", "backfill", "rebuild"}
    for d in deps.values():
        assert d.work_pool.name == "newsetl-process"
        assert d.enforce_parameter_schema is True
        assert d.concurrency_limit.limit == 1 and d.concurrency_limit.collision_strategy == "ENQUEUE"
        env = d.work_pool.job_variables["env"]
        assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and env["DO_NOT_TRACK"] == "1"
    (sched,) = deps["daily"].schedules
    assert (sched.cron, sched.timezone) == ("0 6 * * *", "Asia/Karachi")
    assert not deps["backfill"].schedules and not deps["rebuild"].schedules


def test_pull_step_sets_the_repo_root(config: PrefectYamlModel) -> None:
    (build,) = config.build
    assert build["prefect.deployments.steps.run_shell_script"] == {"id": "repo-root", "script": "pwd",
                                                                   "stream_output": False}
    (pull,) = config.pull
    assert pull == {"prefect.deployments.steps.set_working_directory": {"directory": "{{ repo-root.stdout }}"}}


def test_entrypoints_load_and_parameters_validate(config: PrefectYamlModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    names = {"daily": "newsetl-pipeline", "backfill": "newsetl-backfill", "rebuild": "newsetl-rebuild"}
    for d in config.deployments:
        fl = load_flow_from_entrypoint(d.entrypoint)
        assert fl.name == names[d.name]
        fl.validate_parameters(dict(d.parameters))  # raises on a wrong name or type
    daily = _by_name(config)["daily"].parameters
    assert daily["sources"] == ["data/sample"] and daily["warehouse"] == "warehouse-data"
    assert (REPO / daily["sources"][0]).is_dir()


def test_params_are_validated() -> None:
    assert PipelineParams(sources=["data/sample"]).workers is None
    with pytest.raises(ValidationError):
        PipelineParams(sources=[])
    with pytest.raises(ValidationError):
        PipelineParams(sources=["x"], workers=0)
    with pytest.raises(ValidationError):
        PipelineParams(sources=["x"], runner="spark")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="before start"):
        BackfillParams(paths=["x"], start="2024-02-01", end="2024-01-01")  # type: ignore[arg-type]
