-- data test: shares are proportions and counts are positive in the sector marts
with all_rows as (
    select 'sector_daily' as mart, articles, unique_stories, share from sector_daily
    union all
    select 'sector_weekly', articles, unique_stories, share from sector_weekly
    union all
    select 'sector_monthly', articles, unique_stories, share from sector_monthly
),

final as (
    select * from all_rows
    where articles < 1 or unique_stories < 1 or unique_stories > articles or share <= 0 or share > 1
)

select * from final
