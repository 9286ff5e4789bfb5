"""``python -m helpers.scenarios``: named scenarios, run and recorded. The command lives in ``machinery.scenarios``;
reading a scenario file is ``helpers.scenario_files``."""
if __name__ == "__main__":
    import sys

    from machinery.scenarios import main

    sys.exit(main())
