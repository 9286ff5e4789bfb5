"""Chart theme and offline rendering for Altair charts, readable in every Jupyter client.

A chart is shown as a ``<figure>`` whose ``<div>`` holds a static SVG picture of the chart
(rendered by ``vl-convert`` when the cell runs, as an ``<img src="data:image/svg+xml;base64,…">``)
and a ``<script>`` that swaps the picture for the interactive chart where ``vegaEmbed`` is loaded:

- the built book ships Vega once (``book/_ext/book_ext.py`` writes it to ``_static/``) and draws
  every chart interactively, with tooltips, offline;
- JupyterLab (an untrusted notebook strips scripts), ``jupyter nbconvert --to html`` and VS Code
  show the picture, which needs no JavaScript and no network;
- in JupyterLab, once a cell has run (its output is then trusted), the script loads the book's Vega bundle from
  JupyterLab's own static folder (``make lab`` puts it there) and draws the interactive chart, sliders included.

The div's id is a hash of the spec and the SVG's internal ids are renumbered, so the output is the
same on every run (nbval-stable). Importing this module also registers and enables an Altair
renderer, ``book``, so a chart a reader makes in a new cell draws the same way, offline.
"""
from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import json
import os
import re
from pathlib import Path

import altair as alt
from IPython.display import HTML

from helpers.chart_words import translate_spec

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans CJK SC', 'PingFang SC', sans-serif"
PALETTE = ["#1f5a94", "#d9822b", "#3a9b6e", "#b8425a", "#7b61a8", "#8c8c8c"]
# The palette by name, for the chapters' charts (they name colours, never type them): PALETTE's six, then the
# tints and shades used beside them.
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = PALETTE
LIGHT_BLUE, MID_BLUE, LIGHT_GREEN, LIGHT_ORANGE = "#8fb3d9", "#7fa6cc", "#9cc98a", "#f28e2b"
LIGHT_GREY, PALE_GREY = "#c9c9c9", "#cfcfcf"
DARK_GREEN, DARK_RED, DARK_ORANGE = "#2b7a55", "#a3324a", "#a0581b"
DARK_GREY, MID_GREY, SOFT_GREY = "#555", "#888", "#999"      # text and reference rules
WIDTH = 560
BAR_WIDTH = 380  # horizontal bar charts: leaves room for their labels in the page column


@alt.theme.register("book", enable=True)
def book_theme() -> alt.theme.ThemeConfig:
    """House style: one font, calm palette, light grid, titles left-aligned."""
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 600, "subtitleFontSize": 12,
                      "subtitleColor": DARK_GREY},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": 500, "gridColor": "#e6e6e6",
                     "domainColor": MID_GREY, "tickColor": MID_GREY},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal"},
            "range": {"category": PALETTE},
        }
    }


def spec_of(chart: alt.TopLevelMixin, validate: bool = True) -> dict:
    """The Vega-Lite spec; refuses charts without a title or alt text (``description``).

    ``validate=False`` skips Altair's JSON-schema check (slow); the tests validate every chart.
    """
    spec = chart.to_dict(validate=validate)
    if "datasets" in spec:
        spec["datasets"] = {k: _rounded(v) for k, v in spec["datasets"].items()}
    if not spec.get("description"):
        raise ValueError("chart has no alt text: set .properties(description=...)")
    if not spec.get("title"):
        raise ValueError("chart has no title: set .properties(title=...)")
    return spec


def _rounded(rows: list) -> list:
    """A dataset's floats to 12 significant digits: the last bits of a float differ between numpy and BLAS builds
    (``np.logspace`` on two CPUs), and a chart's data, id and picture must not."""
    return [{k: (float(f"{v:.12g}") if isinstance(v, float) else v) for k, v in row.items()} if isinstance(row, dict) else row
            for row in rows]


# vl-convert measures text with its own fonts; a viewer's fonts can be wider, so leave room at the edges.
SVG_CONFIG = {"padding": {"left": 24, "right": 24, "top": 5, "bottom": 5}}
# Pictures already drawn, one file per (spec, config, vl-convert version, installed fonts): a chapter re-executed with its charts
# unchanged (nbval, a rerun that moves one figure) skips vl-convert's start-up and drawing. `make clean` empties it.
# BOOK_SVG_CACHE names another folder (the workshop tests share this checkout's with the kits they build).
SVG_CACHE = Path(os.environ.get("BOOK_SVG_CACHE") or Path(__file__).resolve().parent.parent / "_build" / ".svg-cache")


