"""One sub-package per chapter: its computations and parameter rules (``__init__``) and its charts.

``ecosystem``, ``pricing`` (with ``efficiency``: the measured-GPU section), ``research``, ``regulation``,
``talent``, ``outlook`` (the verdict rule). Each has ``validate(globals())`` for its notebook's parameters.
"""
