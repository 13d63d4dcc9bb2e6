-- quarantine: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('quarantine') }}
),

final as (
    select * from source
)

select * from final
