"""What a workshop participant and an analyst see outside the book: every chapter opened in a real
JupyterLab (untrusted, offline), a papermill rerun opened the same way, and its nbconvert HTML.

JupyterLab runs from this venv on 127.0.0.1 with a token; Playwright drives Debian Chromium with
every non-loopback request aborted and cell windowing off, so every cell is rendered. Notebooks
are never trusted here (the notary's database is in memory), as on a fresh clone.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest
from conftest import NOTEBOOKS, PRICING, assert_quotes_unchanged, run_notebook, watch_offline

from machinery import rerun

CHAPTERS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))   # chapters and their sub-pages (01b_, 02b_)
# Raw MyST a reader must never see: roles, directive fences, directive options, colon fences.
RAW_MYST = re.compile(r"\{(glue|cite|ref|doc|numref|eq|term|download|bibliography|admonition)[^}]*\}|^:::|^```\{|"
                      r"^:(class|filter|name):", re.M)
RERUN = {"utilization": 0.5, "model_params": 70e9, "rental_usd_per_hour": 12.0, "server_price_usd": 150000.0,
         "inference_efficiency": 0.5, "app_input_usd_per_1k": 0.0005, "app_output_usd_per_1k": 0.0015}


def charts_in(nb_path: Path) -> int:
    """How many book charts a notebook's outputs hold."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return sum("".join(o.get("data", {}).get("text/html", "")).count('class="book-chart"')
               for c in nb["cells"] for o in c.get("outputs", []))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def rerun_dir(tmp_path_factory) -> Path:
    """A papermill rerun of the pricing chapter with non-default parameters, and its nbconvert HTML."""
    folder = tmp_path_factory.mktemp("rerun")
    out = run_notebook(PRICING, folder / "pricing_rerun.ipynb", **RERUN)
    rerun.write_html(out, folder / "pricing_rerun.html")
    # `jupyter nbconvert --to html`, as an analyst runs it: the command's own application, in this process
    from nbconvert.nbconvertapp import NbConvertApp

    app = NbConvertApp()
    app.initialize(["--to", "html", str(out), "--output", "pricing_rerun_plain", "--log-level=ERROR"])
    with warnings.catch_warnings():      # papermill's own record outputs have no HTML form; the command says so too
        warnings.filterwarnings("ignore", "Your element with mimetype", UserWarning)
        app.start()
    assert (folder / "pricing_rerun_plain.html").exists()
    # the Chinese edition of a rerun (-p lang zh), with its readable page
    zh = run_notebook(NOTEBOOKS / "05_talent.ipynb", folder / "talent_zh.ipynb", lang="zh", count_by="rows")
    rerun.write_html(zh, folder / "talent_zh.html")
    return folder


