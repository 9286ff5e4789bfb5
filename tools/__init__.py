"""Programs for developers, imported by nothing in ``helpers`` or ``machinery``: ``gpu_measure`` (times a GPU for
the pricing chapter's measured section; ``python -m tools.gpu_measure``) and ``benchmark.py`` (``make bench``)."""
