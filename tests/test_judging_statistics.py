"""The judging statistics (app/domain/agreement.py, calibration.py, rule_compare.py, stability.py)
against published values and planted effects; docs/judging-statistics.md states the formulas."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from app.domain.agreement import complete_block, icc, kendall_w
from app.domain.awards import compute_awards
from app.domain.calibration import calibrate
from app.domain.models import AwardRule, Category, Criterion, Event, Judge, Project, ScoringRules
from app.domain.results import compute_results, rank
from app.domain.rule_compare import compare_rules, outcome_under
from app.domain.scoring import ScoreSheet
from app.domain.stability import BOOTSTRAP_MAX, rank_stability

from .judging_data import demo_event, simulated_sheets

# Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability.
# Psychological Bulletin 86(2), 420-428, Table 2: 6 targets (rows) rated by 4 judges (columns).
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float
)


def test_icc_reproduces_shrout_fleiss_table():
    # The paper's values, to its two decimals.
    published = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    found = icc(SHROUT_FLEISS)
    for form, value in published.items():
        assert round(found[form].value, 2) == value, form


def test_icc_confidence_intervals_and_f_tests():
    # The 95% intervals (McGraw & Wong 1996) for the same data as R's psych::ICC prints them
    # (Revelle, psych package, ICC help page example on the Shrout & Fleiss data).
    intervals = {
        "ICC(1,1)": (-0.133, 0.72),
        "ICC(2,1)": (0.019, 0.76),
        "ICC(3,1)": (0.342, 0.95),
        "ICC(1,k)": (-0.884, 0.91),
        "ICC(2,k)": (0.071, 0.93),
        "ICC(3,k)": (0.676, 0.99),
    }
    found = icc(SHROUT_FLEISS)
    for form, (lower, upper) in intervals.items():
        assert found[form].lower == pytest.approx(lower, abs=0.0015), form
        assert found[form].upper == pytest.approx(upper, abs=0.006), form
    assert found["ICC(1,1)"].f == pytest.approx(1.795, abs=0.001)
    assert (found["ICC(1,1)"].df1, found["ICC(1,1)"].df2) == (5, 18)
    assert found["ICC(2,1)"].f == pytest.approx(11.027, abs=0.001)
    assert (found["ICC(3,1)"].df1, found["ICC(3,1)"].df2) == (5, 15)


def test_icc_of_identical_judges_is_one_and_of_a_shift_is_absolute_only():
    base = np.array([[1.0], [4.0], [2.0], [8.0], [5.0]])
    same = np.hstack([base, base, base])
    perfect = icc(same)["ICC(2,1)"]
    assert perfect.value == 1.0 and perfect.f != perfect.f  # no residual variance: F undefined (NaN)
    shifted = np.hstack([base, base + 3, base + 0.5]) + np.array([[0, 0.1, 0]] * 5)
    found = icc(shifted)
    # A constant offset between judges is agreement in consistency (ICC(3,1)) but not absolute (ICC(2,1))
    assert found["ICC(3,1)"].value > 0.99
    assert found["ICC(2,1)"].value < found["ICC(3,1)"].value - 0.1


def test_kendall_w_reproduces_siegel_example_with_ties():
    # Siegel, S. (1956). Nonparametric Statistics for the Behavioral Sciences, McGraw-Hill: 10 objects
    # ranked by 3 judges with tied ranks, as used by the NAG Library's g08da(f) example, which reports
    # W = 0.8277 (corrected for ties) and significance 0.0078.
    judges = np.array(
        [
            [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
            [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
            [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
        ]
    )
    result = kendall_w(judges.T)  # projects in rows, judges in columns
    assert result.w == pytest.approx(0.8277, abs=0.00005)
    assert result.p == pytest.approx(0.0078, abs=0.00005)
    assert result.df == 9
    assert result.chi2 == pytest.approx(3 * 9 * result.w)


def test_kendall_w_equals_friedman_statistic_scaled():
    # W = chi²_Friedman / (m (n - 1)), both corrected for ties: scipy's Friedman test cross-checks it.
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(9, 5)) * 2) / 2  # many ties
    friedman = stats.friedmanchisquare(*x)  # treatments: the projects; blocks: the judges
    assert kendall_w(x).w == pytest.approx(friedman.statistic / (5 * 8))
    perfect = np.column_stack([np.arange(6)] * 4)
    assert kendall_w(perfect).w == pytest.approx(1.0)


def test_complete_block_leaves_out_recusals_and_absent_judges():
    cells = {(p, j): 1.0 for p in "ABCD" for j in ("x", "y", "z")}
    del cells[("B", "y")]  # a recusal: project B is left out
    cells.update({("A", "w"): 2.0})  # w scored 1 of 4 projects: w is left out, not all of B, C, D
    block = complete_block(cells, list("ABCDE"), ["x", "y", "z", "w"])
    assert block.judges == ("x", "y", "z")
    assert block.projects == ("A", "C", "D")
    assert block.left_out_projects == ("B",)
    assert block.left_out_judges == ("w",)
    assert block.matrix.shape == (3, 3)


# ------------------------------------------------------------------------- calibration


def _cells(sheets):
    return {key: float(sheet.total) for key, sheet in sheets.items()}


@pytest.mark.parametrize("seed", range(8))
def test_planted_lenient_judge_and_mistyped_score_are_flagged_and_nothing_else(seed):
    event = demo_event()
    projects, judges = [p.id for p in event.projects], [j.id for j in event.judges]
    sheets = simulated_sheets(event, seed, lenient="j5", typo=("p07", "j2"))
    found = calibrate(_cells(sheets), projects, judges, event.panel_max)
    assert {r.judge: r.verdict for r in found.judges if r.verdict} == {"j5": "lenient"}
    assert [(o.project, o.judge) for o in found.outliers] == [("p07", "j2")]
    typo = found.outliers[0]
    assert typo.deviation < -typo.limit
    lenient = next(r for r in found.judges if r.judge == "j5")
    assert lenient.lower > 0 and lenient.offset_z > 1
    # The mistyped score is left out of j2's leniency: j2 is not made to look harsh by it.
    harsh = next(r for r in found.judges if r.judge == "j2")
    assert harsh.compared == harsh.scored - 1


def test_an_honest_panel_is_not_flagged():
    event = demo_event()
    projects, judges = [p.id for p in event.projects], [j.id for j in event.judges]
    for seed in range(5):
        found = calibrate(_cells(simulated_sheets(event, seed)), projects, judges, event.panel_max)
        assert not [r for r in found.judges if r.verdict]
        assert found.outliers == []
        assert all(r.rho > 0.5 for r in found.judges)


def test_leniency_interval_and_outlier_limit_by_hand():
    # 4 projects × 4 judges: d has offsets +6, and one score 30 points low.
    cells = {}
    for p, base in zip("ABCD", (60, 70, 80, 90), strict=True):
        for j, extra in zip("wxyz", (0, 1, -1, 6), strict=True):
            cells[(p, j)] = float(base + extra)
    cells[("C", "x")] = 51.0
    found = calibrate(cells, list("ABCD"), list("wxyz"), 100)
    assert [(o.project, o.judge) for o in found.outliers] == [("C", "x")]
    z = next(r for r in found.judges if r.judge == "z")
    # z's distance to the mean of the others: A, B, D: 6 - 0 = 6; C (x left out): 6 - (-0.5) = 6.5
    assert z.offset == pytest.approx((6 + 6 + 6.5 + 6) / 4)
    assert z.verdict == "lenient"
    assert z.offset_z == pytest.approx(z.offset / found.within_sd)
    assert z.lower_z == pytest.approx(z.lower / found.within_sd) and z.lower_z < z.offset_z < z.upper_z


# ---------------------------------------------------------------------- rule comparison


def _small_event(rule: str = "mean") -> Event:
    judges = tuple(Judge(f"j{i}", f"J{i}") for i in range(1, 4))
    projects = tuple(Project(p, f"T{p}", f"Team {p}", f"Leader {p}", "c", i) for i, p in enumerate("ABCD", 1))
    return Event(
        title="t",
        date="",
        categories=(Category("c", "C"),),
        criteria=(Criterion("s", "S", max=100),),
        judges=judges,
        projects=projects,
        scoring=ScoringRules(rule=rule, min_panel=1),  # type: ignore[arg-type]
        awards=(
            AwardRule("top", "Top", "top_projects", count=1),
            AwardRule("lead", "Leaders", "team_leaders", of="top"),
        ),
    )


def _sheets(totals: dict[str, tuple[int, int, int]]) -> dict[tuple[str, str], ScoreSheet]:
    return {
        (p, f"j{i}"): ScoreSheet(p, f"j{i}", {"s": Fraction(t)}, Fraction(t))
        for p, row in totals.items()
        for i, t in enumerate(row, 1)
    }


def test_rule_comparison_lists_every_award_change():
    event = _small_event("mean")
    # A: mean 70, median 90; B: mean 75, median 75. The mean gives the award to B, the median to A.
    sheets = _sheets({"A": (90, 90, 30), "B": (75, 75, 75), "C": (50, 55, 60), "D": (40, 42, 44)})
    found = compare_rules(event, sheets, set(), event.default_order())
    median_changes = {(c.award, c.project, c.change) for c in found.changes if c.rule == "median"}
    assert {(c.award, c.project, c.change) for c in found.changes if (c.rule, c.normalize) == ("median", "none")} == {
        ("top", "A", "gains"),
        ("top", "B", "loses"),
        ("lead", "A", "gains"),
        ("lead", "B", "loses"),
    }
    assert median_changes  # and the same holds with z-scores below, whatever they decide
    # Every change listed is a real difference of winners, and every difference is listed.
    for outcome in found.outcomes:
        expected = set()
        for mine, theirs in zip(found.event_rule.awards, outcome.awards, strict=True):
            before = {w.project for w in mine.winners}
            after = {w.project for w in theirs.winners}
            expected |= {(mine.id, p, "gains") for p in after - before} | {
                (mine.id, p, "loses") for p in before - after
            }
        listed = {
            (c.award, c.project, c.change)
            for c in found.changes
            if (c.rule, c.normalize) == (outcome.rule, outcome.normalize)
        }
        assert listed == expected
    assert found.tau[("mean", "none")] == pytest.approx(1.0)
    assert found.tau[("median", "none")] < 1.0
    # The trimmed mean with 3 judges falls back to the mean (trim_min_judges 5): same winners.
    assert not [c for c in found.changes if (c.rule, c.normalize) == ("trimmed_mean", "none")]


def test_rule_outcome_is_the_live_computation():
    event = demo_event()
    sheets = simulated_sheets(event, 3)
    recused = {(r.judge, r.project) for r in event.recusals}
    order = event.default_order()
    mine = outcome_under(event, sheets, recused, order, event.scoring.rule, event.scoring.normalize)
    live = rank(event, compute_results(event, sheets, recused), None, order)
    assert mine.is_event_rule
    assert [mine.standings.results[p].composite for p in live.overall] == [
        live.results[p].composite for p in live.overall
    ]
    assert [w.project for w in mine.awards[0].winners] == [
        w.project for w in compute_awards(event, live, order)[0].winners
    ]


# ---------------------------------------------------------------------- rank stability


def test_stability_shares_and_margin():
    event = demo_event()
    sheets = simulated_sheets(event, 3)
    recused = {(r.judge, r.project) for r in event.recusals}
    order = event.default_order()
    base = compute_results(event, sheets, recused)
    found = rank_stability(event, sheets, recused, base, order, resamples=60, seed=1)
    again = rank_stability(event, sheets, recused, base, order, resamples=60, seed=1)
    assert found == again  # seeded: the same scores give the same shares
    assert found.resamples == 60 and found.loo_panels == 7
    team = found.awards[0]
    assert team.award == "team"
    winners = {w.project for w in compute_awards(event, rank(event, base, None, order), order)[0].winners}
    for row in team.projects:
        assert row.wins == (row.project in winners)
        assert 0 <= row.bootstrap_share <= 1 and 0 <= row.loo_share <= 1
    assert any(row.wins for row in team.projects) and any(not row.wins for row in team.projects)
    assert team.margin is not None
    assert rank_stability(event, sheets, recused, base, order, resamples=10**9).resamples == BOOTSTRAP_MAX


def test_stability_full_panel_resample_matches_the_awards():
    # One judge only: every bootstrap panel is that judge, so every share is 0 or 1 as decided.
    event = _small_event("mean")
    sheets = {
        k: v
        for k, v in _sheets({"A": (90, 0, 0), "B": (80, 0, 0), "C": (70, 0, 0), "D": (60, 0, 0)}).items()
        if k[1] == "j1"
    }
    base = compute_results(event, sheets, set())
    found = rank_stability(event, sheets, set(), base, event.default_order(), resamples=20)
    shares = {row.project: row.bootstrap_share for row in found.awards[0].projects}
    assert shares == {"A": 1.0, "B": 0.0, "C": 0.0}
    assert found.awards[0].margin == Fraction(10)


def test_default_bootstrap_is_smaller_with_z_scores():
    event = _small_event("mean")
    zscore = dataclasses.replace(event, scoring=dataclasses.replace(event.scoring, normalize="zscore"))
    sheets = _sheets({"A": (90, 80, 70), "B": (75, 70, 65), "C": (50, 55, 60), "D": (40, 42, 44)})
    for variant, expected in ((event, 200), (zscore, 100)):
        found = rank_stability(variant, sheets, set(), compute_results(variant, sheets, set()), variant.default_order())
        assert found.resamples == expected
