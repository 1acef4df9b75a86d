"""Exact numbers for scores, and the one place where they are rounded (docs/event-file.md §6).

Why not floats: a binary double cannot hold 26.125 or 0.1 exactly, so `round()` sends the same kind
of half up in one case and down in the next. Here:

- Every input (a judge's criterion score, a weight, a maximum, an indicator value) is read as the
  decimal it was written as (`exact`): a float is taken by its shortest text (`repr`), which is the
  literal from the event file or the JSON message.
- Sums, means, ratios and the composite are then computed exactly as fractions
  (`fractions.Fraction`), so a true 76.175 stays 76.175 however many divisions led to it.
- The one value that is not a fraction is a square root (the standard deviation of z-scores): it is
  computed by `sqrt` with SQRT_DIGITS significant digits (`decimal`, rounded half-even) and used
  from there on as that exact decimal.
- A number is rounded once, when it is shown or ranked, to the event's `decimals` with the event's
  rounding mode (`to_decimals`): half_up (四舍五入, the default) or half_even.
"""

from __future__ import annotations

import decimal
import functools
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

RoundingMode = Literal["half_up", "half_even"]
ROUNDING_MODES: tuple[str, ...] = ("half_up", "half_even")
SQRT_DIGITS = 28  # significant digits of a square root (Python's default decimal precision)

Exact = Fraction
NumberLike = Fraction | Decimal | int | float | str


def exact(value: NumberLike) -> Fraction:
    """The decimal a value was written as, as an exact fraction (a float by its shortest text)."""
    if type(value) is Fraction:  # the common case, checked without the numbers ABCs
        return value
    if isinstance(value, float):
        return _exact_float(value)
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    return Fraction(value)


@functools.lru_cache(maxsize=4096)
def _exact_float(value: float) -> Fraction:
    # Cached: the same weights, maxima and indicator values are read for every result computed.
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return Fraction(Decimal(repr(value)))


def sqrt(value: Fraction) -> Fraction:
    """The square root of a non-negative fraction to SQRT_DIGITS significant digits."""
    if value <= 0:
        return Fraction(0)
    with decimal.localcontext() as ctx:
        ctx.prec = SQRT_DIGITS
        ctx.rounding = decimal.ROUND_HALF_EVEN
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    return Fraction(root)


def exact_sum(values: Iterable[NumberLike]) -> Fraction:
    """The exact sum, over a common denominator in integers (one fraction made, not one per term:
    results are recomputed after every score)."""
    values = [exact(v) for v in values]
    if not values:
        return Fraction(0)
    common = math.lcm(*(v.denominator for v in values))
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common)


def exact_mean(values: Sequence[NumberLike]) -> Fraction:
    total = exact_sum(values)
    return Fraction(total.numerator, total.denominator * len(values))


def units(value: Fraction, decimals: int, mode: RoundingMode = "half_up") -> int:
    """`value` in units of the last shown decimal (10 ** -decimals), rounded by `mode`.

    Integer arithmetic only (it runs for every number shown): floor and remainder of
    numerator * 10**decimals / denominator, the remainder compared with half the denominator."""
    numerator, denominator = value.as_integer_ratio()
    floor, remainder = divmod(numerator * 10**decimals, denominator)
    twice = 2 * remainder  # the remainder is in [0, denominator): compare it with a half
    if twice != denominator:
        return floor + 1 if twice > denominator else floor
    if mode == "half_even":
        return floor if floor % 2 == 0 else floor + 1
    # half_up rounds a half away from zero (四舍五入): -2.5 -> -3, as a panel does by hand
    return floor + 1 if numerator >= 0 else floor


def to_decimals(value: NumberLike | None, decimals: int, mode: RoundingMode = "half_up") -> Decimal | None:
    """The shown value: rounded once to `decimals` places (None stays None)."""
    if value is None:
        return None
    return Decimal(units(exact(value), decimals, mode)).scaleb(-decimals)


def shown(value: NumberLike | None, decimals: int, mode: RoundingMode = "half_up") -> float | None:
    """`to_decimals` as a JSON number: the float whose shortest text is the rounded decimal."""
    if value is None:
        return None
    return from_units(units(exact(value), decimals, mode), decimals)


def from_units(count: int, decimals: int) -> float:
    """A count of units of the last decimal (see `units`) as the JSON number it stands for: integer
    true division is correctly rounded, so this is the double nearest the decimal, whose shortest
    text (what orjson writes) is that decimal."""
    return count / 10**decimals


def as_number(value: NumberLike | None) -> float | int | None:
    """An exact input (a criterion score, an on-step total) as a JSON number, without rounding:
    an integer when whole, else the float whose text is the decimal."""
    if value is None:
        return None
    fraction = exact(value)
    if fraction.denominator == 1:
        return int(fraction)
    return float(Decimal(fraction.numerator) / Decimal(fraction.denominator))


def apportion(parts: Sequence[Fraction | None], total_units: int, decimals: int) -> list[int | None]:
    """Shown parts that add up to a shown total (largest remainder, 最大余数法).

    Each part starts from its value rounded down to `decimals`; the units still missing to reach
    `total_units` (the shown total, rounded by the event's mode) go one each to the parts with the
    largest remainders, the earlier part first among equal remainders. So every shown part is its
    exact value rounded down or up, and the shown parts add up to the shown total exactly."""
    scale = 10**decimals
    floors: list[int | None] = []
    remainders: list[tuple[Fraction, int]] = []
    for index, part in enumerate(parts):
        if part is None:
            floors.append(None)
            continue
        scaled = part * scale
        floor = math.floor(scaled)
        floors.append(floor)
        remainders.append((scaled - floor, index))
    missing = total_units - sum(f for f in floors if f is not None)
    # The earlier part first among equal remainders: sort by remainder descending, index ascending.
    for _, index in sorted(remainders, key=lambda ri: (-ri[0], ri[1]))[: max(missing, 0)]:
        floors[index] = (floors[index] or 0) + 1
    return floors
