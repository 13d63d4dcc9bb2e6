-- lineage_sector_by_source: the articles each sector_by_source cell counts, one row per (source, sector,
-- article). source = source_name, else source_domain, else 'unknown' (blank names count as missing).
with sources as (
    select
        article_id,
        story_id,
        coalesce(nullif(trim(source_name), ''), nullif(trim(source_domain), ''), 'unknown') as source
    from articles
),

tags as (
    select
        article_id,
        sector,
        mentions
    from article_sectors
),

final as (
    select
        s.source,
        t.sector,
        t.article_id,
        s.story_id,
        t.mentions
    from tags as t
    inner join sources as s using (article_id)
)

select * from final
