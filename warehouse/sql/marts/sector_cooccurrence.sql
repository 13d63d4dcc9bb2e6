-- sector_cooccurrence: how often two sectors are tagged on the same article (each unordered pair once)
with tags as (
    select s.article_id, s.sector, a.story_id
    from article_sectors as s
    inner join articles as a using (article_id)
),

pairs as (
    select
        l.sector as sector_a,
        r.sector as sector_b,
        l.article_id,
        l.story_id
    from tags as l
    inner join tags as r on l.article_id = r.article_id and l.sector < r.sector
),

totals as (
    select sector, count(*) as sector_articles from tags group by sector
),

final as (
    select
        p.sector_a,
        p.sector_b,
        count(*) as articles,
        count(distinct p.story_id) as unique_stories,
        round(count(*) / least(ta.sector_articles, tb.sector_articles), 4) as overlap
    from pairs as p
    inner join totals as ta on ta.sector = p.sector_a
    inner join totals as tb on tb.sector = p.sector_b
    group by p.sector_a, p.sector_b, ta.sector_articles, tb.sector_articles
)

select * from final
order by articles desc, sector_a, sector_b
