"""The book's two languages: the ``lang`` parameter every chapter takes, and the Chinese text of its sentences.

The English text lives where it always did (the notebooks' Markdown cells, the templates of ``F.say``, the charts'
titles and captions in ``helpers``). Its Chinese twin lives in ``i18n/zh/``, one YAML file per chapter plus
``common.yml`` for what several chapters share::

    cells:                      # the chapter's Markdown cells, by cell id
      ce46d523:
        en: "# Talent: where the top AI researchers work (人才) …"      # the English the translation follows
        zh: "# 人才：顶尖 AI 研究者在哪里 …"
    strings:                    # computed sentences, chart and table texts: the English, then the Chinese
      - en: "Of the scholars on the latest AI 2000 list, {report_founders_count:g} chose a start-up …"
        zh: "在入选了最新的 AI 2000 排名的顶尖学者中，就有 {report_founders_count:g} 人选择了创业作为新的起点 …"

A string is found by its English, whitespace aside. An English string with ``{name}`` fields is a pattern when the
English it translates was computed: ``"{field} leads, with {n} {unit}"`` matches "Vision leads, with 7 distinct
scholars", and each field's text is translated in turn where the catalogue has it. A template of ``F.say`` keeps its
fields and their formats in both languages, so both editions print the same figures (``machinery.editions`` checks).
"""
from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from helpers.paths import ROOT

LANGS = {"en": "English", "zh": "中文"}
DEFAULT = "en"
I18N_DIR = ROOT / "i18n"
SOURCE_LABEL = {"en": "Source: ", "zh": "来源："}     # before a chart's source line
_current = DEFAULT


class LanguageError(ValueError):
    """A ``lang`` other than one of ``LANGS``."""


def validate_lang(value: object, name: str = "lang") -> str:
    """``value`` when it is one of the book's languages; otherwise the one-line error every parameter gets."""
    if not isinstance(value, str) or value not in LANGS:
        from helpers.errors import ParameterError

        raise ParameterError(f"parameter {name!r} = {value!r} is not allowed; allowed: one of {', '.join(LANGS)} "
                             f"({', '.join(f'{k}: {v}' for k, v in LANGS.items())})")
    return value


def use(lang: str) -> str:
    """Make ``lang`` the language this process writes its sentences and charts in (a chapter's ``validate`` calls it
    with the ``lang`` parameter); returns it."""
    global _current
    _current = validate_lang(lang)
    return _current


def current() -> str:
    """The language sentences and charts are written in now."""
    return _current


def normalize(text: str) -> str:
    """``text`` with every run of white space made one space, and none at the ends: the key of a string."""
    return " ".join(text.split())


def fields(template: str) -> list[str]:
    """The ``{name:format}`` fields of a template, in order, each as written (``name:format``)."""
    out = []
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None:
            out.append(f"{name}:{spec}" if spec else name)
    return out


_FIELD = re.compile(r"\{(\w+)\}")


@dataclass
class Catalog:
    """One language's strings: exact English → translation, and the patterns (English with ``{name}`` fields)."""

    exact: dict[str, str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern, str]] = field(default_factory=list)
    cells: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, en: str, translated: str) -> None:
        """Record one string (a later file's entry for the same English wins)."""
        key = normalize(en)
        self.exact[key] = translated
        if _FIELD.search(key) and not any(c in key for c in ":!"):
            parts = re.split(r"(\{\w+\})", key)
            regex = "".join(f"(?P<{p[1:-1]}>.+?)" if _FIELD.fullmatch(p) else re.escape(p) for p in parts)
            self.patterns.append((re.compile(f"^{regex}$"), translated))

    def get(self, text: str) -> str | None:
        """The translation of ``text`` (exact, else by pattern, its fields translated where known), or None."""
        key = normalize(text)
        if not key:
            return text
        if key in self.exact and not _is_pattern(key):
            return self.exact[key]
        for regex, translated in self.patterns:
            m = regex.match(key)
            if m:
                values = {k: self.get(v) or v for k, v in m.groupdict().items()}
                return translated.format_map(values)
        return self.exact.get(key)


def _is_pattern(key: str) -> bool:
    return bool(_FIELD.search(key))


def catalog_files(lang: str, root: Path = ROOT) -> list[Path]:
    """``i18n/<lang>/*.yml``: ``common.yml`` first, so a chapter's own entry wins."""
    files = sorted((root / "i18n" / lang).glob("*.yml"))
    return sorted(files, key=lambda p: p.name != "common.yml")


def read_file(path: Path) -> dict:
    """One catalogue file, as YAML (``cells`` and ``strings``), with a clear error naming the file."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as exc:
        raise LanguageError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LanguageError(f"{path}: expected a mapping with 'cells' and 'strings'")
    return data


@functools.lru_cache(maxsize=4)
def catalog(lang: str, root: Path = ROOT) -> Catalog:
    """Every string of ``lang``'s catalogue files (read once per process)."""
    cat = Catalog()
    for path in catalog_files(lang, root):
        data = read_file(path)
        for i, entry in enumerate(data.get("strings") or []):
            if not isinstance(entry, dict) or not isinstance(entry.get("en"), str):
                raise LanguageError(f"{path}: strings[{i}] needs an 'en' text and a '{lang}' text")
            if isinstance(entry.get(lang), str) and entry[lang].strip():
                cat.add(entry["en"], entry[lang])
        for cell_id, entry in (data.get("cells") or {}).items():
            cat.cells[str(cell_id)] = entry
    return cat


def translate(text: str, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: the current language) where the catalogue has it, else as it is."""
    lang = lang or _current
    if lang == DEFAULT or not isinstance(text, str):
        return text
    found = catalog(lang).get(text)
    return text if found is None else found


def template(text: str, lang: str | None = None) -> str:
    """The ``lang`` twin of a sentence template (same fields), or the English one where none is written yet."""
    lang = lang or _current
    if lang == DEFAULT:
        return text
    found = catalog(lang).exact.get(normalize(text))
    return text if found is None else found


def validate(values: dict) -> str:
    """A chapter without parameters of its own (``01b``, ``02c``): check its ``lang`` and write in it from now on."""
    return use(values.get("lang", DEFAULT))


def translate_cells(nb: dict, lang: str) -> list[str]:
    """Put ``lang``'s text in ``nb``'s Markdown cells (a notebook as JSON, changed in place): a rerun with
    ``lang = "zh"`` reads in Chinese from its first heading, as its sentences and charts already do. The ids of
    the cells the catalogue lacks are returned (they stay in English)."""
    if lang == DEFAULT:
        return []
    cat, missing = catalog(lang), []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            entry = cat.cells.get(cell.get("id", ""))
            if entry and str(entry.get(lang) or "").strip():
                cell["source"] = GLOSSARY_TITLE.sub(r"\1)", entry[lang])
            else:
                missing.append(str(cell.get("id")))
    nb.setdefault("metadata", {})["book_lang"] = lang
    return missing


# A glossary link's hover title is the English definition: the other language's text links without it.
GLOSSARY_TITLE = re.compile(r"(\]\([^()\s]*glossary\.md#[^()\s]+)\s+\"[^\"]*\"\)")