def test_rerun_changes_figures_as_hand_computation_says(rerun_dir):
    out = rerun_dir / "pricing_rerun.ipynb"
    g = rerun.glued_figures(out)
    assert_quotes_unchanged(out, PRICING)
    assert g["source_model_params"] == 175e9 and g["yours_model_params"] == " (this run: 70 billion)"
    # infrastructure: revenue 12 × 8760 × 0.5 = 52,560; cost 150,000 / 5 = 30,000
    assert g["infra_gross_margin"] == pytest.approx(1 - 30_000 / 52_560)
    assert g["infra_breakeven_utilization"] == pytest.approx(30_000 / (12 * 8760))
    # training: 6 × 70e9 × 300e9 = 1.26e23 FLOPs; V100 at 28 TFLOPS
    assert g["train_flops"] == pytest.approx(1.26e23)
    assert g["train_gpu_years_v100"] == pytest.approx(1.26e23 / 28e12 / (8760 * 3600))
    # inference on A100: 19.22/8 USD/h, 312 TFLOPS, 2 × 70e9 × 1000 FLOPs, 50 % efficiency
    a100 = 19.22 / 8 / 3600 / 312e12 * 2 * 70e9 * 1000 / 0.5
    assert g["infer_cost_a100_usd_per_1k"] == pytest.approx(a100)
    assert g["infer_margin_a100"] == pytest.approx(1 - a100 / 0.02)
    # application: query tool, 3 calls × (50 × 0.0005 + 300 × 0.0015)/1000 × 1e6
    assert g["app_daily_cost_query_tool_1m_dau"] == pytest.approx(3 * (50 * 0.0005 + 300 * 0.0015) / 1000 * 1e6)
    # the sentences follow: the parameters are glued for the prose, and the figure titles changed
    assert g["param_model_params_text"] == "70 billion"
    nb = nbformat.read(str(out), as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    assert f"breaks even at {30_000 / (12 * 8760):.0%} utilization" in html
    assert "USD 12.00 an hour" in html and "70 billion-parameter model" in html


@pytest.fixture(scope="module")
def lab(tmp_path_factory, rerun_dir):
    """A JupyterLab server over a folder holding the chapters and the rerun; yields its base URL and token."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").symlink_to(NOTEBOOKS)
    (root / "rerun").symlink_to(rerun_dir)
    (root / "run").mkdir()          # chapters a test runs in the lab: copies, so an autosave cannot touch notebooks/
    shutil.copy(NOTEBOOKS / "02b_three_years_on.ipynb", root / "run")
    settings = root / ".settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    (settings / "apputils-extension").mkdir()
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--NotebookNotary.db_file=:memory:", "--LabApp.news_url=None",
           f"--LabApp.user_settings_dir={root / '.settings'}", f"--LabApp.workspaces_dir={root / '.workspaces'}",
           "--LabApp.extension_manager=readonly", "--LabApp.expose_app_in_browser=True", "--allow-root",
           # on shutdown the kernels the tests started are killed at once, not given 5 s to exit gracefully
           "--KernelManager.shutdown_wait_time=0",
           # kernels talk over Unix sockets: with TCP, a port the server picked can be taken by another process
           # before its kernel binds it (a busy test machine), and the dead kernel breaks the server's kernel list
           "--KernelManager.transport=ipc"]
    log = root / "lab.log"
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {log.read_text()[-2000:]}")
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("jupyter lab did not start within 60 s")
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:      # a server that does not stop within 5 s
        proc.kill()
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """One JupyterLab page, loaded once; each test opens its notebook in it (no app reload per notebook)."""
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    blocked, errors = watch_offline(page, base)
    seen = {"errors": errors, "blocked": blocked}
    page.goto(f"{base}/lab?reset&token={token}", wait_until="load")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=60_000)
    page.evaluate("() => window.jupyterapp.started")
    yield page, seen
    page.close()


def open_in_lab(lab_page, rel: str, shot: Path | None = None) -> dict:
    """Open ``rel`` in the lab page; return the visible notebook's text, its charts and any new errors."""
    page, seen = lab_page
    seen["errors"].clear()
    seen["blocked"].clear()
    page.evaluate("""async rel => { const app = window.jupyterapp;
        await app.commands.execute('docmanager:open', {path: rel}); }""", rel)
    page.wait_for_function(
        """rel => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
           const tab = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel');
           return p && tab && tab.textContent && rel.endsWith(tab.textContent) && p.querySelectorAll('.jp-Cell').length > 3 &&
                  p.querySelectorAll('.jp-RenderedMarkdown').length > 0 &&
                  [...p.querySelectorAll('img.chart-static')].every(i => i.complete); }""", arg=rel, timeout=60_000)
    page.wait_for_timeout(300)
    found = page.evaluate(
        """() => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                   const figs = [...p.querySelectorAll('figure.book-chart')];
                   const cells = [...p.querySelectorAll('.jp-OutputArea-output table td, .jp-OutputArea-output table th')];
                   const align = c => getComputedStyle(c).textAlign.replace('start', 'left');
                   return {text: p.querySelector('.jp-Notebook').innerText, figures: figs.length,
                           drawn: figs.filter(f => [...f.querySelectorAll('img, svg, canvas')].some(
                               e => (e.naturalWidth || e.getBoundingClientRect().width) > 100)).length,
                           math: [...p.querySelectorAll('mjx-container, .MathJax, .MathJax_Display, .katex')].map(
                               e => (e.closest('.jp-RenderedMarkdown, .jp-RenderedHTMLCommon') || e).innerText.slice(0, 120)),
                           cells: cells.length,
                           misaligned: cells.filter(c => align(c) !== (c.classList.contains('num') ? 'right' : 'left'))
                               .map(c => c.innerText.slice(0, 60)),
                           textLeft: cells.filter(c => !c.classList.contains('num') && c.innerText.length > 40
                               && align(c) === 'left').length}; }""")
    if shot:
        page.screenshot(path=str(shot))
    return {**found, "errors": list(seen["errors"]), "blocked": list(seen["blocked"])}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_reads_in_jupyterlab(lab_page, chapter):
    seen = open_in_lab(lab_page, f"notebooks/{chapter}")
    raw = sorted(set(m.group(0) for m in RAW_MYST.finditer(seen["text"])))
    assert not raw, f"raw MyST visible in JupyterLab: {raw}"
    assert "nan" not in re.findall(r"\b\w+\b", seen["text"])
    assert seen["figures"] == charts_in(NOTEBOOKS / chapter) > 0
    assert seen["drawn"] == seen["figures"], f"{seen['figures'] - seen['drawn']} chart(s) blank"
    assert not seen["errors"], seen["errors"]
    assert not seen["blocked"], f"tried to reach the network: {seen['blocked']}"
    assert seen["math"] == [], f"typeset as mathematics in JupyterLab (a pair of $?): {seen['math']}"
    # tables read as in the book: text left, numbers right (the lab's own style right-aligns every cell)
    assert seen["misaligned"] == [], f"table cells aligned against their kind: {seen['misaligned'][:5]}"


def test_rerun_reads_in_jupyterlab_with_its_own_figures(lab_page):
    seen = open_in_lab(lab_page, "rerun/pricing_rerun.ipynb")
    text = seen["text"]
    assert not RAW_MYST.search(text)
    revenue = 12.0 * 8760 * 0.5                                      # USD a year at 50 % utilization
    margin, breakeven = 1 - 150_000 / 5 / revenue, 150_000 / 5 / (12.0 * 8760)
    # the takeaways give the run's figures (the layer's own check is folded, closed, under "Checking the numbers")
    assert f"this run's inputs give {margin:.1%} at 50% utilization" in text and f"breaks even at {breakeven:.1%}" in text
    # quotes keep the report's figures; the rerun's own are a separate phrase
    assert "for USD 200,000 (this run: USD 150,000)" in text and "24.21 an hour (this run: USD 12.00)" in text
    assert seen["drawn"] == seen["figures"] == charts_in(PRICING)
    assert not seen["errors"] and not seen["blocked"]
    assert seen["math"] == [] and seen["misaligned"] == [] and seen["cells"] > 0


CJK = re.compile(r"[\u3400-\u9fff]")


def test_a_chinese_rerun_reads_in_jupyterlab(lab_page):
    """``-p lang zh``: untrusted, offline, the notebook reads in Chinese, and its charts' pictures (PNG drawn with the
    book's own font) show in place of the interactive charts the lab does not run."""
    seen = open_in_lab(lab_page, "rerun/talent_zh.ipynb")
    text = seen["text"]
    assert not RAW_MYST.search(text)
    assert len(CJK.findall(text)) > 1500          # its code cells and the data in its tables stay as they are
    assert "从研究到创新" in text and "印出的行" in text              # its Markdown and its sentences, this run's count
    assert seen["drawn"] == seen["figures"] == charts_in(NOTEBOOKS / "05_talent.ipynb") > 0
    assert not seen["errors"] and not seen["blocked"] and seen["math"] == []


def test_a_chinese_rerun_page_is_chinese_and_draws_offline(browser, rerun_dir):
    page = browser.new_page()
    blocked, _ = watch_offline(page, "file:")
    page.goto((rerun_dir / "talent_zh.html").as_uri(), wait_until="load")
    pictures = page.evaluate("() => [...document.querySelectorAll('figure.book-chart img')].map(i => [i.naturalWidth, "
                             "i.src.slice(0, 22)])")
    lang, text = page.evaluate("() => [document.documentElement.lang, document.body.innerText]")
    page.close()
    assert lang == "zh-Hans" and "来源：" in text and not blocked
    assert pictures and all(w > 100 and src == "data:image/png;base64," for w, src in pictures), pictures


@pytest.mark.parametrize("html", ["pricing_rerun.html", "pricing_rerun_plain.html"])
def test_rerun_html_draws_every_chart_offline(browser, rerun_dir, html):
    """Both the readable rerun page (`helpers.rerun --html`) and plain `jupyter nbconvert --to html`."""
    page = browser.new_page()
    blocked, _ = watch_offline(page, "file:")
    page.goto((rerun_dir / html).as_uri(), wait_until="load")
    sizes = page.evaluate("() => [...document.querySelectorAll('figure.book-chart img')].map(i => i.naturalWidth)")
    text = page.evaluate("() => document.body.innerText")
    page.close()
    assert len(sizes) == charts_in(PRICING) and all(w > 100 for w in sizes), sizes
    assert not RAW_MYST.search(text) and "this run's inputs give" in text
    if html == "pricing_rerun.html":     # plain nbconvert asks a CDN for require.js and MathJax; ours asks nothing
        assert not blocked, f"the page asked the network for {blocked}"
    else:                                # ... and the offline browser refused those requests
        assert any(u.startswith("https://cdn") for u in blocked), blocked


def test_a_chart_made_in_a_new_cell_draws_offline(lab_page):
    """A participant's own Altair chart, after importing the helpers, draws with the network blocked."""
    page, seen = lab_page
    seen["errors"].clear()
    page.evaluate("""async () => { const app = window.jupyterapp;
        await app.commands.execute('notebook:create-new', {cwd: '', kernelName: 'python3'}); }""")
    page.wait_for_function("""() => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
        const tab = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel');
        return p && tab && tab.textContent.startsWith('Untitled') && p.querySelector('.jp-Cell .cm-content'); }""",
        timeout=60_000)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".jp-Cell .cm-content").first.click()
    page.keyboard.insert_text("import altair as alt, pandas as pd\nimport helpers.charts\n"
                              "alt.Chart(pd.DataFrame({'x': [1, 2, 3], 'y': [3, 1, 2]})).mark_line().encode(x='x', y='y')")
    page.evaluate("""async () => { const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
        await ctx.ready;
        for (let i = 0; i < 600 && ctx.session?.kernel?.status !== 'idle'; i++) await new Promise(r => setTimeout(r, 100)); }""")
    page.keyboard.press("Shift+Enter")
    # the output is trusted (it ran in this session): its script loads the book's Vega bundle from JupyterLab's
    # own static folder and draws the interactive chart in place of the picture
    chart = panel.locator(".jp-OutputArea-output .vega-chart svg.marks").first
    chart.wait_for(timeout=90_000)
    assert page.evaluate("() => typeof window.vegaEmbed") == "function"
    assert not seen["blocked"], f"tried to reach the network: {seen['blocked']}"


