-- article_sectors: one row per (article, tagged sector) with score and evidence
with source as (
    select * from {{ source('article_sectors') }}
),

final as (
    select article_id, sector, score, mentions, evidence, spans, run_id, pub_month
    from source
)

select * from final
