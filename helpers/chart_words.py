"""A chart's words in another language: its titles, axis and legend titles, tooltips, slider names and alt text
translated by the catalogue (``helpers.i18n``), its data, fields and expressions untouched."""
from __future__ import annotations

import html
import re

# The words of a spec a reader sees: titles (chart, axis, legend, tooltip), subtitles, the alt text, a slider's name
# (``name`` under ``bind``; a parameter's own name is used by expressions), a title's or a text mark's literal text.
WORDS = {"title": None, "subtitle": None, "description": None, "name": ("bind",), "text": ("title", "mark")}
NOT_WORDS = frozenset({"data", "datasets", "field", "expr", "test", "as", "calculate", "filter", "sort", "scale"})


def translate_spec(spec: object, lang: str, key: str = "", parent: str = "") -> object:
    """A copy of ``spec`` with its titles, axis and legend titles, tooltip titles, slider names and alt text in
    ``lang`` where the catalogue has them; its data, fields and expressions untouched."""
    from helpers import i18n

    if isinstance(spec, dict):
        return {k: v if k in NOT_WORDS else translate_spec(v, lang, k, key) for k, v in spec.items()}
    if isinstance(spec, list):
        return [translate_spec(v, lang, key, parent) for v in spec]
    if isinstance(spec, str) and key in WORDS and (WORDS[key] is None or parent in WORDS[key]):
        return i18n.translate(spec, lang)
    return spec



_SVG_TEXT = re.compile(r"(<(?:text|tspan)\b[^>]*>)([^<]+)(?=</(?:text|tspan)>)")


def translate_picture(svg: str, lang: str) -> str:
    """An SVG picture of a chart (vl-convert's) with each text of it that the catalogue has in ``lang`` replaced, in
    place: the English picture's layout with the other language's words, for the Chinese book, whose interactive
    chart, laid out anew, replaces it at once (drawing every picture again would cost 0.2 s a chart)."""
    from helpers import i18n

    def one(m: re.Match) -> str:
        text = html.unescape(m.group(2))
        translated = i18n.translate(text, lang)
        return m.group(1) + html.escape(translated, quote=False) if translated != text else m.group(0)

    return _SVG_TEXT.sub(one, svg)
