"""``python -m helpers.chapters.research``: regenerate book/references.bib from data/papers.csv."""
from helpers.chapters.research import write_bibliography

write_bibliography()
