"""The Vega bundle (Vega, Vega-Lite and vega-embed in one offline script), generated once per vl-convert version
into the virtual environment. The book copies it to ``_static``; JupyterLab sessions load it from the lab's static
files (``make lab`` copies it there). ``python -m helpers.vega_bundle`` prints its path, generating it if needed.
"""
from __future__ import annotations

import sys
from pathlib import Path

VEGA_LITE_VERSION = "6.4"  # matches altair 6.3's schema (v6.4.x)


def cached_bundle() -> Path:
    """The Vega bundle, generated once per vl-convert version into the virtual environment.

    Generating it takes over a second, so ``make venv`` makes it at install time and every
    build (cold ones included) only copies it.
    """
    from importlib.metadata import version

    release = version("vl-convert-python")  # cheap: importing vl_convert itself is not
    path = Path(sys.prefix) / "share" / "book" / f"vega-bundle-{release}-vl{VEGA_LITE_VERSION}.js"
    if not path.exists():
        import vl_convert

        path.parent.mkdir(parents=True, exist_ok=True)
        body = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
        stamp = f"/* vl-convert {release}, vega-lite {VEGA_LITE_VERSION} */\n"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(stamp + "(function(){\n" + body + "\n})();\n", encoding="utf-8")
        tmp.replace(path)
    return path


if __name__ == "__main__":
    print(cached_bundle())
