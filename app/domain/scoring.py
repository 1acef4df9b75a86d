"""Judge score sheets: validation, weighted totals, and the panel aggregation rules.

Formulas (also in docs/event-file.md):

- A judge's total for a project is the weighted sum  T = sum_c weight_c * score_c.
- Panel score by `rule`:
  - mean:          the arithmetic mean of the counted totals;
  - trimmed_mean:  when at least `trim_min_judges` judges counted, drop the `trim` highest and the
                   `trim` lowest totals, then take the mean; with fewer judges, the plain mean;
  - median:        the middle total (the mean of the two middle ones for an even count).
- Optional z-normalisation (normalize = "zscore") removes a lenient or harsh judge's bias before the
  rule is applied. For judge j with totals x_jp over the projects P_j they scored, mean m_j and
  population standard deviation s_j, and M and S the mean and population standard deviation of every
  counted total of every judge:
      x'_jp = M + S * (x_jp - m_j) / s_j      when |P_j| >= 2 and s_j > 0
      x'_jp = x_jp - m_j + M                  when |P_j| >= 2 and s_j = 0 (shift only)
      x'_jp = x_jp                            when |P_j| = 1 (nothing to learn from one score)
  and x' is clamped to [0, panel maximum].
- Arithmetic is exact (app/domain/numbers.py): criterion scores and weights are the decimals they were
  written as, totals and means are exact fractions, and only the square roots of z-scores are
  computed to SQRT_DIGITS significant digits. Nothing is rounded here; rounding happens once, when a
  number is ranked or shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import median, pvariance
from typing import Any

from .errors import DomainError
from .models import Criterion, Event, ScoringRules
from .numbers import as_number, exact, exact_mean, exact_sum, sqrt
from .text import MAX_COMMENT, clean_block

MAX_COMMENT_LENGTH = MAX_COMMENT
# A score written with more significant digits than this, or a magnitude beyond 10**15, cannot be on
# any rubric's step or below any maximum: refused before exact arithmetic on a 64 KiB number.
_MAX_SCORE_EXPONENT = 15


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """One judge's latest submission for one project (earlier versions stay in the log)."""

    project: str
    judge: str
    values: dict[str, Fraction]  # exact, on the rubric's step
    total: Fraction  # exact weighted sum
    comment: str = ""
    at: float = 0.0
    version: int = 1
    # `values` as JSON numbers (numbers.as_number), made once when the sheet is recorded rather than
    # for every view that shows it; None: made when asked.
    given: dict[str, int | float] | None = None

    def values_as_numbers(self) -> dict[str, int | float]:
        if self.given is not None:
            return self.given
        return {cid: as_number(v) for cid, v in self.values.items()}  # type: ignore[misc]


def validate_values(event: Event, values: Any) -> dict[str, Fraction]:
    """Check a judge's criterion scores against the rubric; return them as exact fractions.

    Every criterion must be present, numeric, within 0..max and exactly on the rubric's step (the
    number is read as the decimal it was written as: 20.0000004 is not 20). A negative zero is
    refused as below 0 (it is what a client that computed 0 - something sends)."""
    if not isinstance(values, Mapping):
        raise DomainError("bad_scores", "Scores must be an object of criterion: value.")
    unknown = sorted(str(k) for k in set(values) - {c.id for c in event.criteria})
    if unknown:
        raise DomainError("unknown_criterion", "Unknown criterion: {criterion}.", criterion=unknown[0])
    clean: dict[str, Fraction] = {}
    for criterion in event.criteria:
        if criterion.id not in values:
            raise DomainError("missing_criterion", "A score for {criterion} is missing.", criterion=criterion.name)
        clean[criterion.id] = _checked_score(criterion, values[criterion.id])
    return clean


def _checked_score(criterion: Criterion, raw: Any) -> Fraction:
    def fail(code: str, message: str, **extra: Any) -> DomainError:
        return DomainError(code, message, criterion=criterion.name, **extra)

    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise fail("not_a_number", "The score for {criterion} is not a number.")
    number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if not number.is_finite():
        raise fail("not_a_number", "The score for {criterion} is not a number.")
    if number.is_signed():  # also -0 and -0.0
        raise fail("below_zero", "The score for {criterion} is below 0.")
    # Magnitudes no rubric can hold are refused before exact arithmetic on them.
    if number and number.adjusted() > _MAX_SCORE_EXPONENT:
        raise fail("above_max", "The score for {criterion} is above its maximum of {max}.", max=_fmt(criterion.max))
    if number and number.adjusted() < -_MAX_SCORE_EXPONENT:
        raise fail("off_step", "The score for {criterion} must be a multiple of {step}.", step=_fmt(criterion.step))
    value, step = exact(number), exact(criterion.step)
    if value > exact(criterion.max):
        raise fail("above_max", "The score for {criterion} is above its maximum of {max}.", max=_fmt(criterion.max))
    if step > 0 and (value / step).denominator != 1:
        raise fail("off_step", "The score for {criterion} must be a multiple of {step}.", step=_fmt(criterion.step))
    return value


def validate_comment(comment: Any) -> str:
    if comment is None:
        return ""
    if not isinstance(comment, str):
        raise DomainError("bad_comment", "The comment must be text.")
    comment = clean_block(comment)  # controls removed, NFC (docs/security.md, "Uploads and text")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise DomainError(
            "comment_too_long", "The comment is longer than {limit} characters.", limit=MAX_COMMENT_LENGTH
        )
    return comment


