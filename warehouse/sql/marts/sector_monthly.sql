-- sector_monthly: articles per sector and publication month (its first day); undated articles under a null month
with dated_articles as (
    select article_id, story_id, date_trunc('month', published_date)::date as month
    from articles
),

period_totals as (
    select month, count(*) as period_articles
    from dated_articles
    group by month
),

tagged as (
    select a.month, s.sector, a.article_id, a.story_id, s.mentions
    from article_sectors as s
    inner join dated_articles as a using (article_id)
),

per_sector as (
    select
        month,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from tagged
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
    inner join period_totals as t on p.month is not distinct from t.month
)

select * from final
order by month nulls last, sector
