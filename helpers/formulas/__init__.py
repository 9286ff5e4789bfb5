"""Formulas: pure, vectorised functions with units in their names, no data access.

``costs`` (cloud margin, training and inference cost, application bills), ``market`` (growth rates,
currency), ``pnl`` (the income-statement model). Chapters call them with figures from ``data/``.
"""
