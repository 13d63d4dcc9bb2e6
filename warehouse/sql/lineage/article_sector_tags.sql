-- article_sector_tags: one row per (article, tagged sector) with the article's story, publication date and
-- source as the sector marts count them; the four sector lineage views pick their cell key from it.
-- source = source_name, else source_domain, else 'unknown' (blank names count as missing).
with articles_keyed as (
    select
        article_id,
        story_id,
        published_date,
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
        t.article_id,
        t.sector,
        a.story_id,
        a.published_date,
        a.source,
        t.mentions
    from tags as t
    inner join articles_keyed as a using (article_id)
)

select * from final