def test_what_if_sliders_work_in_jupyterlab_once_the_chapter_runs(lab_page):
    """Untrusted, the three-years-on chapter shows its what-if charts as pictures; run, it shows the same sliders as
    the book, computed in the page, and moving one changes the chart."""
    page, seen = lab_page
    nb = NOTEBOOKS / "02b_three_years_on.ipynb"
    open_in_lab(lab_page, f"run/{nb.name}")
    page.evaluate("""async () => { const app = window.jupyterapp; const ctx = app.shell.currentWidget.sessionContext;
        await ctx.ready;
        for (let i = 0; i < 600 && ctx.session?.kernel?.status !== 'idle'; i++) await new Promise(r => setTimeout(r, 100));
        await app.commands.execute('notebook:run-all-cells'); }""")
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    charts = sum("whatif_at(" in c.source for c in nbformat.read(str(nb), as_version=4).cells if c.cell_type == "code")
    assert charts == 2
    page.wait_for_function(f"""() => document.querySelectorAll('{panel} .jp-OutputArea-output input[type=range]').length
                                   >= 9""", timeout=120_000)      # the book's nine: 3 (infrastructure) + 6 (apps)
    found = page.evaluate(f"""() => {{
        const inputs = [...document.querySelectorAll('{panel} .jp-OutputArea-output input[type=range]')];
        const chart = inputs[0].closest('.vega-chart');
        const before = chart.querySelector('svg.marks').innerHTML;
        inputs[0].value = inputs[0].min; inputs[0].dispatchEvent(new Event('input', {{bubbles: true}}));
        return new Promise(r => setTimeout(() => r({{n: inputs.length,
            changed: chart.querySelector('svg.marks').innerHTML !== before}}), 500)); }}""")
    assert found["changed"], "moving a slider did not redraw its chart"
    assert not seen["blocked"], f"tried to reach the network: {seen['blocked']}"


