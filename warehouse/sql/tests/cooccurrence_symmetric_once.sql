-- data test: each unordered sector pair appears once, ordered a < b, and never exceeds either sector's count
with pairs as (
    select sector_a, sector_b, articles from sector_cooccurrence
),

sector_totals as (
    select sector, count(*) as articles from article_sectors group by sector
),

final as (
    select p.*
    from pairs as p
    left join sector_totals as a on a.sector = p.sector_a
    left join sector_totals as b on b.sector = p.sector_b
    where p.sector_a >= p.sector_b or p.articles > least(a.articles, b.articles)
)

select * from final
