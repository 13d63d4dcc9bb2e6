-- dedup_index: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('dedup_index') }}
),

final as (
    select * from source
)

select * from final
