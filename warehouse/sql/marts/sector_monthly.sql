-- sector_monthly: articles per sector and publication month (its first day); undated articles are counted under a null month.
-- share = the sector's articles / all articles of the month (tagged or not), copies included in both.
with articles_by_month as (
    select
        article_id,
        story_id,
        date_trunc('month', published_date)::date as month
    from articles
),

month_totals as (
    select
        month,
        count(*) as period_articles
    from articles_by_month
    group by month
),

tagged as (
    select
        a.month,
        s.sector,
        a.story_id,
        s.mentions
    from article_sectors as s
    inner join articles_by_month as a using (article_id)
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
    inner join month_totals as t on p.month is not distinct from t.month
)

select * from final
