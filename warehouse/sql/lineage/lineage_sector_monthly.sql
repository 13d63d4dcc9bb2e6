-- lineage_sector_monthly: the articles each sector_monthly cell counts, one row per (month, sector, article).
-- sector_monthly is an aggregation of this view, so a cell's articles and unique_stories are exactly the
-- distinct article_id and story_id of its rows here. Undated articles sit under a null month (its first day).
with articles_by_month as (
    select
        article_id,
        story_id,
        date_trunc('month', published_date)::date as month
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
        a.month,
        t.sector,
        t.article_id,
        a.story_id,
        t.mentions
    from tags as t
    inner join articles_by_month as a using (article_id)
)

select * from final
