"""The frontier-research chapter: the papers behind the report's chapter 2, and their BibTeX."""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from helpers import params
from helpers.data import load
from helpers.provenance import arxiv_abs_url, doi_url

ORG_TYPES = ("company", "university", "lab", "mixed")


def sections() -> list[str]:
    """Section ids in the report's order."""
    return list(load("research_sections").sort_values("order")["section"])


@params.with_lang
def validate(values: dict[str, Any]) -> dict[str, list[str]]:
    """``sections`` and ``org_types``: non-empty lists drawn from the allowed names."""
    return {"sections": params.check_subset("sections", values.get("sections"), sections()),
            "org_types": params.check_subset("org_types", values.get("org_types"), list(ORG_TYPES))}


def papers(chosen_sections: list[str], org_types: list[str]) -> pd.DataFrame:
    """Papers of the chosen sections; identified ones filtered by organisation type, unidentified ones kept."""
    p = load("papers")
    p = p[p["section"].isin(chosen_sections)]
    keep = (p["identified_by"] == "unidentified") | p["org_type"].isin(org_types)
    return p[keep].reset_index(drop=True)


def company_share(p: pd.DataFrame) -> float:
    """Share of identified papers with at least one company author (org_type company or mixed)."""
    ident = p[p["identified_by"] != "unidentified"]
    return float(ident["org_type"].isin(["company", "mixed"]).mean()) if len(ident) else 0.0


def paper_url(row: pd.Series) -> str:
    """The paper's canonical page (``source_url``: the arXiv abstract page, else the DOI, else the venue)."""
    url = row.get("source_url")
    if not isinstance(url, str) or not url:
        raise ValueError(f"data/papers.csv row {row.get('paper_id')!r}, column 'source_url': empty "
                         "(allowed: the canonical https page of the paper)")
    return url


def canonical_url(arxiv_id: str | None, doi: str | None, venue_url: str | None = None) -> str:
    """What ``source_url`` must be: the arXiv abstract page for an arXiv id, else the DOI, else the venue page."""
    if isinstance(arxiv_id, str) and arxiv_id:
        return arxiv_abs_url(arxiv_id)
    if isinstance(doi, str) and doi:
        return doi_url(doi)
    if isinstance(venue_url, str) and venue_url:
        return venue_url
    raise ValueError("a paper needs an arxiv_id, a doi or a venue page (allowed: at least one of the three)")


def surname(row: pd.Series) -> str:
    """The first author's surname, from the BibTeX author list (``Tancik, Matthew and …`` → ``Tancik``)."""
    return str(row["authors_bibtex"]).split(" and ")[0].split(",")[0].strip()


def reference(row: pd.Series) -> str:
    """One entry of the reference list in Markdown: authors, year, title, organisations, link."""
    authors = [a.split(",")[0].strip() for a in str(row["authors_bibtex"]).split(" and ")]
    names = ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else "")
    return f"- {names} ({int(row['year'])}). *{row['title']}*. {row['organisations']}. <{paper_url(row)}>"


def references(chosen: pd.DataFrame) -> str:
    """The reference list of the identified papers in ``chosen``, by first author's surname."""
    ident = chosen[chosen["identified_by"] != "unidentified"]
    ident = ident.assign(_key=ident.apply(surname, axis=1)).sort_values(["_key", "year"])
    return "\n".join(reference(r) for _, r in ident.iterrows())


