-- article_lineage: one row per loaded article with where it came from (source file, record, format),
-- how its story was recognised (its own duplicate method) and what cleaning changed in its body (the
-- cleaning_ledger rows, rule by rule). Join story_copies on story_id for the story's other copies.
with arts as (
    select
        article_id,
        story_id,
        is_duplicate,
        title,
        published_date,
        date_source,
        source_name,
        source_domain,
        coalesce(nullif(trim(source_name), ''), nullif(trim(source_domain), ''), 'unknown') as source,
        source_uri,
        canonical_url,
        format,
        language,
        word_count,
        encoding_loss,
        pub_month
    from articles
),

copy_of as (
    select
        article_id,
        any_value(method) as copy_method,
        max(similarity) as copy_similarity
    from duplicates
    group by article_id
),

raw as (
    select
        article_id,
        any_value(record_index) as record_index,
        any_value(content_hash) as raw_content_hash,
        any_value(size_bytes) as raw_size_bytes,
        any_value(encoding) as raw_encoding
    from raw_documents
    group by article_id
),

edits as (
    select
        article_id,
        list(struct_pack(rule := rule, hits := hits, chars_removed := chars_removed) order by rule) as edits,
        sum(chars_removed)::bigint as chars_removed
    from cleaning_ledger
    group by article_id
),

removed_comments as (
    select
        article_id,
        count(*) as comments
    from comments
    group by article_id
),

removed_posts as (
    select
        article_id,
        count(*) as embedded_posts
    from embedded_posts
    group by article_id
),

final as (
    select
        a.article_id,
        a.story_id,
        a.is_duplicate,
        case
            when a.article_id = a.story_id then 'canonical'
            else coalesce(c.copy_method, 'unknown')
        end as copy_method,
        case when a.article_id = a.story_id then 1.0 else c.copy_similarity end as copy_similarity,
        a.title,
        a.published_date,
        a.date_source,
        a.source,
        a.source_name,
        a.source_domain,
        a.source_uri,
        r.record_index,
        a.canonical_url,
        a.format,
        r.raw_encoding,
        r.raw_size_bytes,
        r.raw_content_hash,
        a.language,
        a.word_count,
        a.encoding_loss,
        coalesce(e.edits, []) as edits,
        coalesce(e.chars_removed, 0)::bigint as chars_removed,
        coalesce(rc.comments, 0)::bigint as comments,
        coalesce(rp.embedded_posts, 0)::bigint as embedded_posts,
        a.pub_month
    from arts as a
    left join copy_of as c using (article_id)
    left join raw as r using (article_id)
    left join edits as e using (article_id)
    left join removed_comments as rc using (article_id)
    left join removed_posts as rp using (article_id)
)

select * from final
