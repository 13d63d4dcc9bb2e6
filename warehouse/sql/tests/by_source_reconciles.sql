-- data test: sector_by_source adds up to the tagged articles of each sector
with by_source as (
    select sector, sum(articles) as articles from sector_by_source group by sector
),

tagged as (
    select sector, count(*) as articles
    from article_sectors inner join articles using (article_id)
    group by sector
),

final as (
    select t.sector, t.articles as tagged, b.articles as by_source
    from tagged as t
    full outer join by_source as b using (sector)
    where b.articles is distinct from t.articles
)

select * from final
