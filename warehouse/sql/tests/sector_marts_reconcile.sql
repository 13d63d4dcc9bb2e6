-- data test: each sector's total in sector_daily and sector_monthly equals the articles tagged with it
-- (returns the failing rows; none expected)
with tagged as (
    select sector, count(*) as articles
    from article_sectors
    inner join articles using (article_id)
    group by sector
),

daily as (
    select sector, sum(articles) as articles from sector_daily group by sector
),

monthly as (
    select sector, sum(articles) as articles from sector_monthly group by sector
),

final as (
    select t.sector, t.articles as tagged, d.articles as daily, m.articles as monthly
    from tagged as t
    left join daily as d using (sector)
    left join monthly as m using (sector)
    where d.articles is distinct from t.articles or m.articles is distinct from t.articles
)

select * from final
