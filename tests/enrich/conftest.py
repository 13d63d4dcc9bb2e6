"""Shared fixtures of the enrichment tests: the shipped taxonomy, gazetteer and sample articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsetl.enrich.entities import EntityMatcher, load_entities
from newsetl.enrich.sectors import SectorMatcher
from newsetl.enrich.taxonomy import Taxonomy, load_taxonomy
from newsetl.settings import EnrichConfig

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(EnrichConfig().taxonomy)


@pytest.fixture(scope="session")
def sector_matcher(taxonomy: Taxonomy) -> SectorMatcher:
    return SectorMatcher(taxonomy)


@pytest.fixture(scope="session")
def entity_matcher() -> EntityMatcher:
    return EntityMatcher(load_entities(EnrichConfig().entities))


@pytest.fixture(scope="session")
def samples() -> dict[str, str]:
    """'000' -> file text of data/sample/000_*.txt (the whole file is the body for these tests)."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))}
