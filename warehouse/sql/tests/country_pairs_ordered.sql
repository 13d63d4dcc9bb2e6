-- data test: country pairs are ordered and both countries are mentioned by the articles counted
with final as (
    select * from country_pair_sector_monthly
    where country_a >= country_b or articles < 1 or unique_stories > articles
)

select * from final
