"""One pass over the articles (``enrich_articles``) gives exactly the tables of the two separate calls."""

from __future__ import annotations

import pyarrow as pa

from newsetl.enrich import EntityMatcher, SectorMatcher, enrich_articles, extract_entities, tag_sectors


def test_enrich_articles_equals_the_two_calls(sector_matcher: SectorMatcher, entity_matcher: EntityMatcher,
                                              samples: dict[str, str]) -> None:
    texts = [*samples.values(), "Пошлины на сталь: Минфин и ЦБ России", "پاکستان اور چین کے درمیان تجارت", ""]
    titles = [None, "Trade talks", " ", *([None] * (len(texts) - 3))]
    t = pa.table({"article_id": [f"a#{i}" for i in range(len(texts))], "title": titles, "body": texts})
    sect, ents = enrich_articles(t, sector_matcher, entity_matcher)
    assert sect.equals(tag_sectors(t, sector_matcher))
    assert ents.equals(extract_entities(t, entity_matcher))
    assert sect.num_rows > 0 and ents.num_rows > 0
