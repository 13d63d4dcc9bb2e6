-- lineage_sector_weekly: the articles each sector_weekly cell counts, one row per (week, sector, article).
-- sector_weekly is an aggregation of this view, so a cell's articles and unique_stories are exactly the
-- distinct article_id and story_id of its rows here. Undated articles sit under a null week (weeks start on monday).
select
    date_trunc('week', published_date)::date as week,
    sector,
    article_id,
    story_id,
    mentions
from article_sector_tags
