-- data test: sector_by_source adds up to the loaded articles tagged with each sector.
-- Returns the sectors whose per-source rows do not add up.
with by_source as (
    select
        sector,
        sum(articles) as articles
    from sector_by_source
    group by sector
),

tagged as (
    select
        s.sector,
        count(*) as articles
    from article_sectors as s
    inner join articles using (article_id)
    group by s.sector
),

final as (
    select
        coalesce(t.sector, b.sector) as sector,
        t.articles as tagged,
        b.articles as by_source
    from tagged as t
    full outer join by_source as b using (sector)
    where b.articles is distinct from t.articles
)

select * from final
