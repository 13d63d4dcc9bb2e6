-- sector_by_source: articles per publisher and sector (publisher: source_name, else domain, else 'unknown')
with sources as (
    select
        article_id,
        story_id,
        coalesce(source_name, source_domain, 'unknown') as source
    from articles
),

source_totals as (
    select source, count(*) as source_articles from sources group by source
),

tagged as (
    select s.source, t.sector, s.article_id, s.story_id
    from article_sectors as t
    inner join sources as s using (article_id)
),

final as (
    select
        g.source,
        g.sector,
        count(*) as articles,
        count(distinct g.story_id) as unique_stories,
        round(count(*) / any_value(st.source_articles), 4) as share
    from tagged as g
    inner join source_totals as st using (source)
    group by g.source, g.sector
)

select * from final
order by source, articles desc, sector
