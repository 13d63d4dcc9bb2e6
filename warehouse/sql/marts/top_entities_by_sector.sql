-- top_entities_by_sector: the 20 people and organisations mentioned in the most articles of each sector
-- (ties broken by mentions, then entity_type and entity_id); rank 1 is the most frequent.
with tagged as (
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
        name,
        mentions
    from article_entities
    where entity_type in ('person', 'organisation')
),

per_entity as (
    select
        t.sector,
        e.entity_type,
        e.entity_id,
        min(e.name) as name,
        count(distinct t.article_id) as articles,
        count(distinct t.story_id) as unique_stories,
        sum(e.mentions)::bigint as mentions
    from tagged as t
    inner join named_entities as e using (article_id)
    group by t.sector, e.entity_type, e.entity_id
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
