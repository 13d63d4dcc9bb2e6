-- embedded_posts: see schemas/tables.py for the column documentation
with source as (
    select * from {{ source('embedded_posts') }}
),

final as (
    select * from source
)

select * from final
