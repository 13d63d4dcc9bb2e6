-- sector_cooccurrence: how often two sectors are tagged on the same article; each unordered pair once
-- (sector_a < sector_b). overlap = articles / the smaller sector's tagged articles (1.0: one sector's
-- articles are all also about the other). An aggregation of lineage_sector_cooccurrence.
with lineage as (
    select
        sector_a,
        sector_b,
        article_id,
        story_id
    from lineage_sector_cooccurrence
),

sector_totals as (
    select
        s.sector,
        count(*) as sector_articles
    from article_sectors as s
    inner join articles as a using (article_id)
    group by s.sector
),

per_pair as (
    select
        sector_a,
        sector_b,
        count(*) as articles,
        count(distinct story_id) as unique_stories
    from lineage
    group by sector_a, sector_b
),

final as (
    select
        p.sector_a,
        p.sector_b,
        p.articles,
        p.unique_stories,
        round(p.articles / least(ta.sector_articles, tb.sector_articles), 4) as overlap
    from per_pair as p
    inner join sector_totals as ta on p.sector_a = ta.sector
    inner join sector_totals as tb on p.sector_b = tb.sector
)

select * from final
