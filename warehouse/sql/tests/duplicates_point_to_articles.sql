-- data test: every copy in duplicates is a loaded article marked is_duplicate, and its story_id matches
with copies as (
    select d.article_id, d.canonical_article_id, a.story_id, a.is_duplicate
    from duplicates as d
    left join articles as a using (article_id)
),

final as (
    select * from copies
    where story_id is null or not is_duplicate or story_id <> canonical_article_id
)

select * from final
