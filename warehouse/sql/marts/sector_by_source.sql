-- sector_by_source: articles per publisher and sector. source = source_name, else source_domain, else
-- 'unknown' (blank names count as missing). share = the sector's articles / all the source's articles.
with sources as (
    select
        article_id,
        story_id,
        coalesce(nullif(trim(source_name), ''), nullif(trim(source_domain), ''), 'unknown') as source
    from articles
),

source_totals as (
    select
        source,
        count(*) as source_articles
    from sources
    group by source
),

tagged as (
    select
        s.source,
        t.sector,
        s.story_id
    from article_sectors as t
    inner join sources as s using (article_id)
),

per_source_sector as (
    select
        source,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories
    from tagged
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
