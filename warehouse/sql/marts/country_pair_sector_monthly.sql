-- country_pair_sector_monthly: per publication month (null when undated), the pairs of countries an
-- article is about (codes in alphabetical order: country_a < country_b) and the sectors it is tagged with.
-- A country counts only when salient (newsetl.enrich.entities.salient_pairs): mentioned >= 2 times and
-- >= 0.4 x as often as the article's most-mentioned country, so passing mentions make no pair.
-- Compared in integers (5 * mentions >= 2 * top) so the 0.4 boundary is exact.
with country_mentions as (
    select
        article_id,
        entity_id as country,
        sum(mentions) as mentions
    from article_entities
    where entity_type = 'country'
    group by article_id, entity_id
),

article_top as (
    select
        article_id,
        max(mentions) as top_mentions
    from country_mentions
    group by article_id
),

salient_countries as (
    select
        c.article_id,
        c.country
    from country_mentions as c
    inner join article_top as t using (article_id)
    where c.mentions >= 2 and 5 * c.mentions >= 2 * t.top_mentions
),

pairs as (
    select
        l.article_id,
        l.country as country_a,
        r.country as country_b
    from salient_countries as l
    inner join salient_countries as r on l.article_id = r.article_id and l.country < r.country
),

articles_by_month as (
    select
        article_id,
        story_id,
        date_trunc('month', published_date)::date as month
    from articles
),

pair_sectors as (
    select
        a.month,
        p.country_a,
        p.country_b,
        s.sector,
        a.story_id
    from pairs as p
    inner join articles_by_month as a using (article_id)
    inner join article_sectors as s using (article_id)
),

final as (
    select
        month,
        country_a,
        country_b,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories
    from pair_sectors
    group by month, country_a, country_b, sector
)

select * from final
