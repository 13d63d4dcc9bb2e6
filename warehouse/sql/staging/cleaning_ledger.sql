-- cleaning_ledger: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('cleaning_ledger') }}
),

final as (
    select * from source
)

select * from final
