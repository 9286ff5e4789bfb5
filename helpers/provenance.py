"""Where a row's link points: the canonical source, and the copy that was actually read.

Every link column of ``data/`` that names where a fact comes from (``source_url``, ``*_source_url``,
``sources.url``) holds the **canonical** page: the arXiv abstract page built from the id, the DOI, the
regulator's or the official gazette's page, the company's own announcement. Where the check was made on
another copy (a mirror, a summariser, a news re-post found by the search tool), that copy's URL goes in the
row's ``checked_via`` column beside it, so the row is honest about how it was checked.

``COPY_HOSTS`` is the one list of hosts that are copies, not sources; ``tests/test_provenance.py`` refuses a
source link on any of them.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# Hosts that republish, summarise or mirror other people's documents. A link to one of them may go in a
# ``checked_via`` column (it is how a row was checked), never in a source column.
COPY_HOSTS: frozenset[str] = frozenset({
    # paper summarisers, mirrors and graph dumps
    "summarizepaper.com", "arxiv-vanity.com", "pith.science", "emergentmind.com", "papers.cool",
    "papers.status.lu", "sciencestack.ai", "arxiv.deeppaper.ai", "arxitics.com", "bohrium.dp.tech",
    "files.cgi-tools.dev", "hf.zsm.im", "panopticimage.com", "tomesphere.com", "thelatestinai.com",
    "scribd.com",
    # regulation texts re-hosted by consultancies, law firms' copies and third-country libraries
    "konkritsolutions.com", "samafind.sama.gov.sa", "centerconsulting.com", "dcs.datapro.in", "1gdpa.com",
    "a5qu.com",
    # content farms, aggregators, personal pages and GitHub mirrors
    "pages.dev", "galtzhu.top", "summarizeyoutubevideo.com", "besthub.dev", "drone2006.us.kg", "aiwiki.ai",
    "ai-search.io", "wikimili.com", "crafiq.ai", "kiadev.net", "getnews.me", "guidantech.com", "laitimes.com",
    "favtutor.com", "citylife.capetown", "liveinthefuture.org", "aiblackmagic.com", "hillock.studio",
    "hn.jakechampion.name", "jasoncote.co", "kosugi21.net", "the-ledger.net", "newzone.eu",
    "app.pragmaticleaders.io", "theuknews.com", "anything.design", "fintechlinkage.com",
    "vuink.com",  # re-posts of news articles (TechCrunch)
    # price and spec copies read for the three-years-on chapter (issue 15)
    "fliphtml5.com", "jiralog.com", "techbytes.app", "losclouds.com", "aitoolrank.net", "benchable.ai", "langmart.ai",
    "cloudnews.tech", "shengjixing.cn", "explinks.com", "micro.blog", "hmc-tech.com", "itkb.uw.cz", "ora.it.com",
    "lzwjava.github.io", "zdszero.github.io",
})

_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}$|^[a-z\-]+(\.[A-Z]{2})?/\d{7}$")


def host(url: str) -> str:
    """The lower-case host name of ``url`` without a leading ``www.`` ('' for an empty cell)."""
    name = (urlsplit(url).hostname or "").lower()
    return name[4:] if name.startswith("www.") else name


def copy_host(url: str) -> str | None:
    """The entry of ``COPY_HOSTS`` that ``url`` falls under (the host or a parent domain), else None."""
    name = host(url)
    parts = name.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in COPY_HOSTS:
            return ".".join(parts[i:])
    return None


def arxiv_abs_url(arxiv_id: str) -> str:
    """The canonical arXiv abstract page of ``arxiv_id`` (a new-style id such as ``2303.12712``)."""
    if not _ARXIV_ID.match(arxiv_id):
        raise ValueError(f"not an arXiv id: {arxiv_id!r} (allowed: e.g. 2303.12712 or cs.AI/0101001)")
    return f"https://arxiv.org/abs/{arxiv_id}"


def doi_url(doi: str) -> str:
    """The canonical resolver link of a DOI (``10.xxxx/...``)."""
    if not doi.startswith("10."):
        raise ValueError(f"not a DOI: {doi!r} (allowed: a DOI starting '10.')")
    return f"https://doi.org/{doi}"
