-- sector_monthly: articles per sector and publication month (its first day); undated articles are counted under a null month.
-- An aggregation of lineage_sector_monthly (the articles each cell counts): articles and unique_stories are
-- its lineage rows (one per counted article) and their distinct story_id, so `newsetl explain` lists exactly them.
-- share = the sector's articles / all articles of the month (tagged or not), copies included in both.
with lineage as (
    select
        month,
        sector,
        article_id,
        story_id,
        mentions
    from lineage_sector_monthly
),

month_totals as (
    select
        date_trunc('month', published_date)::date as month,
        count(*) as period_articles
    from articles
    group by all
),

per_sector as (
    select
        month,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from lineage
    group by month, sector
),

final as (
    select
        p.month,
        p.sector,
        p.articles,
        p.unique_stories,
        p.mentions,
        round(p.articles / t.period_articles, 4) as share
    from per_sector as p
    inner join month_totals as t on p.month is not distinct from t.month
)

select * from final
