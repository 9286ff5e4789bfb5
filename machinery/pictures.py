"""Chart pictures taken from the committed notebooks into the picture cache (``helpers.charts.SVG_CACHE``).

Every chart output holds its spec and its static picture (vl-convert's SVG). ``make notebooks`` records what the
pictures were drawn with (vl-convert's version and the machine's fonts) in ``metadata.book.pictures``; when a build
takes a committed notebook's outputs as they are and that record is this machine's, each picture goes into the cache
under its spec's key, so a fresh clone's first reruns and tests do not draw again what the commit already holds
(vl-convert starts in about 0.6 s per kernel and draws a picture in about 0.3 s). On another machine (other fonts)
nothing is taken, and pictures are drawn as before.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

from helpers import charts

# An output's picture and the spec it was drawn from, as helpers.charts writes them (``_embed``).
PICTURE = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"></div>\n<script>\(function\(\)\{var spec=(\{.*?\});'
                     r"function draw\(", re.S)


def record() -> dict[str, str]:
    """What this machine draws pictures with (stored by ``make notebooks`` beside the inputs record)."""
    return charts.picture_record()


def pictures_in(nb: Any) -> list[tuple[dict, str]]:
    """Every ``(spec, svg)`` pair in a notebook's outputs."""
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/html", "")
            text = "".join(text) if isinstance(text, list) else text
            for m in PICTURE.finditer(text):
                found.append((json.loads(m.group(2)), base64.b64decode(m.group(1)).decode("utf-8")))
    return found


def seed(nb: Any, recorded: dict | None) -> int:
    """Put the notebook's pictures into the cache when ``recorded`` (its ``metadata.book.pictures``) is this
    machine's; returns how many it wrote (0 on another machine, or when every picture was cached already)."""
    if not recorded or recorded != record():
        return 0
    written = 0
    for spec, svg in pictures_in(nb):
        path = charts.picture_path(spec)
        if not path.is_file():
            charts._write_atomic(path, svg)
            written += 1
    return written
