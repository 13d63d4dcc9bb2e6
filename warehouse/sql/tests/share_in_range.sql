-- data test: in the sector marts and sector_by_source, counts are positive, unique_stories <= articles, and
-- share is the sector's articles over all articles of the period (or source), as a proportion in [0, 1] to
-- the mart's 4 decimal places. An invariant for any data: one tagged article among 20,001 has the share 0.0
-- (rounded), which is right; a share further from articles / total than the rounding is wrong.
-- Returns the offending rows with the share they should have.
with dated as (
    select
        published_date as day,
        date_trunc('week', published_date)::date as week,
        date_trunc('month', published_date)::date as month,
        coalesce(nullif(trim(source_name), ''), nullif(trim(source_domain), ''), 'unknown') as source
    from articles
),

totals as (
    select 'sector_daily' as mart, cast(day as varchar) as period, count(*) as total from dated group by day
    union all
    select 'sector_weekly', cast(week as varchar), count(*) from dated group by week
    union all
    select 'sector_monthly', cast(month as varchar), count(*) from dated group by month
    union all
    select 'sector_by_source', source, count(*) from dated group by source
),

all_rows as (
    select 'sector_daily' as mart, cast(day as varchar) as period, sector, articles, unique_stories, share
    from sector_daily
    union all
    select 'sector_weekly', cast(week as varchar), sector, articles, unique_stories, share from sector_weekly
    union all
    select 'sector_monthly', cast(month as varchar), sector, articles, unique_stories, share from sector_monthly
    union all
    select 'sector_by_source', source, sector, articles, unique_stories, share from sector_by_source
),

checked as (
    select
        r.*,
        t.total as period_articles,
        r.articles / t.total as expected_share
    from all_rows as r
    left join totals as t on r.mart = t.mart and r.period is not distinct from t.period
),

final as (
    select * from checked
    where articles < 1 or unique_stories < 1 or unique_stories > articles
        or share is null or share < 0 or share > 1
        or expected_share is null or abs(share - expected_share) > 0.00005 + 1e-9
)

select * from final
