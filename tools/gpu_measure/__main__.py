"""``python -m tools.gpu_measure [--device cuda|cpu] [--tiny] …``: see :mod:`tools.gpu_measure.cli`."""
import sys

from tools.gpu_measure.cli import main

sys.exit(main())
