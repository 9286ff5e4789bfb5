"""The frontier-research chapter: the papers behind the report's chapter 2, and their BibTeX."""
from __future__ import annotations

from typing import Any

import pandas as pd

from helpers import params
from helpers.data import load

ORG_TYPES = ("company", "university", "lab", "mixed")


def sections() -> list[str]:
    """Section ids in the report's order."""
    return list(load("research_sections").sort_values("order")["section"])


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
    """The paper's canonical page: arXiv abstract from the id, else the DOI, else the page checked."""
    if isinstance(row["arxiv_id"], str) and row["arxiv_id"]:
        return f"https://arxiv.org/abs/{row['arxiv_id']}"
    if isinstance(row["doi"], str) and row["doi"]:
        return f"https://doi.org/{row['doi']}"
    return str(row["checked_url"])


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
        fields.update(journal=f"arXiv preprint arXiv:{row['arxiv_id']}", eprint=row["arxiv_id"], archiveprefix="arXiv",
                      url=f"https://arxiv.org/abs/{row['arxiv_id']}")
    if isinstance(row["doi"], str) and row["doi"]:
        fields["doi"] = row["doi"]
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

