"""Enrichment: sector tags (``sectors``) and gazetteer entities (``entities``); pure, Prefect-free.

Configuration: ``config/sectors.yaml`` (``taxonomy``) and ``config/entities.yaml`` (``entities``), paths in
``newsetl.settings.EnrichConfig``.
"""

import pyarrow as pa

from newsetl.enrich._phrases import article_columns
from newsetl.enrich.entities import (
    ENTITIES_SCHEMA,
    EntityMatcher,
    add_entity_rows,
    country_pairs,
    entity_rows,
    entity_text,
    extract_entities,
    load_entities,
    salient_pairs,
)
from newsetl.enrich.sectors import (
    SECTORS_SCHEMA,
    SectorHit,
    SectorMatcher,
    add_sector_rows,
    sector_rows,
    tag_sectors,
)
from newsetl.enrich.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "EntityMatcher",
    "SectorHit",
    "SectorMatcher",
    "Taxonomy",
    "country_pairs",
    "enrich_articles",
    "extract_entities",
    "load_entities",
    "load_taxonomy",
    "salient_pairs",
    "tag_sectors",
]


def enrich_articles(articles: pa.Table, sectors: SectorMatcher, entities: EntityMatcher) -> tuple[pa.Table, pa.Table]:
    """``tag_sectors`` and ``extract_entities`` of the same articles in one pass: both matchers search an
    article one after the other, so its text is folded once (the same tables as the two calls)."""
    ids, titles, bodies = article_columns(articles)
    srows, erows = sector_rows(), entity_rows()
    for aid, title, body in zip(ids, titles, bodies, strict=True):
        add_sector_rows(srows, aid, sectors.tag(title, body or "", all_scores=True))
        add_entity_rows(erows, aid, entities.find(entity_text(title, body)))
    return pa.Table.from_pydict(srows, schema=SECTORS_SCHEMA), pa.Table.from_pydict(erows, schema=ENTITIES_SCHEMA)
