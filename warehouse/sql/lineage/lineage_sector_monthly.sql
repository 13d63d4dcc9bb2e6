-- lineage_sector_monthly: the articles each sector_monthly cell counts, one row per (month, sector, article).
-- sector_monthly is an aggregation of this view, so a cell's articles and unique_stories are exactly the
-- distinct article_id and story_id of its rows here. Undated articles sit under a null month (its first day).
select
    date_trunc('month', published_date)::date as month,
    sector,
    article_id,
    story_id,
    mentions
from article_sector_tags
