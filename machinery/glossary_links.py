"""Find glossary terms in a chapter's Markdown and link the first use of each to its glossary entry.

A term is found only in running text: never inside a heading, a table row, a fenced code block, an HTML block, a
code span, a link (its text or its address), an HTML tag, a citation ``[@id]``, an italic title of three words or
more (``*State of Generative AI 2023*``), or, in an ``F.say`` template, a ``{field}``. The same scan decides what
the linker rewrites and what the tests read back from the executed chapters, so both agree on "the first use".
A glossary link is ``[text](../book/glossary.md#term_id "term: definition")``: plain Markdown, which the book
resolves to the entry's heading and JupyterLab renders with the definition as its hover title.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One glossary entry as the scanner needs it."""

    term_id: str
    term_en: str
    term_zh: str
    forms: tuple[str, ...]
    definition: str

    @property
    def title(self) -> str:
        """The links' hover title: the English term and its definition."""
        return f"{self.term_en}: {self.definition}"


@dataclass(frozen=True)
class Use:
    """One occurrence of a term: its span in the text and whether it is a glossary link to the term."""

    start: int
    end: int
    term_id: str
    linked: bool


GLOSSARY_LINK = re.compile(r'\[([^\]]+)\]\((?:[^()\s"]*/)?glossary\.md#([a-z0-9-]+)(?:\s+"[^"\n]*")?\)')
_INLINE_SKIP = [
    r"`[^`\n]*`",                                  # code span
    GLOSSARY_LINK.pattern,                         # a glossary link (its title may hold brackets)
    r'!?\[[^\]]*\]\([^)\s]*(?:\s+"[^"\n]*")?\)',     # link or image: its text, its address and title
    r"\[@[^\]\n]+\]",                              # citation
    r"<https?://[^>\s]+>|https?://[^\s)>\]]+",     # address
    r"<[A-Za-z/!][^>\n]*>",                        # HTML tag
    r"(?<![*\w])\*(?![\s*])[^*\n]*?\s[^*\n]*?\s[^*\n]*?(?<![\s*])\*(?![*\w])",  # italic title of 3+ words
]
_FIELD = r"\{\{|\}\}|\{[^{}\n]*\}"                 # a str.format field, or an escaped brace
_BLOCK_START = re.compile(r"\s{0,3}(#{1,6}(\s|$)|\||<[A-Za-z/!])")
_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,})")


def _skipped_lines(text: str) -> list[tuple[int, int]]:
    """Spans of whole lines that hold no running text: headings, table rows, fenced code, HTML blocks."""
    spans, pos, fence, html = [], 0, None, False
    for line in text.splitlines(keepends=True):
        end, stripped = pos + len(line), line.strip()
        fenced = _FENCE.match(line)
        if fence:
            spans.append((pos, end))
            if fenced and fenced.group(1)[0] == fence:
                fence = None
        elif fenced:
            fence = fenced.group(1)[0]
            spans.append((pos, end))
        elif html and stripped:
            spans.append((pos, end))
        elif _BLOCK_START.match(line):
            spans.append((pos, end))
            html = line.lstrip().startswith("<")
        else:
            html = False
        if not stripped:
            html = False
        pos = end
    return spans


def _free_segments(text: str, template: bool) -> list[tuple[int, int]]:
    """The spans of running text in which terms are looked for (see the module's docstring)."""
    skip = [False] * len(text)
    for a, b in _skipped_lines(text):
        skip[a:b] = [True] * (b - a)
    inline = "|".join(_INLINE_SKIP + ([_FIELD] if template else []))
    for m in re.finditer(inline, text):
        skip[m.start():m.end()] = [True] * (m.end() - m.start())
    segments, start = [], None
    for i, s in enumerate([*skip, True]):
        if not s and start is None:
            start = i
        elif s and start is not None:
            segments.append((start, i))
            start = None
    return segments


def _is_latin(form: str) -> bool:
    return bool(re.match(r"[A-Za-z0-9]", form))


def _pattern(form: str) -> str:
    """A form as a regular expression: whitespace matches any run of it (a line break included); a Latin form
    must stand as a whole word; a form in lower case matches any case."""
    body = r"\s+".join(re.escape(w) for w in form.split()) if _is_latin(form) else r"\s*".join(
        re.escape(w) for w in form.split())
    if _is_latin(form):
        body = rf"(?<![A-Za-z0-9_]){body}(?![A-Za-z0-9_])"
    return f"(?i:{body})" if form == form.lower() else body


class Scanner:
    """Finds every term's uses in Markdown; built once per glossary."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = {t.term_id: t for t in terms}
        self.by_form: dict[str, str] = {}
        for t in self.terms.values():
            for form in t.forms:
                key = self._key(form)
                if self.by_form.get(key, t.term_id) != t.term_id:
                    raise ValueError(f"form {form!r} belongs to two terms: {self.by_form[key]} and {t.term_id}")
                self.by_form[key] = t.term_id
        forms = sorted({f for t in self.terms.values() for f in t.forms}, key=lambda f: (-len(f), f))
        self.regex = re.compile("|".join(_pattern(f) for f in forms))

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(text.split()).lower().replace("生成式 ai", "生成式ai")

    def uses(self, text: str, template: bool = False) -> list[Use]:
        """Every use of a term in ``text``, in order: glossary links (``linked``) and plain occurrences."""
        found = [Use(m.start(), m.end(), m.group(2), True) for m in GLOSSARY_LINK.finditer(text)]
        for a, b in _free_segments(text, template):
            for m in self.regex.finditer(text, a, b):
                found.append(Use(m.start(), m.end(), self.by_form[self._key(m.group())], False))
        return sorted(found, key=lambda u: u.start)

    def link(self, text: str, seen: set[str], target: str, template: bool = False) -> str:
        """``text`` with its glossary links removed and the first use of every term not in ``seen`` linked to
        ``target#term_id``; ``seen`` gains the terms used. Linking twice gives the same text."""
        text = unlink(text)
        out, pos = [], 0
        for use in self.uses(text, template):
            if use.term_id in seen:
                continue
            seen.add(use.term_id)
            term = self.terms[use.term_id]
            out += [text[pos:use.start], f'[{text[use.start:use.end]}]({target}#{term.term_id} "{term.title}")']
            pos = use.end
        return "".join(out) + text[pos:]


def heading_slug(title: str) -> str:
    """A heading's anchor for MyST (``myst_heading_slug_func``): the id Sphinx gives the heading itself, so that a
    link's ``#fragment`` and the page's ``id`` agree (MyST's default slug keeps CJK and drops ``.``)."""
    from docutils.nodes import make_id

    return make_id(title) or re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def unlink(text: str) -> str:
    """``text`` with every glossary link replaced by its text."""
    return GLOSSARY_LINK.sub(lambda m: m.group(1), text)


def first_uses(scanner: Scanner, texts: Iterable[str]) -> dict[str, Use]:
    """The first use of each term across ``texts`` (a chapter's rendered Markdown, in order), keyed by term id;
    ``Use.start`` counts from the start of the text it is in."""
    first: dict[str, Use] = {}
    for text in texts:
        for use in scanner.uses(text):
            first.setdefault(use.term_id, use)
    return first
