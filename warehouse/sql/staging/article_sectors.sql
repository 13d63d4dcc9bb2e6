-- article_sectors: the counted sector tags, one row per (article, tagged sector): the sectors whose
-- score reached the sector's threshold in config/sectors.yaml (the table keeps every scored candidate,
-- see article_sector_candidates). Every mart and the explain lineage count these rows and only these.
-- rank 1 / is_primary = the article's main sector. Rows written before tagged/rank/is_primary existed
-- (every stored row was a tag then) count as tagged, with rank and is_primary unknown (NULL) until
-- `newsetl enrich` re-tags them.
with source as (
    select * from {{ source('article_sectors') }}
),

final as (
    select article_id, sector, score, rank, is_primary, mentions, evidence, spans, run_id, pub_month
    from source
    where coalesce(tagged, true)
)

select * from final