def static_svg(spec: dict) -> str:
    """The chart as SVG text, drawn by ``vl-convert`` (no browser, no network), or read from ``SVG_CACHE``.

    vl-convert numbers clip paths per process (``clip5``, ``clip6``…); they are renumbered from 0
    in order of appearance so that the same spec always gives the same SVG.
    """
    import vl_convert

    cached = picture_path(spec)
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    svg = vl_convert.vegalite_to_svg(spec, config=SVG_CONFIG)
    ids: dict[str, str] = {}
    svg = re.sub(r"\bclip\d+\b", lambda m: ids.setdefault(m.group(0), f"clip{len(ids)}"), svg)
    _write_atomic(cached, svg)
    return svg


# The Chinese charts' font: Noto Sans CJK SC cut to the characters of the Chinese catalogue (tools/cjk_font.py), so
# their pictures show Chinese where no Chinese font is installed: vl-convert draws them as PNG with it (an SVG
# picture's text would be drawn by the viewer's fonts). The Chinese book's interactive charts load it by CSS.
CJK_FONT_DIR = Path(__file__).resolve().parent / "fonts"
CJK_FAMILY = "Book CJK SC"
PNG_SCALE = 2


def in_language(spec: dict, lang: str) -> dict:
    """``spec`` with the font that writes ``lang`` first in its font list (Chinese: ``CJK_FAMILY``)."""
    if lang == "en":
        return spec
    return {**spec, "config": {**spec.get("config", {}), "font": f"{CJK_FAMILY}, {FONT}"}}


@functools.lru_cache(maxsize=1)
def _cjk_font() -> None:
    import vl_convert

    vl_convert.register_font_directory(str(CJK_FONT_DIR))


def static_png(spec: dict) -> tuple[bytes, int]:
    """The chart as PNG (``PNG_SCALE`` pixels per point, so it stays sharp) drawn with the book's Chinese font, and its
    width in points; read from the picture cache when drawn before."""
    import vl_convert

    fonts = sorted((f.name, f.stat().st_size) for f in CJK_FONT_DIR.glob("*.otf"))     # a new font: new pictures
    cached = picture_path({**spec, "usermeta": {"fonts": fonts}}).with_suffix(".png")
    if cached.is_file():
        png = cached.read_bytes()
    else:
        _cjk_font()
        png = vl_convert.vegalite_to_png(spec, scale=PNG_SCALE, config=SVG_CONFIG)
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(png)
            os.replace(tmp, cached)
    return png, int.from_bytes(png[16:20], "big") // PNG_SCALE       # IHDR: the width in pixels


def picture_record() -> dict[str, str]:
    """What a picture depends on besides its spec: vl-convert's version and this machine's fonts."""
    import vl_convert

    return {"vl_convert": vl_convert.__version__, "fonts": _fonts()}


def picture_path(spec: dict) -> Path:
    """Where ``static_svg`` keeps the picture of ``spec`` drawn on this machine (``SVG_CACHE``)."""
    record = picture_record()
    key = json.dumps([spec, SVG_CONFIG, record["vl_convert"], record["fonts"]], sort_keys=True, separators=(",", ":"))
    return SVG_CACHE / f"{hashlib.sha256(key.encode()).hexdigest()}.svg"


# Where vl-convert finds the system fonts it measures text with (Linux, macOS): a picture depends on them.
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/Library/Fonts",
             "/System/Library/Fonts")


@functools.lru_cache(maxsize=1)
def _fonts() -> str:
    """A digest of the installed font files (paths and sizes): installing a font draws every picture anew."""
    digest = hashlib.sha256()
    for top in FONT_DIRS:
        for folder, _, files in sorted(os.walk(os.path.expanduser(top))):
            for name in sorted(files):
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    digest.update(f"{path}:{os.path.getsize(path)}\n".encode())
    return digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a concurrent reader never sees half of it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:     # a read-only checkout still draws its charts, uncached
        pass


# In JupyterLab a cell's output is trusted once it has run in the session, so its script runs: it loads the book's
# Vega bundle, which `make lab` (and `make test`) put beside JupyterLab's own static files (served from 127.0.0.1 at
# PageConfig's fullStaticUrl), once per page, and draws the interactive chart, sliders and tooltips included.
# Elsewhere (nbconvert HTML, an untrusted notebook) nothing loads and the picture stays.
LAB_BUNDLE = "vega-bundle.js"
LAB_LOADER = (
    'var cfg=document.getElementById("jupyter-config-data");if(!cfg)return;'
    "if(!window.bookVega){window.bookVega=new Promise(function(ok,ko){"
    'var s=document.createElement("script");'
    f's.src=JSON.parse(cfg.textContent).fullStaticUrl+"/{LAB_BUNDLE}";'
    "s.onload=function(){window.vegaEmbed?ok():ko();};s.onerror=ko;document.head.appendChild(s);});}"
    "window.bookVega.then(draw,function(){});"
)


