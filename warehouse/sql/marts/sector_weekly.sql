-- sector_weekly: articles per sector and ISO week (its monday); undated articles under a null week
with dated_articles as (
    select article_id, story_id, date_trunc('week', published_date)::date as week
    from articles
),

period_totals as (
    select week, count(*) as period_articles
    from dated_articles
    group by week
),

tagged as (
    select a.week, s.sector, a.article_id, a.story_id, s.mentions
    from article_sectors as s
    inner join dated_articles as a using (article_id)
),

per_sector as (
    select
        week,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from tagged
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
    inner join period_totals as t on p.week is not distinct from t.week
)

select * from final
order by week nulls last, sector