def bibtex_entry(row: pd.Series) -> str:
    """One BibTeX entry (arXiv preprint or article) from a paper row."""
    fields = {"title": "{" + row["title"] + "}", "author": row["authors_bibtex"], "year": str(int(row["year"]))}
    if isinstance(row["arxiv_id"], str) and row["arxiv_id"]:
        fields.update(journal=f"arXiv preprint arXiv:{row['arxiv_id']}", eprint=row["arxiv_id"], archiveprefix="arXiv")
    if isinstance(row["doi"], str) and row["doi"]:
        fields["doi"] = row["doi"]
    fields["url"] = paper_url(row)
    body = ",\n".join(f"  {k} = {{{v}}}" if not v.startswith("{") else f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@article{{{row['paper_id']},\n{body}\n}}\n"


def bibtex(all_papers: pd.DataFrame) -> str:
    """The bibliography of every identified paper, sorted by key."""
    ident = all_papers[all_papers["identified_by"] != "unidentified"].sort_values("paper_id")
    return "% Generated from data/papers.csv by helpers.chapters.research.bibtex; a test checks it is current.\n\n" + \
        "\n".join(bibtex_entry(r) for _, r in ident.iterrows())


def write_bibliography(path: str = "book/references.bib") -> bool:
    """Regenerate the bibliography from data/papers.csv; True if the file changed."""
    from pathlib import Path

    target = Path(path)
    text = bibtex(load("papers"))
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.write_text(text, encoding="utf-8")
    return True



# --- the essay: citations, named things, figures ------------------------------------------------
_CITE = re.compile(r"\[@([a-z0-9_]+(?:\s*;\s*@[a-z0-9_]+)*)\]")


def author_year(row: pd.Series) -> str:
    """A paper's author–year label without a suffix: ``Yao et al. 2023``, ``Hu and Clune 2023``."""
    n = len(str(row["authors_bibtex"]).split(" and "))
    who = surname(row) + (" et al." if n > 2 else f" and {str(row['authors_bibtex']).split(' and ')[1].split(',')[0].strip()}"
                          if n == 2 else "")
    return f"{who} {int(row['year'])}"


def year_suffixes(table: pd.DataFrame) -> dict[str, str]:
    """paper_id → ``a``, ``b``… for papers whose author–year label another paper in ``table`` shares (in table
    order), ``""`` for the rest: "Liu et al. 2023a" and "Liu et al. 2023b" are two papers, never one."""
    labels = table.apply(author_year, axis=1)
    rank = labels.groupby(labels).cumcount()
    shared = labels.map(labels.value_counts()) > 1
    return {pid: (chr(ord("a") + r) if s else "") for pid, r, s in zip(table["paper_id"], rank, shared)}


def citation(row: pd.Series, suffix: str = "") -> str:
    """An in-text citation linked to the paper's canonical page: ``[Yao et al. 2023](https://arxiv.org/abs/…)``;
    ``suffix`` tells apart papers with the same label (``year_suffixes``)."""
    return f"[{author_year(row)}{suffix}]({paper_url(row)})"


def cite(template: str, table: pd.DataFrame | None = None) -> str:
    """``template`` with every ``[@paper_id]`` (or ``[@a; @b]``) replaced by linked citations in brackets.

    An unknown id raises ``KeyError`` naming it and the table, so a typo cannot leave a dead marker."""
    p = (load("papers") if table is None else table).set_index("paper_id", drop=False)
    suffixes = year_suffixes(p.reset_index(drop=True))

    def one(match: re.Match[str]) -> str:
        ids = [x.strip().lstrip("@") for x in match.group(1).split(";")]
        unknown = [i for i in ids if i not in p.index]
        if unknown:
            raise KeyError(f"citation [@{unknown[0]}]: no such paper_id in data/papers.csv "
                           f"(allowed: one of {len(p)} ids, e.g. {p.index[0]!r})")
        return "(" + "; ".join(citation(p.loc[i], suffixes[i]) for i in ids) + ")"

    return _CITE.sub(one, template)


def cited_ids(template: str) -> list[str]:
    """The paper ids a template cites, in order of first citation."""
    ids: list[str] = []
    for m in _CITE.finditer(template):
        for i in (x.strip().lstrip("@") for x in m.group(1).split(";")):
            if i not in ids:
                ids.append(i)
    return ids


def mentions(section: str) -> pd.DataFrame:
    """What the report names in ``section`` (a section id or ``chapter``), in the report's order."""
    m = load("research_mentions")
    if section not in set(m["section"]):
        raise ValueError(f"section={section!r} has no rows in data/research_mentions.csv "
                         f"(allowed: {', '.join(dict.fromkeys(m['section']))})")
    return m[m["section"] == section].reset_index(drop=True)


def report_figures() -> dict[str, float]:
    """Every figure the report states in chapter 2, by id (low end of a range; ``<id>_high`` for the high end)."""
    f = load("research_figures")
    out = {str(i): float(v) for i, v in zip(f["figure_id"], f["value"])}
    out.update({f"{i}_high": float(v) for i, v in zip(f["figure_id"], f["value_high"]) if pd.notna(v)})
    return out


def paper_figures() -> dict[str, float]:
    """The cited papers' own figures where checked, as ``paper_<id>`` (and ``paper_<id>_high``)."""
    f = load("research_figures")
    f = f[f["paper_value"].notna()]
    out = {f"paper_{i}": float(v) for i, v in zip(f["figure_id"], f["paper_value"])}
    out.update({f"paper_{i}_high": float(v) for i, v in zip(f["figure_id"], f["paper_value_high"]) if pd.notna(v)})
    return out


def affiliation_counts(p: pd.DataFrame) -> dict[str, int]:
    """Identified papers by organisation type (company, university, lab, mixed), zero where none."""
    ident = p[p["identified_by"] != "unidentified"]
    counts = ident["org_type"].value_counts()
    return {t: int(counts.get(t, 0)) for t in ORG_TYPES}
