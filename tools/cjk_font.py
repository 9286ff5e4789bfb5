"""The font the Chinese charts' pictures are drawn with: Noto Sans CJK SC, cut down to the characters the book's
Chinese catalogue uses (``i18n/zh/``), renamed "Book CJK SC", in ``helpers/fonts/`` (SIL Open Font License 1.1,
which allows this: the subset keeps the licence and takes another name).

vl-convert draws each Chinese chart's picture with it (``helpers.charts``), so the picture shows Chinese on a
machine with no Chinese font; the Chinese book's interactive charts load it too (``book/_static/custom.css``).
Run it after adding Chinese text (a test fails when a character of the catalogue is missing):

    python -m tools.cjk_font [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

It needs fontTools (``pip install fonttools``, in any venv: it is not part of the book's locks) and the Noto CJK
collection (Debian's fonts-noto-cjk).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Book CJK SC"
FONT = ROOT / "helpers" / "fonts" / "BookCJKsc-Regular.otf"
COVERAGE = FONT.with_suffix(".chars.txt")     # the characters it has, and the font's sha256, for the tests


def catalogue_chars(root: Path = ROOT) -> set[str]:
    """Every character of the Chinese catalogue and pages, of the data (the report's own words, the Chinese
    definitions and descriptions) and of the Chinese templates in the code, and ASCII: what the Chinese book and its
    charts can show."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | set("，。：；、（）“”‘’《》—…·％＋－×÷→▸")
    for path in [*(root / "i18n" / "zh").glob("*.yml"), *(root / "i18n" / "zh" / "pages").glob("*.md"),
                 *(root / "data").glob("*.csv"), root / "data" / "datapackage.json", *(root / "helpers").rglob("*.py"),
                 *(root / "machinery").rglob("*.py"), *(root / "book" / "_ext").glob("*.py")]:
        chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable()}


def build(source: Path, out: Path = FONT) -> str:
    """Subset ``source``'s Simplified Chinese face to ``catalogue_chars``; returns the characters it has."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    face = next(f for f in TTCollection(str(source)).fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.name_IDs, options.name_languages, options.notdef_outline = ["*"], ["*"], True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in catalogue_chars()])
    sub.subset(face)
    for record in face["name"].names:      # another name, as the licence asks of a modified font
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4):
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    out.parent.mkdir(parents=True, exist_ok=True)
    face.save(str(out))
    have = "".join(sorted(chr(c) for c in face.getBestCmap()))
    COVERAGE.write_text(f"{hashlib.sha256(out.read_bytes()).hexdigest()}\n{have}\n", encoding="utf-8")
    return have


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.cjk_font", description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=SOURCE)
    args = ap.parse_args(argv)
    have = build(args.source)
    print(f"wrote {FONT.relative_to(ROOT)} ({FONT.stat().st_size // 1024} KB, {len(have)} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
