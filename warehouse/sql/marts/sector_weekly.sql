-- sector_weekly: articles per sector and ISO week (its monday); undated articles are counted under a null week.
-- An aggregation of lineage_sector_weekly (the articles each cell counts): articles and unique_stories are
-- its lineage rows (one per counted article) and their distinct story_id, so `newsetl explain` lists exactly them.
-- share = the sector's articles / all articles of the week (tagged or not), copies included in both.
with lineage as (
    select
        week,
        sector,
        article_id,
        story_id,
        mentions
    from lineage_sector_weekly
),

week_totals as (
    select
        date_trunc('week', published_date)::date as week,
        count(*) as period_articles
    from articles
    group by all
),

per_sector as (
    select
        week,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from lineage
    group by week, sector
),

final as (
    select
        p.week,
        p.sector,
        p.articles,
        p.unique_stories,
        p.mentions,
        round(p.articles / t.period_articles, 4) as share
    from per_sector as p
    inner join week_totals as t on p.week is not distinct from t.week
)

select * from final
