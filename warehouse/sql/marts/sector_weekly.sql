-- sector_weekly: articles per sector and ISO week (its monday); undated articles are counted under a null week.
-- share = the sector's articles / all articles of the week (tagged or not), copies included in both.
with articles_by_week as (
    select
        article_id,
        story_id,
        date_trunc('week', published_date)::date as week
    from articles
),

week_totals as (
    select
        week,
        count(*) as period_articles
    from articles_by_week
    group by week
),

tagged as (
    select
        a.week,
        s.sector,
        a.story_id,
        s.mentions
    from article_sectors as s
    inner join articles_by_week as a using (article_id)
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
    inner join week_totals as t on p.week is not distinct from t.week
)

select * from final
