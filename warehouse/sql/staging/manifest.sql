-- manifest: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('manifest') }}
),

final as (
    select * from source
)

select * from final