def _picture(spec: dict, label: str, lang: str, picture: str | None = None) -> str:
    """The chart's static picture: SVG in English, PNG drawn with the shipped font in another language (``picture``
    "svg" or "png" chooses, or is an SVG picture already drawn)."""
    drawn = picture if picture and picture.startswith("<svg") else None
    if drawn or (picture or ("svg" if lang == "en" else "png")) == "svg":
        data = base64.b64encode((drawn or static_svg(spec)).encode()).decode()
        return f'<img class="chart-static" alt="{html.escape(label)}" src="data:image/svg+xml;base64,{data}">'
    png, width = static_png(spec)
    return (f'<img class="chart-static" alt="{html.escape(label)}" width="{width}" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')


def _embed(spec: dict, chart_id: str, label: str, expose: bool = False, lang: str = "en",
           picture: str | None = None) -> str:
    """The chart's div (static picture inside) and the script that makes it interactive where Vega is.

    ``expose=True`` keeps the Vega view on ``window.bookViews[chart_id]``, so a browser test can read the
    signals a chart computes from its sliders (the what-if charts of the three-years-on chapter)."""
    keep = (f'.then(function(r){{(window.bookViews=window.bookViews||{{}})["{chart_id}"]=r.view;}})'
            if expose else "")
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<div id="{chart_id}" class="vega-chart" role="img" aria-label="{html.escape(label)}">'
        f'{_picture(spec, label, lang, picture)}</div>\n'
        f"<script>(function(){{var spec={payload};"
        f'function draw(){{var el=document.getElementById("{chart_id}");if(!el)return;el.innerHTML="";'
        f'vegaEmbed(el,spec,{{"actions":false,"renderer":"svg"}}){keep};}}'
        f"if(window.vegaEmbed){{draw();return;}}"
        f"{LAB_LOADER}"
        f"}})();</script>"
    )


def _chart_id(spec: dict) -> str:
    """A stable element id: a hash of the spec."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "chart-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def render(chart: alt.TopLevelMixin, caption: str, source: str, expose: bool = False) -> str:
    """HTML of a captioned chart: a static SVG picture, made interactive by ``vegaEmbed`` where loaded; its words in
    the current language (``helpers.i18n``)."""
    from helpers import i18n

    lang = i18n.current()
    spec = spec_of(chart, validate=False)
    if lang != i18n.DEFAULT:
        spec, caption, source = translate_spec(spec, lang), i18n.translate(caption, lang), i18n.translate(source, lang)
    return render_spec(spec, caption, source, expose, lang)


def render_spec(spec: dict, caption: str, source: str, expose: bool = False, lang: str = "en",
                picture: str | None = None) -> str:
    """``render`` of a Vega-Lite spec already written in ``lang`` (the Chinese edition redraws the English one's).
    ``picture="svg"`` keeps the light SVG picture in another language too, or ``picture`` is one already drawn: the
    Chinese book, whose interactive chart replaces the picture at once and draws with the font the page loads."""
    from helpers import i18n

    spec = in_language(spec, lang)
    chart_id = _chart_id(spec)
    return (
        f'<figure class="book-chart" id="fig-{chart_id}">'
        f'{_embed(spec, chart_id, spec["description"], expose, lang, picture)}'
        f'<figcaption>{html.escape(caption)} <span class="chart-source">{i18n.SOURCE_LABEL[lang]}{html.escape(source)}</span></figcaption>'
        f"</figure>\n"
    )


def show(chart: alt.TopLevelMixin, caption: str, source: str, expose: bool = False) -> HTML:
    """Display a captioned chart that draws in the book, JupyterLab and nbconvert HTML, offline. The output's metadata
    keep its English caption and source, so the Chinese edition redraws it with its own words."""
    return HTML(render(chart, caption, source, expose),
                metadata={"book": {"chart": {"caption": caption, "source": source, "expose": expose}}})


def book_renderer(spec: dict, **_: object) -> dict[str, str]:
    """Altair renderer for charts a reader makes: the same picture-plus-script HTML, no CDN."""
    label = spec.get("description") or (spec.get("title") if isinstance(spec.get("title"), str) else "") or "Chart"
    return {"text/html": _embed(spec, _chart_id(spec), str(label)), "text/plain": "<Altair chart>"}


alt.renderers.register("book", book_renderer)
alt.renderers.enable("book")
