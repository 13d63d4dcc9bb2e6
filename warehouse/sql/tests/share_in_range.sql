-- data test: counts are positive, unique_stories <= articles and shares are proportions in (0, 1]
-- in the sector marts and sector_by_source. Returns the offending rows.
with all_rows as (
    select 'sector_daily' as mart, sector, articles, unique_stories, share from sector_daily
    union all
    select 'sector_weekly', sector, articles, unique_stories, share from sector_weekly
    union all
    select 'sector_monthly', sector, articles, unique_stories, share from sector_monthly
    union all
    select 'sector_by_source', sector, articles, unique_stories, share from sector_by_source
),

final as (
    select * from all_rows
    where articles < 1 or unique_stories < 1 or unique_stories > articles
        or share is null or share <= 0 or share > 1
)

select * from final
