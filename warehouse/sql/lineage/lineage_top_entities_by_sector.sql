-- lineage_top_entities_by_sector: for every (sector, person or organisation), the sector's articles that
-- mention the entity, one row per (sector, entity_type, entity_id, article). top_entities_by_sector ranks
-- these groups and keeps 20 per sector; its cells count exactly the rows of their group here.
with tags as (
    select
        s.article_id,
        s.sector,
        a.story_id
    from article_sectors as s
    inner join articles as a using (article_id)
),

named_entities as (
    select
        article_id,
        entity_type,
        entity_id,
        min(name) as name,
        sum(mentions)::bigint as mentions
    from article_entities
    where entity_type in ('person', 'organisation')
    group by article_id, entity_type, entity_id
),

final as (
    select
        t.sector,
        e.entity_type,
        e.entity_id,
        t.article_id,
        t.story_id,
        e.name,
        e.mentions
    from tags as t
    inner join named_entities as e using (article_id)
)

select * from final
