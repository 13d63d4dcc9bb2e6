-- story_copies: one row per story (story_id = the article_id of its canonical copy) listing every loaded
-- copy with how it was recognised: 'canonical', or the duplicates method (exact, near, containment)
-- and similarity. articles = how many copies the marts count for the story; unique_stories counts it once.
with copy_of as (
    select
        article_id,
        any_value(method) as method,
        max(similarity) as similarity
    from duplicates
    group by article_id
),

members as (
    select
        a.story_id,
        a.article_id,
        a.source_uri,
        case when a.article_id = a.story_id then 'canonical' else coalesce(c.method, 'unknown') end as method,
        case when a.article_id = a.story_id then 1.0 else c.similarity end as similarity
    from articles as a
    left join copy_of as c using (article_id)
),

final as (
    select
        story_id,
        count(*) as articles,
        list(
            struct_pack(article_id := article_id, method := method, similarity := similarity, source_uri := source_uri)
            order by method <> 'canonical', article_id
        ) as copies
    from members
    group by story_id
)

select * from final
