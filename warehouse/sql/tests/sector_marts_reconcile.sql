-- data test: each sector's articles and mentions summed over sector_daily, sector_weekly and
-- sector_monthly equal those of the loaded articles tagged with it (undated ones under the null period).
-- Returns the sectors that do not add up.
with tagged as (
    select
        s.sector,
        count(*) as articles,
        sum(s.mentions) as mentions
    from article_sectors as s
    inner join articles using (article_id)
    group by s.sector
),

mart_totals as (
    select 'sector_daily' as mart, sector, sum(articles) as articles, sum(mentions) as mentions
    from sector_daily group by sector
    union all
    select 'sector_weekly', sector, sum(articles), sum(mentions) from sector_weekly group by sector
    union all
    select 'sector_monthly', sector, sum(articles), sum(mentions) from sector_monthly group by sector
),

expected as (
    select m.mart, t.sector, t.articles, t.mentions
    from tagged as t
    cross join (values ('sector_daily'), ('sector_weekly'), ('sector_monthly')) as m (mart)
),

final as (
    select
        coalesce(e.mart, m.mart) as mart,
        coalesce(e.sector, m.sector) as sector,
        e.articles as tagged_articles,
        m.articles as mart_articles,
        e.mentions as tagged_mentions,
        m.mentions as mart_mentions
    from expected as e
    full outer join mart_totals as m on e.mart = m.mart and e.sector = m.sector
    where e.articles is distinct from m.articles or e.mentions is distinct from m.mentions
)

select * from final
