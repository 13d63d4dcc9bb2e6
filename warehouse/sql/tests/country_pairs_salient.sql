-- data test: country_pair_sector_monthly has ordered pairs (country_a < country_b), sane counts, and
-- equals an independent recount of the salience rule (a country counts when mentioned >= 2 times and
-- >= 0.4 x the article's top country). Returns the rows that are wrong, missing or extra.
with countries as (
    select
        article_id,
        entity_id as country,
        sum(mentions) as mentions
    from article_entities
    where entity_type = 'country'
    group by all
),

salient as (
    select article_id, country
    from countries
    qualify mentions >= 2 and mentions * 5 >= 2 * max(mentions) over (partition by article_id)
),

expected as (
    select
        date_trunc('month', a.published_date)::date as month,
        l.country as country_a,
        r.country as country_b,
        s.sector,
        count(*) as articles
    from salient as l
    inner join salient as r on l.article_id = r.article_id and l.country < r.country
    inner join articles as a on l.article_id = a.article_id
    inner join article_sectors as s on l.article_id = s.article_id
    group by all
),

mart as (
    select month, country_a, country_b, sector, articles
    from country_pair_sector_monthly
),

mismatched as (
    select
        coalesce(e.month, m.month) as month,
        coalesce(e.country_a, m.country_a) as country_a,
        coalesce(e.country_b, m.country_b) as country_b,
        coalesce(e.sector, m.sector) as sector,
        e.articles as expected_articles,
        m.articles as mart_articles
    from expected as e
    full outer join mart as m
        on e.month is not distinct from m.month
        and e.country_a = m.country_a
        and e.country_b = m.country_b
        and e.sector = m.sector
    where e.articles is distinct from m.articles
),

malformed as (
    select month, country_a, country_b, sector, null::bigint, articles
    from country_pair_sector_monthly
    where country_a >= country_b or articles < 1 or unique_stories < 1 or unique_stories > articles
),

final as (
    select * from mismatched
    union all
    select * from malformed
)

select * from final
