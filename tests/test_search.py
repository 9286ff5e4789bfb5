"""The book's search (``html_search_language: zh``, ``book/_ext/search_zh.py``) finds Chinese words and English
words alike: typed into the built book's search page in Chromium, a word finds (nearly) every page whose text uses
it. What a page "uses" is computed from the built HTML's main content, never listed here.

Chinese words are checked standing alone and inside longer runs ("定价" inside "定价模型", "算力" inside "算力成本"),
and as queries that are no word of the index ("算力芯片"), which the search page's own splitter must cut. English
words must find every page with a word of the same Porter stem, as the English search did ("margins" finds the
"margin" pages). Both editions are searched, each with its own index: the English (``search.html``) and the Chinese
(``zh/search.html``), whose pages are Chinese and whose index is cut by the same splitter."""
from __future__ import annotations

import json
import re
import sys
from functools import cache

import pytest
import snowballstemmer
from bs4 import BeautifulSoup
from conftest import HTML, ROOT, pages, watch_offline

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import search_zh  # noqa: E402  (book/_ext is Sphinx's extension path, not a package)

# Chinese words: standing alone in brackets, inside longer runs, or both.
CHINESE = ["算力", "大模型", "定价", "启明创投", "垂直模型", "具身智能", "多模态", "监管", "生成式", "算力成本"]
# Not words of the index: the page's splitter cuts them into indexed words ("算力" + "芯片").
LONGER = ["算力芯片", "开源大模型", "人工智能产业"]
ENGLISH = ["margin", "margins", "utilization", "Qiming", "regulation", "papermill", "technology", "money"]
SHARE = 0.9          # of the pages that use a Chinese word, the least its search must find
EDITIONS = ["", "zh/"]           # the English edition at the root, the Chinese one under zh/
RESULTS = {"": "Search Results", "zh/": "搜索结果"}     # the search page's heading once it has searched
PORTER = snowballstemmer.stemmer("porter")    # the English search's stemmer (sphinx.search.en)


@cache
def page_texts(edition: str = "") -> dict[str, str]:
    """Each built page of ``edition``'s main content as text (``article.bd-article`` without scripts, styles, heading
    anchors and the run note the build adds around the page's source), by path relative to the edition's root."""
    texts = {}
    root = HTML / edition
    for path in pages():
        if (edition and root not in path.parents) or (not edition and path.relative_to(HTML).parts[0] == "zh"):
            continue
        markup = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", path.read_text(encoding="utf-8"), flags=re.S | re.I)
        markup = re.sub(r'\ssrc="data:[^"]*"', "", markup)         # charts' pictures: the parse takes half as long
        article = BeautifulSoup(markup, "html.parser").select_one("article.bd-article")
        if article is None:                      # index.html (a redirect), search.html
            continue
        for node in article.select("a.headerlink, p.run-chapter"):
            node.decompose()
        texts[str(path.relative_to(root))] = article.get_text(" ")
    return texts


def pages_using(word: str, edition: str = "") -> set[str]:
    """Chinese: the pages whose text contains ``word``. English: those with a word of the same Porter stem."""
    if re.search(f"[{search_zh.HAN}]", word):
        return {p for p, t in page_texts(edition).items() if word in t}
    stem = PORTER.stemWord(word.lower())
    return {p for p, stems in page_stems(edition).items() if stem in stems}


@cache
def page_stems(edition: str = "") -> dict[str, set[str]]:
    """The Porter stems of each page's words (``\\w+``, as the English search splits them)."""
    return {p: set(PORTER.stemWords(sorted(set(re.findall(r"\w+", t.lower())))))
            for p, t in page_texts(edition).items()}


