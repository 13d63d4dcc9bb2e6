-- sector_daily: articles per sector and publication day; undated articles are counted under a null day.
-- An aggregation of lineage_sector_daily (the articles each cell counts): articles and unique_stories are
-- its lineage rows (one per counted article) and their distinct story_id, so `newsetl explain` lists exactly them.
-- share = the sector's articles / all articles of the day (tagged or not), copies included in both.
with lineage as (
    select
        day,
        sector,
        article_id,
        story_id,
        mentions
    from lineage_sector_daily
),

day_totals as (
    select
        published_date as day,
        count(*) as period_articles
    from articles
    group by all
),

per_sector as (
    select
        day,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from lineage
    group by day, sector
),

final as (
    select
        p.day,
        p.sector,
        p.articles,
        p.unique_stories,
        p.mentions,
        round(p.articles / t.period_articles, 4) as share
    from per_sector as p
    inner join day_totals as t on p.day is not distinct from t.day
)

select * from final
