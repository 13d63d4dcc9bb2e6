-- sector_evidence: one row per sector tag (article, sector) with its score and evidence, and every match
-- located: its sector, the matched text, whether it sits in the title or the body, and its [start, end) character
-- offsets within that part. The tagger matched title + two newlines + body (the body alone without a
-- title), and article_sectors.spans are offsets into that text. pub_month (the partition of the article and
-- of its tags) lets a query about one article read one partition.
with tags as (
    select
        article_id,
        sector,
        score,
        rank,
        is_primary,
        mentions,
        evidence,
        spans,
        pub_month
    from article_sectors
),

texts as (
    select
        article_id,
        case when length(trim(coalesce(title, ''))) > 0 then title || chr(10) || chr(10) || body else body end as text,
        case when length(trim(coalesce(title, ''))) > 0 then length(title) else 0 end as title_len,
        pub_month
    from articles
),

located as (
    select
        t.article_id,
        t.sector,
        t.score,
        t.rank,
        t.is_primary,
        t.mentions,
        t.evidence,
        list_transform(
            coalesce(t.spans, []),
            lambda s: struct_pack(
                sector := t.sector,
                term := substring(x.text, s[1] + 1, s[2] - s[1]),
                part := case when s[1] < x.title_len then 'title' else 'body' end,
                start := case when s[1] < x.title_len then s[1] else s[1] - x.title_len - 2 end,
                "end" := case when s[1] < x.title_len then s[2] else s[2] - x.title_len - 2 end
            )
        ) as matches,
        t.pub_month
    from tags as t
    inner join texts as x on t.article_id = x.article_id and t.pub_month = x.pub_month
),

final as (
    select
        article_id,
        sector,
        score,
        rank,
        is_primary,
        mentions,
        evidence,
        matches,
        array_to_string(
            list_transform(matches, lambda m: m.term || ' (' || m.part || ' ' || m.start || ')'), '; '
        ) as matches_at,
        pub_month
    from located
)

select * from final
