-- lineage_sector_cooccurrence: the articles each sector_cooccurrence cell counts, one row per
-- (sector_a, sector_b, article) for every article tagged with both sectors (sector_a < sector_b).
with tags as (
    select
        s.article_id,
        s.sector,
        a.story_id
    from article_sectors as s
    inner join articles as a using (article_id)
),

final as (
    select
        l.sector as sector_a,
        r.sector as sector_b,
        l.article_id,
        l.story_id
    from tags as l
    inner join tags as r on l.article_id = r.article_id and l.sector < r.sector
)

select * from final
