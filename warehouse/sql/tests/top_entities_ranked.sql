-- data test: top_entities_by_sector holds at most 20 ranks per sector, each rank once
with counts as (
    select sector, count(*) as n, count(distinct rank) as ranks, max(rank) as max_rank
    from top_entities_by_sector
    group by sector
),

final as (
    select * from counts where n > 20 or ranks <> n or max_rank <> n
)

select * from final
