-- lineage_country_pair_sector_monthly: the articles each country_pair_sector_monthly cell counts, one row
-- per (month, country_a, country_b, sector, article). A country counts only when salient: mentioned >= 2
-- times and >= 0.4 x as often as the article's most-mentioned country (compared in integers, so the
-- boundary is exact; the rule of newsetl.enrich.entities.salient_pairs). country_a < country_b.
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
        c.country,
        c.mentions
    from country_mentions as c
    inner join article_top as t using (article_id)
    where c.mentions >= 2 and 5 * c.mentions >= 2 * t.top_mentions
),

pairs as (
    select
        l.article_id,
        l.country as country_a,
        r.country as country_b,
        l.mentions as country_a_mentions,
        r.mentions as country_b_mentions
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

final as (
    select
        a.month,
        p.country_a,
        p.country_b,
        s.sector,
        p.article_id,
        a.story_id,
        p.country_a_mentions::bigint as country_a_mentions,
        p.country_b_mentions::bigint as country_b_mentions
    from pairs as p
    inner join articles_by_month as a using (article_id)
    inner join article_sectors as s using (article_id)
)

select * from final