def test_exercises_read_cleanly_in_jupyterlab(lab_page):
    """A chapter's exercises as a workshop sees them: solutions folded (closed <details>, collapsed solution code),
    the answer cells and the solutions' self-checks visible, no raw MyST, nothing fetched from the network."""
    from machinery import kit

    chapter = NOTEBOOKS / "02_pricing_models.ipynb"
    nb = nbformat.read(str(chapter), as_version=4)
    ids = kit.exercise_ids(nb)
    solution_code = [c.source for c in nb.cells if c.cell_type == "code" and kit.SOLUTION in c.metadata.get("tags", [])]
    seen = open_in_lab(lab_page, f"notebooks/{chapter.name}")
    page, _ = lab_page
    found = page.evaluate("""() => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
        const d = [...p.querySelectorAll('details')];
        return {details: d.length, open: d.filter(x => x.open).length,
                summaries: [...new Set(d.map(x => x.querySelector('summary').innerText.trim()))]}; }""")
    text = seen["text"]
    # the solutions, and the three "Checking the numbers" folds of the chapter's layers: all closed
    assert found["details"] == len(ids) + 3 and found["open"] == 0, found
    assert sorted(found["summaries"]) == ["Checking the numbers", "Solution"], found
    assert "answer = ..." in text
    for code in solution_code:                    # the worked solutions' code is collapsed
        assert code.splitlines()[-2] not in text, code.splitlines()[-2]
    for ex in ids:
        assert f"{ex}: right." in text            # ... and their self-checks, run, say right
    assert not RAW_MYST.search(text)
    assert not seen["errors"] and not seen["blocked"]


def test_glossary_links_show_their_definition_on_hover_in_jupyterlab(lab_page):
    """A chapter's glossary links render as links in JupyterLab with the definition as their hover title (the
    lab's sanitizer keeps ``title``), so a reader sees the definition where the glossary page is not in the lab."""
    from machinery.glossary import terms

    open_in_lab(lab_page, "notebooks/01_ecosystem.ipynb")
    links = lab_page[0].evaluate("""() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown a[href*="glossary.md"]')].map(
        a => [a.getAttribute('href').split('#')[1], a.title, a.textContent])""")     # the lab rewrites the path
    titles = {t.term_id: t.title for t in terms()}
    assert len(links) > 20
    assert all(title == titles[term] and text for term, title, text in links), links[:3]
