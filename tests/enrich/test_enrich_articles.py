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


def test_joint_index_gives_each_index_its_own_hits_in_order() -> None:
    from newsetl.enrich._phrases import JointIndex, PhraseIndex, make_pattern

    # shared keys ("trade", "UN"), a prefix, an exact acronym, a key only one side has, overlapping spans
    a = PhraseIndex([make_pattern("trade", "a:trade"), make_pattern("trade talks", "a:talks"),
                     make_pattern("militar*", "a:mil"), make_pattern("UN", "a:un")])
    b = PhraseIndex([make_pattern("trade", "b:trade"), make_pattern("UN", "b:un"),
                     make_pattern("talks", "b:talks"), make_pattern("Pakistan", "b:pk")])
    empty = PhraseIndex([])
    joint = JointIndex([a, b, empty])
    texts = ["Trade talks at the UN: military trade, un-trade talks; Pakistan's militarily trade",
             "پاکِستان trade", "", "nothing here", "TRADE TALKS UN un"]
    for text in texts:
        assert joint.find(text) == [a.find(text), b.find(text), []], text
    assert joint.find(texts[0])[0] == a.find(texts[0]) != []
