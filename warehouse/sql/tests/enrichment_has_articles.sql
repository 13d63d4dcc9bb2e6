-- data test: every sector tag and entity belongs to a loaded article (the marts inner-join on articles,
-- so an orphan row would silently drop out of them). Returns the orphan rows.
with enrichment as (
    select 'article_sectors' as source_table, article_id, sector as value from article_sectors
    union all
    select 'article_entities', article_id, entity_type || ':' || entity_id from article_entities
),

final as (
    select e.*
    from enrichment as e
    anti join articles as a using (article_id)
)

select * from final
