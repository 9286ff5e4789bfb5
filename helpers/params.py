"""Validation of papermill parameters: one clear message naming parameter, value and range."""
from __future__ import annotations

import datetime
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from helpers.errors import ParameterError


@dataclass(frozen=True)
class Rule:
    """A numeric parameter's allowed interval and what it means."""

    meaning: str
    low: float = 0.0
    high: float = math.inf
    low_open: bool = True   # low < x   (False: low ≤ x)
    high_open: bool = False  # x ≤ high (True: x < high)
    integer: bool = False

    def allowed(self, name: str) -> str:
        """Text of the allowed range, e.g. ``0 < utilization ≤ 1``."""
        left = f"{self.low:g} {'<' if self.low_open else '≤'} {name}"
        if math.isinf(self.high):
            return left
        return f"{left} {'<' if self.high_open else '≤'} {self.high:g}"

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the interval."""
        above = x > self.low if self.low_open else x >= self.low
        below = x < self.high if self.high_open else x <= self.high
        return above and below


FRACTION = dict(low=0.0, high=1.0, low_open=True, high_open=False)


def check_number(name: str, value: Any, rule: Rule) -> float:
    """Return ``value`` as float if it is a real number inside ``rule``; else raise ParameterError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"parameter {name!r} = {value!r} is not a number; allowed: {rule.allowed(name)} ({rule.meaning})")
    x = float(value)
    if not math.isfinite(x) or not rule.contains(x):
        raise ParameterError(f"parameter {name!r} = {value!r} is out of range; allowed: {rule.allowed(name)} ({rule.meaning})")
    if rule.integer and not x.is_integer():
        raise ParameterError(f"parameter {name!r} = {value!r} is not a whole number; allowed: {rule.allowed(name)} ({rule.meaning})")
    return x


def validate(values: Mapping[str, Any], rules: Mapping[str, Rule]) -> dict[str, float]:
    """Check every parameter named in ``rules``; return them as floats.

    ``values`` is usually ``globals()`` of the notebook, so papermill-injected values are seen.
    """
    missing = [n for n in rules if n not in values]
    if missing:
        raise ParameterError(f"parameter {missing[0]!r} is missing; the parameters cell must define {', '.join(rules)}")
    return {name: check_number(name, values[name], rule) for name, rule in rules.items()}


SHARE_OF_REVENUE = dict(low=0.0, high=1.0, low_open=False, high_open=False)


def check_choice(name: str, value: float, allowed: list) -> float:
    """Raise ParameterError unless ``value`` is one of ``allowed``."""
    def show(v: object) -> str:
        return f"{v:g}" if isinstance(v, float) else str(v)

    if value not in allowed:
        raise ParameterError(f"parameter {name!r} = {show(value)} is not allowed; allowed: one of {', '.join(map(show, allowed))}")
    return value


def parse_date(name: str, value: Any, earliest: datetime.date) -> datetime.date:
    """An ISO date parameter (YYYY-MM-DD) on or after ``earliest``; ParameterError otherwise."""
    dt = datetime

    allowed = f"allowed: an ISO date YYYY-MM-DD on or after {earliest}"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ParameterError(f"parameter {name!r} = {value!r} is not a date; {allowed}") from None
    else:
        raise ParameterError(f"parameter {name!r} = {value!r} is not a date; {allowed}")
    if day < earliest:
        raise ParameterError(f"parameter {name!r} = {value!r} is before {earliest}; {allowed}")
    return day


def check_subset(name: str, value: Any, allowed: list[str]) -> list[str]:
    """A non-empty list (or comma-separated text) of values from ``allowed``; ParameterError otherwise."""
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items or not all(isinstance(v, str) for v in items):
        raise ParameterError(f"parameter {name!r} = {value!r} is not a list of names; allowed: a non-empty list "
                             f"drawn from {', '.join(allowed)}")
    bad = [v for v in items if v not in allowed]
    if bad:
        raise ParameterError(f"parameter {name!r} = {value!r} has {bad[0]!r}, which is not allowed; allowed: a "
                             f"non-empty list drawn from {', '.join(allowed)}")
    return list(dict.fromkeys(items))


def with_lang(validate_chapter: Callable[[Mapping[str, Any]], dict]) -> Callable[[Mapping[str, Any]], dict]:
    """A chapter's ``validate`` that also checks the ``lang`` parameter every chapter takes (``en``, the default, or
    ``zh``) and makes it the language of the chapter's sentences and charts (``helpers.i18n``); values without a
    ``lang`` (a solution cell checking the report's own inputs) leave the language as it is. The chapter's own
    parameters are checked first; ``lang`` is not among the figures it returns."""
    import functools

    from helpers import i18n

    @functools.wraps(validate_chapter)
    def validate(values: Mapping[str, Any]) -> dict:
        checked = validate_chapter(values)
        if "lang" in values:
            i18n.use(values["lang"])
        return checked

    return validate
