-- sector_daily: articles per sector and publication day; undated articles are counted under a null day.
-- share = the sector's articles / all articles of the day (tagged or not), copies included in both.
with articles_by_day as (
    select
        article_id,
        story_id,
        published_date as day
    from articles
),

day_totals as (
    select
        day,
        count(*) as period_articles
    from articles_by_day
    group by day
),

tagged as (
    select
        a.day,
        s.sector,
        a.story_id,
        s.mentions
    from article_sectors as s
    inner join articles_by_day as a using (article_id)
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
    inner join day_totals as t on p.day is not distinct from t.day
)

select * from final