@pytest.fixture(scope="module")
def search(browser, server):
    """``search(word, edition)``: the pages the edition's search page lists for ``word`` (one browser page)."""
    page = browser.new_page()
    blocked, errors = watch_offline(page, server)

    def run(word: str, edition: str = "") -> set[str]:
        if page.url.startswith(f"{server}/{edition}search.html"):
            # the same page and index, a new query: as the search box does, without fetching every result page
            # again for its summary
            page.evaluate("""word => { DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
                document.getElementById('search-results').replaceChildren(); Search.performSearch(word); }""", word)
        else:
            page.goto(f"{server}/{edition}search.html?q={word}", wait_until="load")
        page.wait_for_function("done => document.querySelector('#search-results h2')?.textContent === done",
                               arg=RESULTS[edition], timeout=10_000)
        hrefs = page.eval_on_selector_all("#search-results ul.search li > a", "els => els.map(e => e.getAttribute('href'))")
        assert not blocked and not errors, f"searching {word!r}: requests off the machine {blocked}, errors {errors}"
        return {re.split(r"[#?]", h)[0] for h in hrefs}

    yield run
    page.close()


@cache
def index_words(edition: str = "") -> set[str]:
    """The words of the edition's built search index (terms and title terms)."""
    text = (HTML / edition / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    return set(index["terms"]) | set(index["titleterms"])


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("word", CHINESE + LONGER)
def test_a_chinese_word_finds_the_pages_that_use_it(search, word, edition):
    if word in LONGER and not edition:
        assert word not in index_words(), f"the index has {word!r}: choose a query that is not one of its words"
    want = pages_using(word, edition)
    assert want, f"no page of the book uses {word!r}: choose another word"
    missing = want - search(word, edition)
    assert len(want - missing) >= SHARE * len(want), (
        f"{word!r} finds {len(want - missing)} of the {len(want)} pages that use it; missing {sorted(missing)}")


@pytest.mark.parametrize("word", ENGLISH)
def test_an_english_word_finds_every_page_with_its_stem(search, word):
    want = pages_using(word)
    assert want, f"no page of the book uses {word!r}: choose another word"
    missing = want - search(word)
    assert not missing, f"{word!r} finds {len(want - missing)} of the {len(want)} pages that use it; missing {sorted(missing)}"


def test_the_build_made_the_dictionary_quietly(server):
    """The user dictionary holds the book's bracketed terms and its data's Chinese terms; jieba wrote its cache
    beside it and printed nothing into the build's log."""
    words = set((ROOT / "_build" / ".search" / "userdict.txt").read_text(encoding="utf-8").split())
    assert {"算力", "定价模型", "垂直大模型", "启明创投", "大模型"} <= words
    assert (ROOT / "_build" / ".search" / "jieba.cache").is_file()
    log = (ROOT / "_build" / "book.log").read_text(encoding="utf-8")
    assert not re.search(r"jieba|prefix dict|Loading model", log), "jieba printed into _build/book.log"


def test_bracketed_terms_are_the_chinese_runs_alone_in_brackets():
    text = "compute (算力), pricing （定价模型）, 【兩會焦點】, 《人工智能法案》, (大模型的“慢思考”), (中), (GPU 算力)"
    assert search_zh.bracketed_terms(text) == {"算力", "定价模型", "兩會焦點", "人工智能法案"}


def test_the_data_packages_chinese_terms_join_the_dictionary():
    terms = search_zh.data_terms(ROOT / "data")
    assert "大模型" in terms and all(re.fullmatch(f"[{search_zh.HAN}]{{2,}}", t) for t in terms)
    assert search_zh.user_dict_text(["定价", "算力", "定价"]) == "定价\n算力\n"


def test_english_stems_agree_with_the_page_stemmer():
    """The index's stems are the English search's, except where its JS Porter stemmer (which stems the query)
    differs: words under three letters stay whole, "-logy" loses its "i"."""
    assert [search_zh.english_stem(w) for w in ["margins", "margin", "utilization", "us", "technology", "technologies"]] == [
        "margin", "margin", "util", "us", "technolog", "technolog"]


@pytest.mark.slow          # jieba builds its prefix dictionary: 1.5 s on two idle cores
def test_split_keeps_english_words_and_cuts_chinese_runs(tmp_path):
    (tmp_path / "userdict.txt").write_text("垂直模型\n大模型\n", encoding="utf-8")
    words = search_zh.BookChinese({"dict": str(tmp_path / "userdict.txt")}).split("GPU算力成本 and margins (垂直大模型, 垂直模型)")
    assert {"GPU", "and", "margins", "算力", "成本", "垂直", "大模型", "垂直模型"} <= set(words)
    assert (tmp_path / "jieba.cache").is_file()
