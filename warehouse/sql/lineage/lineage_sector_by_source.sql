-- lineage_sector_by_source: the articles each sector_by_source cell counts, one row per (source, sector,
-- article). source = source_name, else source_domain, else 'unknown' (blank names count as missing).
select
    source,
    sector,
    article_id,
    story_id,
    mentions
from article_sector_tags
