"""Unit tests for app/domain/scoring.py: validation, weighted totals, panel rules, z-normalisation.

Every expected number is computed by hand; the arithmetic is in the comment next to the case.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

import pytest

from app.domain.errors import DomainError
from app.domain.models import Category, Criterion, Event, Judge, Project, ScoringRules
from app.domain.scoring import (
    MAX_COMMENT_LENGTH,
    aggregate,
    validate_comment,
    validate_values,
    weighted_total,
    zscore_adjust,
)

# --------------------------------------------------------------------------- helpers


def make_event(criteria: tuple[Criterion, ...] | None = None) -> Event:
    """A one-project event whose rubric is, unless given:
    idea   max 30, weight 2,   step 0.5
    impact max 40, weight 1,   step 1
    team   max 10, weight 0.5, step 0.25
    panel_max = 30*2 + 40*1 + 10*0.5 = 60 + 40 + 5 = 105
    """
    if criteria is None:
        criteria = (
            Criterion("idea", "Idea", max=30, weight=2, step=0.5),
            Criterion("impact", "Impact", max=40, weight=1, step=1),
            Criterion("team", "Team", max=10, weight=0.5, step=0.25),
        )
    return Event(
        title="Test",
        date="2025-01-01",
        categories=(Category("c", "C"),),
        criteria=criteria,
        judges=(Judge("j1", "J1"),),
        projects=(Project("p1", "P1", "T1", "L1", "c", 1),),
    )


EVENT = make_event()


def scores(**overrides: object) -> dict[str, object]:
    """A valid sheet (idea 20, impact 30, team 5) with some values replaced."""
    base: dict[str, object] = {"idea": 20, "impact": 30, "team": 5}
    base.update(overrides)
    return base


def raises_code(code: str, fn, *args):
    with pytest.raises(DomainError) as info:
        fn(*args)
    assert info.value.code == code, f"expected {code}, got {info.value.code}: {info.value}"
    return info.value


# --------------------------------------------------------------------------- validate_values: errors


@pytest.mark.parametrize(
    "values",
    [None, [], [("idea", 1)], "idea=1", 5, 2.5, True],
    ids=["none", "empty-list", "list-of-pairs", "str", "int", "float", "bool"],
)
def test_validate_values_rejects_non_mapping(values):
    err = raises_code("bad_scores", validate_values, EVENT, values)
    assert err.params == {}


def test_validate_values_accepts_any_mapping_type():
    # A read-only Mapping that is not a dict is still a Mapping.
    out = validate_values(EVENT, MappingProxyType({"idea": 1, "impact": 2, "team": 0.5}))
    assert out == {"idea": 1.0, "impact": 2.0, "team": 0.5}


@pytest.mark.parametrize(
    ("values", "reported"),
    [
        (scores(zzz=1), "zzz"),
        # two unknown ids: the first in sorted order is reported ("aaa" < "zzz")
        (scores(zzz=1, aaa=2), "aaa"),
        # unknown id is checked before a missing one
        ({"idea": 1, "bogus": 1}, "bogus"),
        # criterion *names* are not ids
        ({"Idea": 1, "impact": 1, "team": 1}, "Idea"),
    ],
)
def test_validate_values_unknown_criterion(values, reported):
    err = raises_code("unknown_criterion", validate_values, EVENT, values)
    assert err.params == {"criterion": reported}
    assert reported in str(err)


@pytest.mark.parametrize(
    ("values", "missing_name"),
    [
        ({"impact": 1, "team": 1}, "Idea"),
        ({"idea": 1, "team": 1}, "Impact"),
        ({"idea": 1, "impact": 1}, "Team"),
        # several missing: the first in rubric order is reported
        ({}, "Idea"),
        ({"team": 1}, "Idea"),
    ],
)
def test_validate_values_missing_criterion_reports_the_name(values, missing_name):
    err = raises_code("missing_criterion", validate_values, EVENT, values)
    assert err.params == {"criterion": missing_name}


@pytest.mark.parametrize(
    "bad",
    [True, False, float("nan"), float("inf"), float("-inf"), "10", "", None, [10], {"v": 10}, 1j],
    ids=["true", "false", "nan", "inf", "-inf", "str", "empty-str", "none", "list", "dict", "complex"],
)
@pytest.mark.parametrize("criterion", ["idea", "impact", "team"])
def test_validate_values_not_a_number(criterion, bad):
    err = raises_code("not_a_number", validate_values, EVENT, scores(**{criterion: bad}))
    assert err.params == {"criterion": {"idea": "Idea", "impact": "Impact", "team": "Team"}[criterion]}


@pytest.mark.parametrize(
    ("criterion", "value"),
    [
        ("idea", -0.5),  # on step (0.5) but negative
        ("impact", -1),
        ("team", -0.25),
        ("impact", -1e-9),  # tiny negative is still below zero
        ("idea", -0.3),  # below zero AND off step: below_zero is checked first
    ],
)
def test_validate_values_below_zero(criterion, value):
    err = raises_code("below_zero", validate_values, EVENT, scores(**{criterion: value}))
    assert err.params["criterion"] == criterion.capitalize()


@pytest.mark.parametrize(
    ("criterion", "value", "max_text"),
    [
        ("idea", 30.5, "30"),  # one step above max 30
        ("impact", 41, "40"),
        ("team", 10.25, "10"),
        ("impact", 40.001, "40"),  # above max by more than the 1e-6 tolerance
        ("idea", 31.3, "30"),  # above max AND off step: above_max is checked first
        ("impact", 1e308, "40"),
    ],
)
def test_validate_values_above_max(criterion, value, max_text):
    err = raises_code("above_max", validate_values, EVENT, scores(**{criterion: value}))
    assert err.params == {"criterion": criterion.capitalize(), "max": max_text}
    assert f"maximum of {max_text}" in str(err)


@pytest.mark.parametrize(
    ("criterion", "value", "step_text"),
    [
        ("idea", 27.3, "0.5"),  # 27.3 / 0.5 = 54.6, not whole
        ("idea", 0.1, "0.5"),  # 0.2 steps
        ("impact", 10.5, "1"),  # 10.5 / 1 = 10.5
        ("impact", 39.9, "1"),
        ("team", 0.3, "0.25"),  # 0.3 / 0.25 = 1.2
        ("team", 9.9, "0.25"),  # 9.9 / 0.25 = 39.6
    ],
)
def test_validate_values_off_step(criterion, value, step_text):
    err = raises_code("off_step", validate_values, EVENT, scores(**{criterion: value}))
    assert err.params == {"criterion": criterion.capitalize(), "step": step_text}


def test_validate_values_checks_criteria_in_rubric_order():
    # idea is off-step and team is above max: idea comes first in the rubric, so off_step wins.
    err = raises_code("off_step", validate_values, EVENT, scores(idea=0.2, team=11))
    assert err.params["criterion"] == "Idea"


def test_domain_error_as_dict_carries_code_and_params():
    err = raises_code("above_max", validate_values, EVENT, scores(impact=50))
    d = err.as_dict()
    # other keys (e.g. the untranslated template) may be added; these three are the contract
    assert d["code"] == "above_max"
    assert d["message"] == "The score for Impact is above its maximum of 40."
    assert d["params"] == {"criterion": "Impact", "max": "40"}


# --------------------------------------------------------------------------- validate_values: valid


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # step multiples: 27.5 = 55 * 0.5, 9.75 = 39 * 0.25
        ({"idea": 27.5, "impact": 33, "team": 9.75}, {"idea": 27.5, "impact": 33.0, "team": 9.75}),
        # exact maxima are allowed
        ({"idea": 30, "impact": 40, "team": 10}, {"idea": 30.0, "impact": 40.0, "team": 10.0}),
        ({"idea": 30.0, "impact": 40.0, "team": 10.0}, {"idea": 30.0, "impact": 40.0, "team": 10.0}),
        # zero everywhere is allowed
        ({"idea": 0, "impact": 0, "team": 0}, {"idea": 0.0, "impact": 0.0, "team": 0.0}),
        # smallest steps
        ({"idea": 0.5, "impact": 1, "team": 0.25}, {"idea": 0.5, "impact": 1.0, "team": 0.25}),
        # a whole-number float on a step-1 criterion
        ({"idea": 12.0, "impact": 7.0, "team": 2.5}, {"idea": 12.0, "impact": 7.0, "team": 2.5}),
    ],
)
def test_validate_values_accepts_and_returns_exact_fractions(values, expected):
    out = validate_values(EVENT, values)
    assert out == expected
    assert all(type(v) is Fraction for v in out.values())
    assert list(out) == ["idea", "impact", "team"]  # rubric order, not input order


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (2.5000000000000004, "off_step"),  # the float after 2.5: not 2.5, so off the 0.5 step
        (20.0000004, "off_step"),
        (5e-324, "off_step"),  # the smallest double
        (Decimal("1E-999999"), "off_step"),  # refused before any exact arithmetic on it
        (30 + 1e-9, "above_max"),  # above the maximum by any amount is above it
        (Decimal("1E+999999"), "above_max"),
        (-0.0, "below_zero"),  # negative zero: what 0 - x sends
        (Decimal("-0"), "below_zero"),
        (Decimal("NaN"), "not_a_number"),
        (Decimal("Infinity"), "not_a_number"),
    ],
)
def test_validate_values_refuses_values_off_the_step_by_any_amount(value, code):
    raises_code(code, validate_values, EVENT, scores(idea=value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("27.5"), Fraction(55, 2)),
        (Decimal("27.50"), Fraction(55, 2)),  # trailing zeros are the same decimal
        (27.5, Fraction(55, 2)),
        (Decimal("0"), Fraction(0)),
        (Decimal("0E-20"), Fraction(0)),  # zero written with an exponent
    ],
)
def test_validate_values_keeps_the_exact_decimal(value, expected):
    assert validate_values(EVENT, scores(idea=value))["idea"] == expected


def test_validate_values_without_step_accepts_any_fraction():
    # step <= 0 disables the step check (the event file forbids it, but the model allows it)
    event = make_event((Criterion("x", "X", max=10, step=0),))
    assert validate_values(event, {"x": 3.14159}) == {"x": Fraction("3.14159")}


# --------------------------------------------------------------------------- validate_comment


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  Great pitch.\n", "Great pitch."),
        ("很好", "很好"),
        ("a" * MAX_COMMENT_LENGTH, "a" * 1000),  # exactly at the limit
        (" " + "a" * MAX_COMMENT_LENGTH + " \n", "a" * 1000),  # whitespace around does not count
    ],
)
def test_validate_comment_valid(comment, expected):
    assert validate_comment(comment) == expected


@pytest.mark.parametrize(
    ("comment", "code"),
    [
        (123, "bad_comment"),
        (b"bytes", "bad_comment"),
        (["a"], "bad_comment"),
        (False, "bad_comment"),
        ("a" * 1001, "comment_too_long"),
        # the length is checked after stripping, so surrounding spaces never push a comment over
        ("a" * 1000 + "b", "comment_too_long"),
    ],
)
def test_validate_comment_invalid(comment, code):
    err = raises_code(code, validate_comment, comment)
    if code == "comment_too_long":
        assert err.params == {"limit": 1000}


# --------------------------------------------------------------------------- weighted_total


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 2*27.5 + 1*33 + 0.5*9.75 = 55 + 33 + 4.875 = 92.875
        ({"idea": 27.5, "impact": 33, "team": 9.75}, 92.875),
        # maxima: 2*30 + 40 + 0.5*10 = 105 = panel_max
        ({"idea": 30, "impact": 40, "team": 10}, 105.0),
        ({"idea": 0, "impact": 0, "team": 0}, 0.0),
        # 2*0.5 + 1 + 0.5*0.25 = 1 + 1 + 0.125 = 2.125
        ({"idea": 0.5, "impact": 1, "team": 0.25}, 2.125),
        # 2*20 + 30 + 0.5*5 = 40 + 30 + 2.5 = 72.5
        ({"idea": 20, "impact": 30, "team": 5}, 72.5),
        # an extra key is ignored: only rubric criteria count
        ({"idea": 1, "impact": 1, "team": 1, "extra": 100}, 3.5),  # 2 + 1 + 0.5
    ],
)
def test_weighted_total(values, expected):
    assert weighted_total(EVENT, values) == expected


def test_weighted_total_matches_panel_max_at_maxima():
    assert weighted_total(EVENT, {"idea": 30, "impact": 40, "team": 10}) == EVENT.panel_max == 105


def test_weighted_total_is_exact():
    # weights 0.1 and 0.2: 0.1*3 + 0.2*0 = 0.30000000000000004 in floats, exactly 0.3 here
    event = make_event((Criterion("x", "X", max=10, weight=0.1), Criterion("y", "Y", max=10, weight=0.2)))
    assert 0.1 * 3 != 0.3
    assert weighted_total(event, {"x": Fraction(3), "y": Fraction(0)}) == Fraction(3, 10)
    # 0.1*7 + 0.2*9 = 0.7 + 1.8 = 2.5
    assert weighted_total(event, {"x": Fraction(7), "y": Fraction(9)}) == Fraction(5, 2)


# --------------------------------------------------------------------------- aggregate

MEAN = ScoringRules(rule="mean")
TRIM1 = ScoringRules(rule="trimmed_mean", trim=1, trim_min_judges=5)
TRIM2 = ScoringRules(rule="trimmed_mean", trim=2, trim_min_judges=5)
MEDIAN = ScoringRules(rule="median")


def pairs(**totals: float) -> list[tuple[str, float]]:
    return list(totals.items())


@pytest.mark.parametrize(
    ("rules", "totals", "score", "counted", "dropped", "method"),
    [
        # ---- mean
        # (70 + 80 + 90) / 3 = 80
        (MEAN, pairs(a=70, b=80, c=90), 80.0, ("a", "b", "c"), (), "mean"),
        # (70 + 85 + 90) / 3 = 245 / 3; counted is sorted by total
        (MEAN, pairs(c=90, a=70, b=85), 245 / 3, ("a", "b", "c"), (), "mean"),
        # a single judge: the mean is that total
        (MEAN, pairs(z=42.5), 42.5, ("z",), (), "mean"),
        # mean never trims even with many judges: (1+2+3+4+100)/5 = 110/5 = 22
        (MEAN, pairs(a=1, b=2, c=3, d=4, e=100), 22.0, ("a", "b", "c", "d", "e"), (), "mean"),
        # ---- trimmed_mean, trim 1, needs 5 judges
        # 4 judges < 5: plain mean (60+70+80+100)/4 = 310/4 = 77.5
        (TRIM1, pairs(a=60, b=70, c=80, d=100), 77.5, ("a", "b", "c", "d"), (), "mean"),
        # exactly 5: drop a=50 and e=100, mean(60,70,80) = 210/3 = 70
        (TRIM1, pairs(a=50, b=60, c=70, d=80, e=100), 70.0, ("b", "c", "d"), ("a", "e"), "trimmed_mean"),
        # 6 judges: drop 10 and 100, mean(60,70,80,90) = 300/4 = 75
        (TRIM1, pairs(a=10, b=60, c=70, d=80, e=90, f=100), 75.0, ("b", "c", "d", "e"), ("a", "f"), "trimmed_mean"),
        # ---- trimmed_mean, trim 2 (k=2)
        # 5 judges >= max(5, 2*2+1=5): keep only the middle one, 70; dropped lists low then high
        (TRIM2, pairs(a=50, b=60, c=70, d=80, e=100), 70.0, ("c",), ("a", "b", "d", "e"), "trimmed_mean"),
        # 7 judges: drop 10,20 and 60,70, mean(30,40,50) = 120/3 = 40
        (
            TRIM2,
            pairs(a=10, b=20, c=30, d=40, e=50, f=60, g=70),
            40.0,
            ("c", "d", "e"),
            ("a", "b", "f", "g"),
            "trimmed_mean",
        ),
        # trim 2 with trim_min_judges 3: 4 judges < 2*2+1 = 5, so the plain mean (10+20+30+40)/4 = 25
        (
            ScoringRules(rule="trimmed_mean", trim=2, trim_min_judges=3),
            pairs(a=10, b=20, c=30, d=40),
            25.0,
            ("a", "b", "c", "d"),
            (),
            "mean",
        ),
        # trim 1 with trim_min_judges 3: 3 judges >= max(3, 3): drop 10 and 90, keep 50
        (
            ScoringRules(rule="trimmed_mean", trim=1, trim_min_judges=3),
            pairs(a=10, b=50, c=90),
            50.0,
            ("b",),
            ("a", "c"),
            "trimmed_mean",
        ),
        # trim 0 means no trimming at all: (1+2+3+4+100)/5 = 22
        (
            ScoringRules(rule="trimmed_mean", trim=0, trim_min_judges=1),
            pairs(a=1, b=2, c=3, d=4, e=100),
            22.0,
            ("a", "b", "c", "d", "e"),
            (),
            "mean",
        ),
        # ---- median
        # odd: sorted 70, 80, 90 -> 80
        (MEDIAN, pairs(a=70, b=90, c=80), 80.0, ("a", "c", "b"), (), "median"),
        # even: sorted 70, 80, 90, 100 -> (80 + 90) / 2 = 85
        (MEDIAN, pairs(a=100, b=70, c=90, d=80), 85.0, ("b", "d", "c", "a"), (), "median"),
        # two judges: (60 + 61) / 2 = 60.5
        (MEDIAN, pairs(a=61, b=60), 60.5, ("b", "a"), (), "median"),
        # one judge
        (MEDIAN, pairs(a=33), 33.0, ("a",), (), "median"),
        # the outlier does not move the median: sorted 0, 70, 71, 72, 1000 -> 71
        (MEDIAN, pairs(a=0, b=70, c=71, d=72, e=1000), 71.0, ("a", "b", "c", "d", "e"), (), "median"),
    ],
)
def test_aggregate(rules, totals, score, counted, dropped, method):
    out = aggregate(totals, rules)
    assert out.score == pytest.approx(score)
    assert out.counted == counted
    assert out.dropped == dropped
    assert out.method == method


@pytest.mark.parametrize("rules", [MEAN, TRIM1, TRIM2, MEDIAN])
def test_aggregate_without_totals(rules):
    out = aggregate([], rules)
    assert out.score is None
    assert out.counted == ()
    assert out.dropped == ()
    assert out.method == rules.rule


@pytest.mark.parametrize(
    ("totals", "score", "counted", "dropped"),
    [
        # tie at the bottom (a=b=60): the EARLIER id (a) is dropped, b is kept;
        # top e=90 dropped; mean(60, 70, 80) = 210/3 = 70
        (pairs(a=60, b=60, c=70, d=80, e=90), 70.0, ("b", "c", "d"), ("a", "e")),
        # same, input order reversed: the result does not depend on the input order
        (pairs(e=90, d=80, c=70, b=60, a=60), 70.0, ("b", "c", "d"), ("a", "e")),
        # tie at the top (d=e=90): the LATER id (e) is dropped, d is kept;
        # bottom a=50 dropped; mean(60, 70, 90) = 220/3
        (pairs(a=50, b=60, c=70, d=90, e=90), 220 / 3, ("b", "c", "d"), ("a", "e")),
        (pairs(d=90, e=90, c=70, a=50, b=60), 220 / 3, ("b", "c", "d"), ("a", "e")),
        # ties at both ends with ids that sort against the input: bottom x=y=10 -> drop x; top m=n=90 -> drop n
        # kept y=10, k=50, m=90 -> (10 + 50 + 90) / 3 = 50
        (pairs(y=10, x=10, k=50, n=90, m=90), 50.0, ("y", "k", "m"), ("x", "n")),
        # everybody equal: drop the first id (a) and the last id (e), mean(80,80,80) = 80
        (pairs(c=80, a=80, e=80, b=80, d=80), 80.0, ("b", "c", "d"), ("a", "e")),
    ],
)
def test_trimmed_mean_ties_at_the_boundary(totals, score, counted, dropped):
    out = aggregate(totals, TRIM1)
    assert out.method == "trimmed_mean"
    assert out.score == pytest.approx(score)
    assert out.counted == counted
    assert out.dropped == dropped


def test_aggregate_accepts_a_generator():
    # dict.items() and generators are both Iterables of pairs: (10 + 20) / 2 = 15
    assert aggregate(((j, t) for j, t in {"a": 10.0, "b": 20.0}.items()), MEAN).score == 15.0


# --------------------------------------------------------------------------- zscore_adjust


def _approx_dict(d: Mapping[tuple[str, str], float]):
    return {k: pytest.approx(v, abs=1e-9) for k, v in d.items()}


def test_zscore_two_judges_with_different_leniency():
    # Judge A: p=60, q=80 -> m=70, s=10.   Judge B: p=80, q=100 -> m=90, s=10.
    # All totals 60, 80, 80, 100: M = 80; deviations -20, 0, 0, 20 -> S^2 = (400+400)/4 = 200, S = sqrt(200)
    # A,p: 80 + sqrt(200) * (60-70)/10 = 80 - sqrt(200) = 65.857864...
    # A,q: 80 + sqrt(200) * (80-70)/10 = 80 + sqrt(200) = 94.142135...
    # B,p: 80 + sqrt(200) * (80-90)/10 = 80 - sqrt(200); B,q = 80 + sqrt(200)
    # After normalisation both judges agree.
    totals = {("p", "A"): 60.0, ("q", "A"): 80.0, ("p", "B"): 80.0, ("q", "B"): 100.0}
    s = math.sqrt(200)
    out = zscore_adjust(totals, panel_max=200)
    assert out == _approx_dict({("p", "A"): 80 - s, ("q", "A"): 80 + s, ("p", "B"): 80 - s, ("q", "B"): 80 + s})
    assert out[("p", "A")] == pytest.approx(65.857864, abs=1e-6)
    # the input is not modified
    assert totals[("p", "A")] == 60.0


def test_zscore_judge_with_zero_spread_is_shifted_only():
    # Judge A: p=60, q=80 -> m=70, s=10.   Judge B: p=50, q=50 -> m=50, s=0.
    # All totals 60, 80, 50, 50: M = 240/4 = 60; deviations 0, 20, -10, -10 -> S^2 = (0+400+100+100)/4 = 150
    # A,p: 60 + sqrt(150) * (60-70)/10 = 60 - sqrt(150) = 47.752551...
    # A,q: 60 + sqrt(150) = 72.247448...
    # B (s=0): x - m + M = 50 - 50 + 60 = 60 for both
    totals = {("p", "A"): 60.0, ("q", "A"): 80.0, ("p", "B"): 50.0, ("q", "B"): 50.0}
    s = math.sqrt(150)
    out = zscore_adjust(totals, panel_max=100)
    assert out == _approx_dict({("p", "A"): 60 - s, ("q", "A"): 60 + s, ("p", "B"): 60.0, ("q", "B"): 60.0})


def test_zscore_judge_with_one_score_is_unchanged():
    # Judge A: p=60, q=80 -> m=70, s=10.   Judge C: only p=90 -> unchanged.
    # All totals 60, 80, 90: M = 230/3; deviations -50/3, 10/3, 40/3
    # S^2 = (2500 + 100 + 1600) / 9 / 3 = 4200/27
    # A,p: M + S * (60-70)/10 = 230/3 - sqrt(4200/27) = 76.6667 - 12.4722 = 64.1944
    # A,q: 230/3 + sqrt(4200/27) = 89.1389
    # C,p: 90
    totals = {("p", "A"): 60.0, ("q", "A"): 80.0, ("p", "C"): 90.0}
    m, s = 230 / 3, math.sqrt(4200 / 27)
    out = zscore_adjust(totals, panel_max=100)
    assert out == _approx_dict({("p", "A"): m - s, ("q", "A"): m + s, ("p", "C"): 90.0})
    assert out[("p", "A")] == pytest.approx(64.1944, abs=1e-4)


def test_zscore_clamps_to_the_panel_maximum():
    # Judge A: p=0, q=0, r=90 -> m=30, s^2 = (900+900+3600)/3 = 1800; z_r = 60/sqrt(1800) = sqrt(2)
    #                          z_p = z_q = -30/sqrt(1800) = -1/sqrt(2)
    # Judge B: 100, 100, 100 -> s=0, shift only
    # All totals 0,0,90,100,100,100: M = 390/6 = 65
    #   deviations -65,-65,25,35,35,35 -> S^2 = (4225*2 + 625 + 1225*3)/6 = 12750/6 = 2125
    # A,r: 65 + sqrt(2125)*sqrt(2) = 65 + 65.19 = 130.19 -> clamped to 100
    # A,p = A,q: 65 - sqrt(2125)/sqrt(2) = 65 - sqrt(1062.5) = 65 - 32.5960 = 32.4040
    # B: 100 - 100 + 65 = 65
    totals = {
        ("p", "A"): 0.0,
        ("q", "A"): 0.0,
        ("r", "A"): 90.0,
        ("p", "B"): 100.0,
        ("q", "B"): 100.0,
        ("r", "B"): 100.0,
    }
    low = 65 - math.sqrt(1062.5)
    out = zscore_adjust(totals, panel_max=100)
    assert out == _approx_dict(
        {("p", "A"): low, ("q", "A"): low, ("r", "A"): 100.0, ("p", "B"): 65, ("q", "B"): 65, ("r", "B"): 65}
    )
    assert out[("p", "A")] == pytest.approx(32.4040, abs=1e-4)


def test_zscore_clamps_at_zero():
    # The mirror image: A: 100, 100, 10 (m=70, s^2=1800), B: 0, 0, 0 (s=0)
    # All: M = 210/6 = 35, S^2 = 2125 (same deviations mirrored)
    # A,r: 35 - sqrt(4250) = 35 - 65.19 = -30.19 -> clamped to 0
    # A,p = A,q: 35 + sqrt(1062.5) = 67.5959
    # B: 0 - 0 + 35 = 35
    totals = {
        ("p", "A"): 100.0,
        ("q", "A"): 100.0,
        ("r", "A"): 10.0,
        ("p", "B"): 0.0,
        ("q", "B"): 0.0,
        ("r", "B"): 0.0,
    }
    high = 35 + math.sqrt(1062.5)
    out = zscore_adjust(totals, panel_max=100)
    assert out == _approx_dict(
        {("p", "A"): high, ("q", "A"): high, ("r", "A"): 0.0, ("p", "B"): 35, ("q", "B"): 35, ("r", "B"): 35}
    )


def test_zscore_shift_is_clamped_too():
    # B scores one project 0 and another 0 (s=0); A scores 100 and 100 (s=0). M = 50.
    # A: 100 - 100 + 50 = 50; B: 0 - 0 + 50 = 50.  Both shifted to the grand mean, inside [0, 60].
    # With panel_max 40 the shifted 50 is clamped to 40.
    totals = {("p", "A"): 100.0, ("q", "A"): 100.0, ("p", "B"): 0.0, ("q", "B"): 0.0}
    assert zscore_adjust(totals, panel_max=60) == {k: 50.0 for k in totals}
    assert zscore_adjust(totals, panel_max=40) == {k: 40.0 for k in totals}


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ({}, {}),
        # one total: nothing to learn
        ({("p", "A"): 50.0}, {("p", "A"): 50.0}),
        # every judge scored once: all unchanged
        ({("p", "A"): 20.0, ("p", "B"): 80.0}, {("p", "A"): 20.0, ("p", "B"): 80.0}),
        # one judge alone: M = m and S = s, so x' = x (70 and 90 unchanged)
        ({("p", "A"): 70.0, ("q", "A"): 90.0}, {("p", "A"): 70.0, ("q", "A"): 90.0}),
    ],
)
def test_zscore_degenerate_cases(totals, expected):
    assert zscore_adjust(totals, panel_max=100) == _approx_dict(expected)
