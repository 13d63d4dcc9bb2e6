"""Enrichment: sector tags (``sectors``) and gazetteer entities (``entities``); pure, Prefect-free.

Configuration: ``config/sectors.yaml`` (``taxonomy``) and ``config/entities.yaml`` (``entities``), paths in
``newsetl.settings.EnrichConfig``.
"""

import pyarrow as pa

from newsetl.enrich._phrases import JointIndex, article_columns
from newsetl.enrich.entities import (
    ENTITIES_SCHEMA,
    EntityMatcher,
    add_entity_rows,
    country_pairs,
    entity_rows,
    extract_entities,
    load_entities,
    salient_pairs,
)
from newsetl.enrich.sectors import (
    SECTORS_SCHEMA,
    SectorHit,
    SectorMatcher,
    add_scored_rows,
    compose_text,
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
    """``tag_sectors`` and ``extract_entities`` of the same articles in one pass: one automaton over the
    terms and the aliases scans each article once and the hits go to each matcher (the same tables as the
    two calls)."""
    ids, titles, bodies = article_columns(articles)
    srows, erows = sector_rows(), entity_rows()
    joint = _joint(sectors, entities)
    for aid, title, body in zip(ids, titles, bodies, strict=True):
        # the sectors' compose_text is the entities' entity_text (both title + "\n\n" + body; tested), so the
        # text is built once and scanned once
        text, title_len = compose_text(title, body or "")
        shits, ehits = joint.find(text)
        add_scored_rows(srows, aid, sectors.scored_rows(text, title_len, found=shits))
        add_entity_rows(erows, aid, entities.find(text, found=ehits))
    return pa.Table.from_pydict(srows, schema=SECTORS_SCHEMA), pa.Table.from_pydict(erows, schema=ENTITIES_SCHEMA)


_JOINT: dict[tuple[int, int], tuple[SectorMatcher, EntityMatcher, JointIndex]] = {}


def _joint(sectors: SectorMatcher, entities: EntityMatcher) -> JointIndex:
    """The joint automaton of two matchers (built once per pair, ~10 ms; the matchers are kept alive)."""
    key = (id(sectors), id(entities))
    hit = _JOINT.get(key)
    if hit is None or hit[0] is not sectors or hit[1] is not entities:
        if len(_JOINT) >= 8:
            _JOINT.clear()
        hit = _JOINT[key] = (sectors, entities, JointIndex([sectors.index, entities.index]))
    return hit[2]
