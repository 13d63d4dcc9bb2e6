-- lineage_sector_daily: the articles each sector_daily cell counts, one row per (day, sector, article).
-- sector_daily is an aggregation of this view, so a cell's articles and unique_stories are exactly the
-- distinct article_id and story_id of its rows here. Undated articles sit under a null day.
select
    published_date as day,
    sector,
    article_id,
    story_id,
    mentions
from article_sector_tags
