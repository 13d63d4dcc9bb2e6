-- articles: one row per loaded source record (copies of a story included; see story_id)
with source as (
    select * from {{ source('articles') }}
),

final as (
    select
        article_id,
        title,
        title_source,
        body,
        extractor,
        published_date,
        published_at,
        date_source,
        source_name,
        source_domain,
        source_uri,
        canonical_url,
        byline,
        dateline_city,
        language,
        word_count,
        encoding_loss,
        format,
        content_hash,
        story_id,
        is_duplicate,
        ingested_at,
        run_id,
        pub_month
    from source
)

select * from final
