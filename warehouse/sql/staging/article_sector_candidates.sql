-- article_sector_candidates: every scored sector of every article, tagged or not, with its score, rank
-- and evidence; tagged = score >= the sector's threshold (the rows of article_sectors). For "why is /
-- isn't this article counted under sector X": an untagged row shows the evidence that fell short.
-- Rows written before tagged/rank/is_primary existed read as tagged, rank/is_primary NULL.
with source as (
    select * from {{ source('article_sectors') }}
),

final as (
    select
        article_id, sector, score, coalesce(tagged, true) as tagged, rank, is_primary, mentions, evidence,
        spans, run_id, pub_month
    from source
)

select * from final
