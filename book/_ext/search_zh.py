"""The book's search finds Chinese words and English words alike (``html_search_language: zh``).

Sphinx's English splitter indexes a Chinese word only where it stands alone between punctuation; its Chinese
search (``sphinx.search.zh``) segments with jieba but stems English with Porter2 while the page's query stemmer is
Porter, so "money" or "survey" find nothing. ``BookChinese`` replaces it under ``zh``:

* English words are split, filtered and stemmed exactly as the English search does;
* each run of Chinese characters is cut by jieba with a user dictionary of the book's own Chinese terms, and
  every shorter dictionary word inside a cut word is indexed too ("算力" inside "算力成本", "人工智能" inside a
  long law title);
* the user dictionary (``html_search_options["dict"]``, under ``_build/``) holds the Chinese terms the book sets
  beside English ones: the Chinese runs alone in brackets in its pages ("compute (算力)", "(定价模型)"), collected
  from the doctrees as Sphinx's indexer reads them, and the Chinese-only cells of the data package's ``*_zh``
  columns ("大模型" beside "large model"); when the dictionary changes every page is re-indexed;
* the search page splits a typed Chinese run that is not an indexed word into the index's words, longest first
  (``JS_SPLITTER``), so "算力芯片" finds the pages with both words;
* jieba stays quiet (its log goes under WARNING) and keeps its cache beside the dictionary, not in ``/tmp``.
"""
from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.search import SearchLanguage
from sphinx.search.zh import SearchChinese

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"([{HAN}]+)")
WORD_RE = re.compile(r"\w+")                  # the English search's words (SearchLanguage._word_re)
# a Chinese run that fills a pair of brackets: "compute (算力)", "（定价模型）", "【兩會焦點】", "《人工智能法案》"
TERM_RE = re.compile(f"[(（\\[【「《]\\s*([{HAN}]{{2,}})\\s*[)）\\]】」》]")
ENV_KEY = "book_search_terms"

# Where the query's own split (searchtools.js) leaves a Chinese run that is not a word of the index, cut it into
# the index's words, longest first from the left, as the index was cut at build time. Sphinx puts this code in
# language_data.js, which the search page loads after searchtools.js: it replaces the default splitQuery.
JS_SPLITTER = r"""
var splitQuery = (query) => {
  const index = (typeof Search !== "undefined" && Search._index) || {terms: {}, titleterms: {}};
  const has = Object.prototype.hasOwnProperty;
  const known = (w) => has.call(index.terms, w) || has.call(index.titleterms, w);
  const han = /\p{Script=Han}/u;
  const cut = (run) => {
    const words = [];
    for (let i = 0; i < run.length;) {
      let j = run.length;
      while (j > i + 1 && !known(run.slice(i, j))) j--;
      if (j > i + 1) words.push(run.slice(i, j));
      i = j;
    }
    return words.length ? words : [run];
  };
  return query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term)
    .flatMap((term) => (!han.test(term) || known(term.toLowerCase()) ? [term]
      : term.split(/(\p{Script=Han}+)/u).filter((p) => p)
          .flatMap((p) => (han.test(p) && !known(p) ? cut(p) : [p]))));
};
"""


def bracketed_terms(text: str) -> set[str]:
    """The Chinese runs of at least two characters that fill a pair of brackets in ``text``."""
    return set(TERM_RE.findall(text))


