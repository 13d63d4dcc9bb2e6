-- data test: article_id is unique in articles (returns the duplicated ids)
with counts as (
    select article_id, count(*) as n from articles group by article_id
),

final as (
    select * from counts where n > 1
)

select * from final
