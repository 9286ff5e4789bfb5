"""Every figure the talent chapter's prose cites, recorded (glued) in one call: ``figures(p)``."""
from __future__ import annotations

from collections.abc import Mapping

from helpers.chapters.talent.charts import UNIT
from helpers.chapters.talent.startups import COUNT_BY, claims, counts_by, total, us_share
from helpers.prose import Figures

CLAIMS = (("claim_us_top10_companies", "us_top10_companies"), ("claim_us_top10_universities", "us_top10_universities"),
          ("claim_per_subfield", "aminer_ai2000_per_subfield"), ("claim_subfields", "aminer_ai2000_subfields"),
          ("claim_scholar_slots", "aminer_ai2000_scholar_slots"), ("claim_cn_top10_academic", "cn_top10_academic"),
          ("rank_shazeer", "rank_noam_shazeer"), ("rank_kudlur", "rank_manjunath_kudlur"),
          ("rank_amodei", "rank_dario_amodei"), ("rank_socher", "rank_richard_socher"))   # (glued name, claim_id)


def figures(p: Mapping[str, str]) -> Figures:
    """05_talent: the start-up table counted as the validated ``count_by`` (``validate``) and every other way,
    and the report's own figures about the AI 2000 list."""
    F = Figures()
    F.glue("count_by_text", UNIT[p["count_by"]])
    F.glue("founder_table_rows", float(total("rows")))
    F.glue("founder_distinct_scholars", float(total("scholars")))
    F.glue("founder_distinct_companies", float(total("companies")))
    F.glue("founder_us_share", us_share(p["count_by"]))
    for way in COUNT_BY:
        F.glue(f"us_share_{way}", us_share(way))
    c = claims().set_index("claim_id")
    F.quote("report_us_share", float(c.at["us_share_of_startups", "value"]))
    F.quote("report_founders_count", float(c.at["ai2000_founders_count", "value"]))
    F.quote("report_ethnic_chinese_share", float(c.at["ethnic_chinese_share", "value"]))
    for key, cid in CLAIMS:
        F.quote(key, float(c.at[cid, "value"]))
    F.quote("claim_us_big3_share", float(c.at["us_google_microsoft_meta_share", "value"]))
    by_field = counts_by("field_en", p["count_by"])
    F.glue("top_field", str(by_field.iloc[0]["field_en"]))
    F.glue("top_field_count", float(by_field.iloc[0]["count"]))
    F.close()
    return F
