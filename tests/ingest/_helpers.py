"""Shared helpers of the ingest tests."""

from __future__ import annotations

from pathlib import Path

from newsetl.ingest import read_bytes
from newsetl.model import RawDoc, Rejection
from newsetl.settings import IngestConfig

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def read_fixture(name: str, cfg: IngestConfig | None = None) -> tuple[list[RawDoc], list[Rejection]]:
    path = FIXTURES / name
    return read_bytes(path.resolve().as_posix(), path.read_bytes(), cfg or IngestConfig())


def only_rejection(name: str, cfg: IngestConfig | None = None) -> Rejection:
    docs, rejects = read_fixture(name, cfg)
    assert docs == []
    assert len(rejects) == 1, rejects
    assert rejects[0].stage == "ingest"
    return rejects[0]


def only_doc(name: str, cfg: IngestConfig | None = None) -> RawDoc:
    docs, rejects = read_fixture(name, cfg)
    assert rejects == []
    assert len(docs) == 1, docs
    return docs[0]
