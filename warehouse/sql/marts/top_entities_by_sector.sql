-- top_entities_by_sector: the 20 people and organisations mentioned most in each sector's articles
with tagged as (
    select s.article_id, s.sector, a.story_id
    from article_sectors as s
    inner join articles as a using (article_id)
),

mentions as (
    select
        t.sector,
        e.entity_type,
        e.entity_id,
        any_value(e.name) as name,
        count(distinct t.article_id) as articles,
        count(distinct t.story_id) as unique_stories,
        sum(e.mentions)::bigint as mentions
    from tagged as t
    inner join article_entities as e using (article_id)
    where e.entity_type in ('person', 'organisation')
    group by t.sector, e.entity_type, e.entity_id
),

ranked as (
    select
        *,
        row_number() over (partition by sector order by articles desc, mentions desc, entity_id) as rank
    from mentions
),

final as (
    select sector, rank, entity_type, entity_id, name, articles, unique_stories, mentions
    from ranked
    where rank <= 20
)

select * from final
order by sector, rank