def _strip_html(markup: str) -> str:
    """Raw HTML as Sphinx indexes it: without styles, scripts and tags."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.IGNORECASE | re.DOTALL)
    markup = re.sub(r"<script.*?</script>", "", markup, flags=re.IGNORECASE | re.DOTALL)
    return re.sub(r"<[^<]+?>", "", markup)


def searched_text(node: nodes.Node) -> Iterator[str]:
    """The text Sphinx's indexer reads in ``node`` (``sphinx.search.WordCollector``): text nodes and raw HTML
    without its tags; comments, ``no-search`` elements and raw non-HTML left out."""
    if isinstance(node, nodes.comment):
        return
    if isinstance(node, nodes.raw):
        if "html" in node.get("format", "").split():
            yield _strip_html(node.astext())
        return
    if isinstance(node, nodes.Text):
        yield node.astext()
        return
    if isinstance(node, nodes.Element) and "no-search" in node.get("classes", []):
        return
    for child in node.children:
        yield from searched_text(child)


def data_terms(data_dir: Path) -> set[str]:
    """The cells of the ``*_zh`` columns of ``data_dir/*.csv`` that are one run of Chinese characters (two or more)."""
    run = re.compile(f"[{HAN}]{{2,}}")
    terms: set[str] = set()
    for path in sorted(data_dir.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                terms.update(v.strip() for k, v in row.items()
                             if k and k.endswith("_zh") and v and run.fullmatch(v.strip()))
    return terms


def user_dict_text(terms: Iterable[str]) -> str:
    """jieba's user dictionary: one word a line (jieba then gives each the frequency that keeps it whole), sorted."""
    return "".join(f"{t}\n" for t in sorted(set(terms)))


def _jieba(cache_dir: Path | None):
    """jieba, quiet, its prefix-dictionary cache in ``cache_dir`` (by default it writes to the system's /tmp)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache_dir)
    return jieba


@cache
def _porter():
    import snowballstemmer

    return snowballstemmer.stemmer("porter")        # as sphinx.search.en.SearchEnglish


def english_stem(word: str) -> str:
    """The English search's stem (Porter), made to agree with the search page's JS Porter stemmer, which stems
    the query, where the two differ in the book: words under three letters stay whole ("us"), "-logi" becomes
    "-log" ("technology": the English search itself indexed "technologi" and searched "technolog")."""
    word = word.lower()
    if len(word) < 3:
        return word
    stem = _porter().stemWord(word)
    return stem[:-1] if stem.endswith("logi") and len(stem) > 5 else stem


class BookChinese(SearchChinese):
    """Sphinx's ``zh`` search with the English search's words and stems, and jieba for runs of Chinese."""

    lang = "zh"
    js_splitter_code = JS_SPLITTER

    def init(self, options: dict[str, str]) -> None:
        path = Path(options["dict"]) if options.get("dict") else None
        self.jieba = _jieba(path.parent if path else None)
        self.jieba.initialize()
        if path and path.is_file():
            self.jieba.load_userdict(str(path))

    def cut(self, run: str) -> Iterator[str]:
        """jieba's words for a run of Chinese, each followed by the shorter dictionary words inside it."""
        freq = self.jieba.dt.FREQ
        for word in self.jieba.cut(run, HMM=True):
            yield word
            for n in range(2, len(word)):
                for i in range(len(word) - n + 1):
                    if freq.get(word[i:i + n]):
                        yield word[i:i + n]

    def split(self, input: str) -> list[str]:
        out: list[str] = []
        for word in WORD_RE.findall(input):
            if not HAN_RE.search(word):
                out.append(word)
                continue
            for part in HAN_RUN_RE.split(word):
                if part:
                    out.extend(self.cut(part) if HAN_RE.match(part) else [part])
        return out

    def word_filter(self, stemmed_word: str) -> bool:
        if HAN_RE.match(stemmed_word):
            return len(stemmed_word) > 1
        return SearchLanguage.word_filter(self, stemmed_word)

    def stem(self, word: str) -> str:
        return english_stem(word)


def dict_path(app: Sphinx) -> Path:
    """``html_search_options["dict"]``, relative to the book's root."""
    value = app.config.html_search_options.get("dict")
    if not value:
        raise ConfigError(f"html_search_options has no 'dict' ({app.config.html_search_options!r}); "
                          "allowed: a path for the generated jieba user dictionary, e.g. _build/.search/userdict.txt")
    return Path(app.srcdir, value)


def resolve_dict(app: Sphinx, config: Config) -> None:
    """Make the dictionary's path absolute (Sphinx's zh search opens it relative to the working directory)."""
    if config.html_search_language == "zh":
        config.html_search_options = {**config.html_search_options, "dict": str(dict_path(app))}


def collect_terms(app: Sphinx, doctree: nodes.document) -> None:
    terms = getattr(app.env, ENV_KEY, None) or {}
    terms[app.env.docname] = bracketed_terms("".join(searched_text(doctree)))
    setattr(app.env, ENV_KEY, terms)


def purge_terms(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, ENV_KEY, {}).pop(docname, None)


def merge_terms(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    terms = getattr(env, ENV_KEY, None) or {}
    terms.update({d: getattr(other, ENV_KEY, {})[d] for d in docnames if d in getattr(other, ENV_KEY, {})})
    setattr(env, ENV_KEY, terms)


def write_user_dict(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write the user dictionary from every page's terms; when it changed, every page is written (re-indexed)."""
    if app.config.html_search_language != "zh":
        return []
    path = dict_path(app)
    pages = (t for terms in getattr(env, ENV_KEY, {}).values() for t in terms)
    text = user_dict_text([*pages, *data_terms(Path(app.srcdir, "data"))])
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return sorted(env.found_docs)


def setup(app: Sphinx) -> None:
    app.add_search_language(BookChinese)
    app.connect("config-inited", resolve_dict)
    app.connect("doctree-read", collect_terms)
    app.connect("env-purge-doc", purge_terms)
    app.connect("env-merge-info", merge_terms)
    app.connect("env-updated", write_user_dict)
