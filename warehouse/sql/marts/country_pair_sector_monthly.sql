-- country_pair_sector_monthly: per month, the country pairs an article is about (both countries
-- mentioned, codes in alphabetical order) and the sectors it discusses; undated under a null month
with countries as (
    select distinct article_id, entity_id as country
    from article_entities
    where entity_type = 'country'
),

pairs as (
    select l.article_id, l.country as country_a, r.country as country_b
    from countries as l
    inner join countries as r on l.article_id = r.article_id and l.country < r.country
),

dated as (
    select article_id, story_id, date_trunc('month', published_date)::date as month
    from articles
),

final as (
    select
        d.month,
        p.country_a,
        p.country_b,
        s.sector,
        count(*) as articles,
        count(distinct d.story_id) as unique_stories
    from pairs as p
    inner join dated as d using (article_id)
    inner join article_sectors as s using (article_id)
    group by d.month, p.country_a, p.country_b, s.sector
)

select * from final
order by month nulls last, country_a, country_b, articles desc, sector
