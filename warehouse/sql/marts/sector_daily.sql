-- sector_daily: articles per sector and publication day; undated articles counted under a null day
with dated_articles as (
    select article_id, story_id, published_date as day
    from articles
),

period_totals as (
    select day, count(*) as period_articles
    from dated_articles
    group by day
),

tagged as (
    select a.day, s.sector, a.article_id, a.story_id, s.mentions
    from article_sectors as s
    inner join dated_articles as a using (article_id)
),

per_sector as (
    select
        day,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from tagged
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
    inner join period_totals as t on p.day is not distinct from t.day
)

select * from final
order by day nulls last, sector