def weighted_total(event: Event, values: Mapping[str, Fraction]) -> Fraction:
    """The exact weighted sum (a decimal with at most the decimals of step times weight)."""
    return exact_sum([exact(c.weight) * exact(values[c.id]) for c in event.criteria])


@dataclass(frozen=True, slots=True)
class PanelOutcome:
    """The panel score of one project and which judges' totals produced it."""

    score: Fraction | None
    counted: tuple[str, ...]  # judges whose totals entered the rule (all valid ones but the dropped)
    dropped: tuple[str, ...]  # judges whose totals the trimmed mean dropped
    method: str  # the rule actually applied ("mean" when too few judges to trim, or trim = 0)


def aggregate(
    totals: Iterable[tuple[str, Fraction]], rules: ScoringRules, panel_order: Sequence[str] = ()
) -> PanelOutcome:
    """Apply the event's rule to (judge, total) pairs.

    Ties in trimming follow the panel's order (the `[[judges]]` blocks, `panel_order`), never the
    judge ids as text: among equal totals at the top the judge later in the panel is dropped, among
    equal totals at the bottom the earlier one. Judges missing from `panel_order` come after it, by id.
    Under `median` every valid total is counted and none is dropped."""
    position = {judge: i for i, judge in enumerate(panel_order)}
    last = len(position)
    totals = [(judge, exact(total)) for judge, total in totals]
    # Sorted on integers (each total over the common denominator): exact, and much cheaper than
    # comparing fractions.
    common = math.lcm(*(t.denominator for _, t in totals)) if totals else 1
    pairs = sorted(
        totals, key=lambda jt: (jt[1].numerator * (common // jt[1].denominator), position.get(jt[0], last), jt[0])
    )
    if not pairs:
        return PanelOutcome(None, (), (), rules.rule)
    judges = tuple(j for j, _ in pairs)
    values = [t for _, t in pairs]
    if rules.rule == "median":
        return PanelOutcome(Fraction(median(values)), judges, (), "median")
    if rules.rule == "trimmed_mean" and rules.trim > 0 and len(pairs) >= max(rules.trim_min_judges, 2 * rules.trim + 1):
        k = rules.trim
        kept = pairs[k : len(pairs) - k]
        dropped = pairs[:k] + pairs[len(pairs) - k :]
        return PanelOutcome(
            exact_mean([t for _, t in kept]),
            tuple(j for j, _ in kept),
            tuple(j for j, _ in dropped),
            "trimmed_mean",
        )
    return PanelOutcome(exact_mean(values), judges, (), "mean")


def zscore_adjust(
    totals: Mapping[tuple[str, str], Fraction], panel_max: Fraction | float
) -> dict[tuple[str, str], Fraction]:
    """Normalise each judge's totals to the panel's overall spread (formula in the module doc).

    `totals` maps (project, judge) to the raw total of every valid sheet (a recused judge's sheet is
    not in it, so it is in neither the judge's own population nor the panel's). Exact but for the
    two square roots (numbers.sqrt)."""
    if not totals:
        return {}
    everything = list(totals.values())
    grand_mean = exact_mean(everything)
    grand_sd = sqrt(Fraction(pvariance(everything))) if len(everything) > 1 else Fraction(0)
    by_judge: dict[str, list[Fraction]] = {}
    for (_, judge), total in totals.items():
        by_judge.setdefault(judge, []).append(total)
    spread: dict[str, tuple[Fraction, Fraction]] = {
        judge: (exact_mean(own), sqrt(Fraction(pvariance(own)))) for judge, own in by_judge.items() if len(own) >= 2
    }
    ceiling = exact(panel_max)
    adjusted: dict[tuple[str, str], Fraction] = {}
    for (project, judge), total in totals.items():
        if judge not in spread:
            value = total
        else:
            own_mean, own_sd = spread[judge]
            value = grand_mean + grand_sd * (total - own_mean) / own_sd if own_sd > 0 else total - own_mean + grand_mean
        adjusted[(project, judge)] = min(max(value, Fraction(0)), ceiling)
    return adjusted


def _fmt(number: float) -> str:
    return f"{number:g}"


def journalled_sheet(event: Event, values: dict[str, Fraction]) -> dict[str, Any]:
    """A sheet's values and total for the journal: JSON numbers whose text is the exact decimal
    (every on-step score and weighted total has a short decimal expansion, so the float's shortest
    text is that decimal and replays exactly)."""
    return {
        "values": {k: as_number(v) for k, v in values.items()},
        "total": as_number(weighted_total(event, values)),
    }


def replayed_values(event: Event, stored: dict[str, Any]) -> dict[str, Fraction]:
    """A journalled sheet's values as exact decimals. Rows written before exact arithmetic may hold a
    value off the step by a float's error (20.0000004): it is taken as the nearest step, as it was
    counted then. A criterion no longer in the rubric keeps its value as written."""
    out: dict[str, Fraction] = {}
    for cid, raw in stored.items():
        value = exact(raw)
        criterion = event.criterion(cid)
        if criterion is not None and criterion.step > 0:
            step = exact(criterion.step)
            value = min(round(value / step) * step, exact(criterion.max))
        out[cid] = value
    return out


def replayed_total(event: Event, data: dict[str, Any], values: dict[str, Fraction]) -> Fraction:
    """The journalled total as written; recomputed only when replay moved a value onto the step."""
    if all(exact(data["values"][cid]) == value for cid, value in values.items()):
        return exact(data["total"])
    return weighted_total(event, values)
