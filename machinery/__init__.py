"""The book's machinery: what builds, executes, caches, reruns and packages the chapters.

Nothing in ``helpers`` (what a notebook imports) imports this package (``tests/test_layers.py``), so editing it
re-executes no chapter. Modules, each one concern:

``inputs``      what a chapter's execution read (its code, tables, helper modules, locks) and one sha256 over it
``records``     the build's record per chapter and the plan: fresh, seed from the committed notebook, or execute
``execute``     chapters in fresh kernels, several at a time
``cache``       Jupyter Book's execution cache: store, seed, forget, ``prepare``; ``make notebooks``
``uptodate``    ``make book`` with nothing changed builds nothing
``build``       the command line of ``make book`` / ``make notebooks`` (``python -m machinery.build``)
``rerun``       ``python -m helpers.rerun``: a chapter under other parameters (papermill), ``--figures``, ``--html``
``scenarios``   ``python -m helpers.scenarios``: named scenarios, run, cached and recorded
``kit``         ``python -m helpers.workshop``: the student kit
"""
