"""``python -m helpers.workshop [OUT_DIR]``: write the student kit (default ``_build/workshop/``) and its zip."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import build
from helpers.workshop.kit import build_kit


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.workshop", description=__doc__)
    ap.add_argument("out", nargs="?", default=str(build.ROOT / "_build" / "workshop"))
    args = ap.parse_args(argv)
    zip_path = build_kit(Path(args.out), build.ROOT, build.chapters(build.ROOT))
    print(f"wrote {args.out}/ and {zip_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
