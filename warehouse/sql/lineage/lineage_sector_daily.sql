-- lineage_sector_daily: the articles each sector_daily cell counts, one row per (day, sector, article).
-- sector_daily is an aggregation of this view, so a cell's articles and unique_stories are exactly the
-- distinct article_id and story_id of its rows here. Undated articles sit under a null day.
with articles_by_day as (
    select
        article_id,
        story_id,
        published_date as day
    from articles
),

tags as (
    select
        article_id,
        sector,
        mentions
    from article_sectors
),

final as (
    select
        a.day,
        t.sector,
        t.article_id,
        a.story_id,
        t.mentions
    from tags as t
    inner join articles_by_day as a using (article_id)
)

select * from final
