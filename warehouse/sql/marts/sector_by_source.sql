-- sector_by_source: articles per publisher and sector. source = source_name, else source_domain, else
-- 'unknown' (blank names count as missing). share = the sector's articles / all the source's articles.
-- An aggregation of lineage_sector_by_source (the articles each cell counts).
with lineage as (
    select
        source,
        sector,
        article_id,
        story_id
    from lineage_sector_by_source
),

source_totals as (
    select
        coalesce(nullif(trim(source_name), ''), nullif(trim(source_domain), ''), 'unknown') as source,
        count(*) as source_articles
    from articles
    group by all
),

per_source_sector as (
    select
        source,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories
    from lineage
    group by source, sector
),

final as (
    select
        p.source,
        p.sector,
        p.articles,
        p.unique_stories,
        round(p.articles / st.source_articles, 4) as share
    from per_source_sector as p
    inner join source_totals as st using (source)
)

select * from final
