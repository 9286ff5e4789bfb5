"""``python -m helpers.gpu_measure [--device cuda|cpu] [--tiny] …``: see :mod:`helpers.gpu_measure.cli`."""
import sys

from helpers.gpu_measure.cli import main

sys.exit(main())
