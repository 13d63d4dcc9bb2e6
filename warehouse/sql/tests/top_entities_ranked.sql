-- data test: top_entities_by_sector holds ranks 1..n (n <= 20) per sector, ranks follow articles then
-- mentions (descending), only people and organisations, unique_stories <= articles. Returns bad rows.
with ranked as (
    select
        *,
        lag(articles) over (partition by sector order by rank) as prev_articles,
        lag(mentions) over (partition by sector order by rank) as prev_mentions,
        count(*) over (partition by sector) as n,
        max(rank) over (partition by sector) as max_rank
    from top_entities_by_sector
),

final as (
    select sector, rank, entity_type, entity_id, articles, mentions, n, max_rank
    from ranked
    where n > 20 or max_rank <> n or rank < 1
        or entity_type not in ('person', 'organisation')
        or name is null
        or unique_stories > articles or articles < 1
        or articles > prev_articles
        or (articles = prev_articles and mentions > prev_mentions)
)

select * from final
