"""Links between the sections of the Chinese edition: a link to a heading follows the Chinese heading's anchor, and
each Chinese section also carries its English twin's anchor (both editions have the same sections, in the same
order, as the parity test holds them)."""
from __future__ import annotations

import os
import re

from helpers import i18n
from machinery import editions
from machinery.glossary_links import heading_slug

_LINK = re.compile(r"\]\(([^()\s]*?)#([^()\s\"]+)(\s+\"[^\"]*\")?\)")


def strip_glossary_titles(text: str) -> str:
    """Glossary links without their English hover titles (the Chinese page holds the definitions)."""
    return i18n.GLOSSARY_TITLE.sub(r"\1)", text)


def _plain(title: str) -> str:
    """A heading's text as a reader sees it: links, emphasis and code marks dropped."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).replace("*", "").replace("`", "").strip()


def _slugs(texts: list[str]) -> list[tuple[str, str]]:
    """Each heading of ``texts``, in order: (its anchor, its text)."""
    return [(heading_slug(_plain(title)), _plain(title)) for text in texts for _, title in editions.headings(text)]


def anchor_map(english: list[str], chinese: list[str]) -> dict[str, tuple[str, str]]:
    """English heading anchor → (the Chinese heading's anchor, its text), at the same place (where both have as
    many headings, as the parity test holds them)."""
    en, zh = _slugs(english), _slugs(chinese)
    return {e: z for (e, _), z in zip(en, zh)} if len(en) == len(zh) else {}


def relink(text: str, here: str, anchors: dict[str, dict[str, tuple[str, str]]]) -> str:
    """``text`` (of document ``here``) with every link to a heading pointing at the Chinese heading's anchor."""
    def one(m: re.Match) -> str:
        target, slug, title = m.group(1), m.group(2), m.group(3) or ""
        doc = here if not target else os.path.normpath(os.path.join(os.path.dirname(here), target))
        doc = re.sub(r"\.(ipynb|md)$", "", doc)
        return f"]({target}#{anchors.get(doc, {}).get(slug, (slug,))[0]}{title})"
    return _LINK.sub(one, strip_glossary_titles(text))


def with_english_anchors(chinese: str, english: str) -> str:
    """``chinese`` with, before each of its section headings, an anchor named as its English twin's
    (``<span id="…">``): a link to the English anchor (the report map's, a reader's bookmark) lands on the same
    section in Chinese, where Sphinx can only number a Chinese heading's id."""
    en = [heading_slug(_plain(title)) for _, title in editions.headings(english)]
    if len(en) != len(editions.headings(chinese)):
        return chinese
    out, k, fenced = [], 0, False
    for line in chinese.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"^(#{1,6})\s+\S", line)
        if m:
            if len(m.group(1)) > 1:
                out += [f'<span id="{en[k]}"></span>', ""]
            k += 1
        out.append(line)
    return "\n".join(out)
