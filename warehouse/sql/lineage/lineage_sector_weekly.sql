-- lineage_sector_weekly: the articles each sector_weekly cell counts, one row per (week, sector, article).
-- sector_weekly is an aggregation of this view, so a cell's articles and unique_stories are exactly the
-- distinct article_id and story_id of its rows here. Undated articles sit under a null week (weeks start on monday).
with articles_by_week as (
    select
        article_id,
        story_id,
        date_trunc('week', published_date)::date as week
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
        a.week,
        t.sector,
        t.article_id,
        a.story_id,
        t.mentions
    from tags as t
    inner join articles_by_week as a using (article_id)
)

select * from final
