-- data test: one row per key in every mart (null period keys included). Returns each repeated key.
with keys as (
    select 'sector_daily' as mart, concat_ws('|', coalesce(cast(day as varchar), 'null'), sector) as key from sector_daily
    union all
    select 'sector_weekly', concat_ws('|', coalesce(cast(week as varchar), 'null'), sector) from sector_weekly
    union all
    select 'sector_monthly', concat_ws('|', coalesce(cast(month as varchar), 'null'), sector) from sector_monthly
    union all
    select 'sector_cooccurrence', sector_a || '|' || sector_b from sector_cooccurrence
    union all
    select 'sector_by_source', source || '|' || sector from sector_by_source
    union all
    select 'country_pair_sector_monthly', concat_ws('|', coalesce(cast(month as varchar), 'null'), country_a,
                                                    country_b, sector)
    from country_pair_sector_monthly
    union all
    select 'top_entities_by_sector', sector || '|' || rank from top_entities_by_sector
    union all
    select 'top_entities_by_sector', concat_ws('|', sector, entity_type, entity_id) from top_entities_by_sector
),

counted as (
    select
        mart,
        key,
        count(*) as n
    from keys
    group by all
),

final as (
    select * from counted where n > 1
)

select * from final
