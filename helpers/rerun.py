"""``python -m helpers.rerun``: a chapter under other parameters. The command lives in ``machinery.rerun``."""
if __name__ == "__main__":
    import sys

    from machinery.rerun import main

    sys.exit(main())
