"""Enrichment: sector tags (``sectors``) and gazetteer entities (``entities``); pure, Prefect-free.

Configuration: ``config/sectors.yaml`` (``taxonomy``) and ``config/entities.yaml`` (``entities``), paths in
``newsetl.settings.EnrichConfig``.
"""

from newsetl.enrich.entities import (
    EntityMatcher,
    country_pairs,
    extract_entities,
    load_entities,
    salient_pairs,
)
from newsetl.enrich.sectors import SectorHit, SectorMatcher, tag_sectors
from newsetl.enrich.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "EntityMatcher",
    "SectorHit",
    "SectorMatcher",
    "Taxonomy",
    "country_pairs",
    "extract_entities",
    "load_entities",
    "load_taxonomy",
    "salient_pairs",
    "tag_sectors",
]
