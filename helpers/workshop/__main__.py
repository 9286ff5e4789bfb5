"""``python -m helpers.workshop [OUT_DIR]``: write the student kit. The command lives in ``machinery.kit``."""
import sys

from machinery.kit import main

sys.exit(main())
