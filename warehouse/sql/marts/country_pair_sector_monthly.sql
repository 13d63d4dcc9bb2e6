-- country_pair_sector_monthly: per publication month (null when undated), the pairs of countries an
-- article is about (codes in alphabetical order: country_a < country_b) and the sectors it is tagged with.
-- A country counts only when salient (see lineage_country_pair_sector_monthly, which lists the articles
-- of every cell: this mart is its aggregation).
with lineage as (
    select
        month,
        country_a,
        country_b,
        sector,
        article_id,
        story_id
    from lineage_country_pair_sector_monthly
),

final as (
    select
        month,
        country_a,
        country_b,
        sector,
        count(*) as articles,
        count(distinct story_id) as unique_stories
    from lineage
    group by month, country_a, country_b, sector
)

select * from final
