-- duplicates: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('duplicates') }}
),

final as (
    select * from source
)

select * from final
