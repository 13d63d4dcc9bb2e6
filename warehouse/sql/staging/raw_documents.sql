-- raw_documents: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('raw_documents') }}
),

final as (
    select * from source
)

select * from final
