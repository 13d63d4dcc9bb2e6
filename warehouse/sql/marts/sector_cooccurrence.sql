-- sector_cooccurrence: how often two sectors are tagged on the same article; each unordered pair once
-- (sector_a < sector_b). overlap = articles / the smaller sector's tagged articles (1.0: one sector's
-- articles are all also about the other).
with tags as (
    select
        s.article_id,
        s.sector,
        a.story_id
    from article_sectors as s
    inner join articles as a using (article_id)
),

sector_totals as (
    select
        sector,
        count(*) as sector_articles
    from tags
    group by sector
),

pairs as (
    select
        l.sector as sector_a,
        r.sector as sector_b,
        l.story_id
    from tags as l
    inner join tags as r on l.article_id = r.article_id and l.sector < r.sector
),

per_pair as (
    select
        sector_a,
        sector_b,
        count(*) as articles,
        count(distinct story_id) as unique_stories
    from pairs
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
