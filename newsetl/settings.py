"""Typed configuration, validated at the edge.

The one place that reads the environment and the optional YAML config file (``--config`` or
``NEWSETL_CONFIG``). Every other module receives a ``Settings`` (or a part of it) as an argument.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from newsetl.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = "warehouse-data"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestConfig(_Model):
    """How source files are read."""

    max_file_bytes: int = Field(200 * 1024 * 1024, gt=0, description="larger files are quarantined")
    max_decompressed_bytes: int = Field(256 * 1024 * 1024, gt=0, description="gzip bomb guard")
    follow_symlinks_outside_root: bool = False
    # user mapping of structured-input field names: canonical key -> list of source field names
    field_map: dict[str, list[str]] = Field(default_factory=dict)
    include_hidden: bool = False


class DedupConfig(_Model):
    """Near-duplicate detection parameters (MinHash + LSH banding)."""

    shingle_size: int = Field(5, ge=1, le=12)
    num_perm: int = Field(128, ge=16, le=1024)
    bands: int = Field(32, ge=1)
    threshold: float = Field(0.6, gt=0.0, le=1.0, description="Jaccard to call two articles one story")
    containment_threshold: float = Field(0.85, gt=0.0, le=1.0, description="share of the shorter text found in the longer")
    min_words: int = Field(30, ge=1, description="shorter bodies are only deduplicated exactly")
    seed: int = 1

    @model_validator(mode="after")
    def _bands_divide(self) -> DedupConfig:
        if self.num_perm % self.bands:
            raise ValueError(f"dedup.bands ({self.bands}) must divide dedup.num_perm ({self.num_perm})")
        return self


class EnrichConfig(_Model):
    taxonomy: Path = REPO_ROOT / "config" / "sectors.yaml"
    entities: Path = REPO_ROOT / "config" / "entities.yaml"
    embeddings: bool = Field(False, description="second classifier with a packaged embedding model")


class StorageConfig(_Model):
    """How the Delta tables are kept: time travel, vacuum and compaction."""

    retention_hours: float = Field(
        168.0, ge=0, description="files a newer Delta version replaced are kept this long (readers of older "
        "versions, time travel); then vacuum removes them")
    compact_target_mb: int = Field(64, ge=1, description="compaction merges a partition's smaller files up to this size")
class ExtractConfig(_Model):
    """How titles, dates and bodies are read (source knowledge, junk threshold, learned title affixes)."""

    sources: Path = REPO_ROOT / "config" / "sources.yaml"
    min_body_words: int = Field(25, ge=0, description="shorter bodies (after cleaning) are quarantined as too_short")
    learn_title_affixes: bool = Field(True, description="strip title segments that repeat across a source's titles")
    affix_min_count: int = Field(3, ge=2, description="distinct titles an affix must end to be learned")
    affix_min_share: float = Field(0.02, ge=0.0, le=1.0, description="share of the source's titles it must end")


def default_workers() -> int:
    """Both cores (up to 4) for the CPU-bound steps unless told otherwise."""
    return max(1, min(4, os.cpu_count() or 1))


class Settings(_Model):
    """Everything a run needs to know besides its sources."""

    warehouse: str = DEFAULT_WAREHOUSE
    batch_size: int = Field(4000, ge=1, description="files per batch (also capped at 16 MB of input)")
    workers: int = Field(default_factory=default_workers, ge=1, description="processes for the CPU-bound steps")
    ingest: IngestConfig = IngestConfig()
    dedup: DedupConfig = DedupConfig()
    enrich: EnrichConfig = EnrichConfig()
    storage: StorageConfig = StorageConfig()
    extract: ExtractConfig = ExtractConfig()
    validate_data_docs: bool = True

    def with_overrides(self, **kw: Any) -> Settings:
        data = self.model_dump()
        data.update({k: v for k, v in kw.items() if v is not None})
        return Settings.model_validate(data)


def load_settings(config_path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Read the YAML config (if any), then apply command-line overrides; raise ConfigError with the fix."""
    path = config_path or os.environ.get("NEWSETL_CONFIG")
    data: dict[str, Any] = {}
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file {p} does not exist: pass an existing YAML file to --config")
        loaded = read_yaml_file(p, "config file", "check its permissions") or {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {p} must hold a mapping of settings, not {type(loaded).__name__}")
        data.update(_without_empty_keys(loaded))
    if "NEWSETL_WAREHOUSE" in os.environ and overrides.get("warehouse") is None:
        data.setdefault("warehouse", os.environ["NEWSETL_WAREHOUSE"])
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        where = f"config file {path}" if path else "settings"
        raise ConfigError(f"invalid {where}: {_validation_summary(exc)}; fix it (every setting is described in "
                          f"config/newsetl.example.yaml)") from exc


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)`` through libyaml's C parser when PyYAML has it (~8x faster: 14 ms instead
    of 108 ms for config/sectors.yaml, read by every worker). Text that does not parse is parsed again by
    the pure-Python loader, so the error (a ``yaml.YAMLError``) quotes the offending line."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(text, Loader=loader)  # CSafeLoader: the safe loader, in C
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def read_yaml_file(path: Path, what: str, fix: str) -> Any:
    """The YAML value of the config file ``path`` (``load_yaml``); a file that cannot be read, is not UTF-8
    or is not YAML raises ``ConfigError`` naming ``what`` it is, the file and the fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} {path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset "
                          f"{exc.start}): save it as UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{what} {path} cannot be read ({exc.strerror or exc}): {fix}") from exc
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what} {path} is not valid YAML: {_one_line(str(exc))}") from exc


def _without_empty_keys(d: dict[str, Any]) -> dict[str, Any]:
    """The YAML mapping without keys left empty (``field_map:`` with only comments under it reads as null):
    a key given no value means its default, as if it were not there."""
    return {k: _without_empty_keys(v) if isinstance(v, dict) else v for k, v in d.items() if v is not None}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _validation_summary(exc: ValidationError) -> str:
    """pydantic's errors as ``key.path: message (got value)``, one after the other on one line."""
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
        got = f" (got {e['input']!r})" if "input" in e and not isinstance(e["input"], dict) else ""
        parts.append(f"{loc}: {e['msg']}{got}")
    return "; ".join(parts)


QUIET_DEFAULTS = {
    # no phoning home, no banners; a user's own settings win (setdefault)
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    "TQDM_DISABLE": "1",
}


def quiet_environment() -> None:
    """Set the environment defaults newsetl runs with (telemetry off, quiet logs)."""
    for k, v in QUIET_DEFAULTS.items():
        os.environ.setdefault(k, v)


def strict_errors() -> bool:
    """``$NEWSETL_STRICT=1``: re-raise unexpected exceptions instead of quarantining the record or file.

    A run must survive a bug in one record (it becomes an ``internal_error`` quarantine row), but a test
    suite must not: ``tests/conftest.py`` sets it, so an unexpected exception fails the test.
    """
    return os.environ.get("NEWSETL_STRICT", "") not in ("", "0")
