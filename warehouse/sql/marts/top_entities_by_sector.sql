-- top_entities_by_sector: the 20 people and organisations mentioned in the most articles of each sector
-- (ties broken by mentions, then entity_type and entity_id); rank 1 is the most frequent.
-- An aggregation of lineage_top_entities_by_sector (the articles of every (sector, entity)).
with lineage as (
    select
        sector,
        entity_type,
        entity_id,
        article_id,
        story_id,
        name,
        mentions
    from lineage_top_entities_by_sector
),

per_entity as (
    select
        sector,
        entity_type,
        entity_id,
        min(name) as name,
        count(distinct article_id) as articles,
        count(distinct story_id) as unique_stories,
        sum(mentions)::bigint as mentions
    from lineage
    group by sector, entity_type, entity_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by sector order by articles desc, mentions desc, entity_type, entity_id
        ) as rank
    from per_entity
),

final as (
    select
        sector,
        rank,
        entity_type,
        entity_id,
        name,
        articles,
        unique_stories,
        mentions
    from ranked
    where rank <= 20
)

select * from final
