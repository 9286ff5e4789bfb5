"""``python -m helpers.workshop``: the workshop's commands.

    python -m helpers.workshop --ready [--wheelhouse DIR]   # the preflight: prints "ready" or one line to fix
    python -m helpers.workshop --lab [--wheelhouse DIR] [--port N] [--no-browser]   # JupyterLab on the whole kit
    python -m helpers.workshop --download PLATFORM PYTHON_VERSION DIR   # a room's wheels (make wheelhouse)
    python -m helpers.workshop [OUT_DIR]                     # write the student kit (the full repository only)

The first two run under any Python 3, before the kit's environment exists; writing the kit is ``machinery.kit``'s.
"""
import sys


def _wheelhouse(argv: list) -> "str | None":
    return argv[argv.index("--wheelhouse") + 1] if "--wheelhouse" in argv[:-1] else None


argv = sys.argv[1:]
if "--ready" in argv:
    from helpers.workshop.ready import ready, ready_inside

    sys.exit(ready_inside() if "--inside" in argv else ready(_wheelhouse(argv)))
if "--lab" in argv:
    from helpers.workshop.lab import lab

    port = int(argv[argv.index("--port") + 1]) if "--port" in argv[:-1] else 8888
    sys.exit(lab(_wheelhouse(argv), open_browser="--no-browser" not in argv, preferred_port=port))
if "--download" in argv[:-3]:
    from pathlib import Path

    from helpers.workshop.rooms import RoomError, download

    i = argv.index("--download")
    try:
        sys.exit(download(argv[i + 1], argv[i + 2], Path.cwd(), Path(argv[i + 3])))
    except RoomError as exc:
        print(exc)
        sys.exit(2)
try:      # the kit has no machinery: there, this command only says so
    from machinery.kit import main
except ModuleNotFoundError:
    print("writing a kit needs the book's full repository; in a kit: python -m helpers.workshop --ready or --lab")
    sys.exit(2)
sys.exit(main())
