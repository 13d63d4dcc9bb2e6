-- article_entities: countries, people and organisations mentioned by each article
with source as (
    select * from {{ source('article_entities') }}
),

final as (
    select article_id, entity_type, entity_id, name, mentions, run_id, pub_month
    from source
)

select * from final
