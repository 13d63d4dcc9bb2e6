-- data test: sector_cooccurrence holds each unordered pair once as sector_a < sector_b, counts no more
-- articles than either sector has, unique_stories <= articles, and overlap is articles / the smaller
-- sector's articles to the mart's 4 decimal places (it rounds to 0.0 for one shared article of a sector
-- tagged on 20,001: right, for any data). Returns bad rows.
with sector_totals as (
    select
        s.sector,
        count(*) as articles
    from article_sectors as s
    inner join articles using (article_id)
    group by s.sector
),

final as (
    select p.*
    from sector_cooccurrence as p
    left join sector_totals as a on p.sector_a = a.sector
    left join sector_totals as b on p.sector_b = b.sector
    where p.sector_a >= p.sector_b
        or p.articles < 1
        or p.unique_stories > p.articles
        or p.articles > least(a.articles, b.articles)
        or a.articles is null or b.articles is null
        or p.overlap is null or p.overlap < 0 or p.overlap > 1
        or abs(p.overlap - p.articles / least(a.articles, b.articles)) > 0.00005 + 1e-9
)

select * from final
