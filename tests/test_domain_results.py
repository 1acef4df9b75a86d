"""Unit tests for app/domain/results.py: per-project results, the composite, and the rankings.

Every expected number is computed by hand; the arithmetic is in the comment next to the case.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

import pytest

from app.domain.models import Category, Criterion, Event, Indicator, Judge, Project, ScoringRules
from app.domain.results import compute_results, rank
from app.domain.scoring import ScoreSheet

# --------------------------------------------------------------------------- helpers

CATEGORIES = (Category("env", "Environment"), Category("edu", "Education"))
JUDGES = tuple(Judge(f"j{i}", f"Judge {i}") for i in range(1, 6))
# one criterion 0..100, weight 1: a judge's total equals their score and panel_max = 100
CRITERIA_100 = (Criterion("overall", "Overall", max=100, weight=1),)


def project(pid: str, category: str = "env", order: int = 0, **indicators: float) -> Project:
    return Project(
        id=pid,
        title=f"Project {pid}",
        team=f"Team {pid}",
        leader=f"Leader {pid}",
        category=category,
        order=order,
        indicators=dict(indicators),
    )


def make_event(
    projects: Iterable[Project],
    *,
    rule: str = "mean",
    min_panel: int = 1,
    decimals: int = 2,
    normalize: str = "none",
    trim: int = 1,
    trim_min_judges: int = 5,
    criteria: tuple[Criterion, ...] = CRITERIA_100,
    panel_weight: float = 100.0,
    indicators: tuple[Indicator, ...] = (),
) -> Event:
    projects = tuple(projects)
    # give unordered projects their position as running order
    projects = tuple(p if p.order else replace(p, order=i + 1) for i, p in enumerate(projects))
    return Event(
        title="Test",
        date="2025-01-01",
        categories=CATEGORIES,
        criteria=criteria,
        judges=JUDGES,
        projects=projects,
        panel_weight=panel_weight,
        indicators=indicators,
        scoring=ScoringRules(
            rule=rule,  # type: ignore[arg-type]
            trim=trim,
            trim_min_judges=trim_min_judges,
            normalize=normalize,  # type: ignore[arg-type]
            min_panel=min_panel,
            decimals=decimals,
        ),
    )


def sheets(table: Mapping[str, Mapping[str, float]]) -> dict[tuple[str, str], ScoreSheet]:
    """{project: {judge: total}} -> the (project, judge) -> ScoreSheet map compute_results takes."""
    return {
        (pid, jid): ScoreSheet(project=pid, judge=jid, values={"overall": total}, total=float(total))
        for pid, row in table.items()
        for jid, total in row.items()
    }


def same(*totals: float) -> dict[str, float]:
    """Judges j1, j2, ... give these totals in turn."""
    return {f"j{i}": t for i, t in enumerate(totals, start=1)}


def ranked(event: Event, table, recused=(), only=None):
    results = compute_results(event, sheets(table), set(recused))
    return results, rank(event, results, only)


# --------------------------------------------------------------------------- composite


def composite_event(**kw) -> Event:
    """Panel weight 40 on a rubric with panel_max 50; indicators sat (weight 30, max 100) and
    eng (weight 10, max 5). Weight total 40 + 30 + 10 = 80."""
    return make_event(
        [project("P1", sat=90, eng=4), project("P2", sat=50, eng=5), project("P3", sat=100, eng=0)],
        criteria=(
            Criterion("plan", "Plan", max=20, weight=2),  # 40
            Criterion("pitch", "Pitch", max=10, weight=1),  # 10 -> panel_max 50
        ),
        panel_weight=40,
        indicators=(
            Indicator("sat", "Satisfaction", weight=30, max=100),
            Indicator("eng", "Engagement", weight=10, max=5),
        ),
        min_panel=3,
        **kw,
    )


def test_composite_with_panel_and_indicators():
    event = composite_event()
    assert event.panel_max == 50
    assert event.composite_weight_total == 80
    # P1: judges 40, 45, 35 -> panel mean 120/3 = 40 -> panel_100 = 100*40/50 = 80
    #     sat 90/100 -> 90; eng 4/5 -> 80
    #     contributions: 40*80/80 = 40; 30*90/80 = 33.75; 10*80/80 = 10 -> composite 83.75
    #     check: (40*80 + 30*90 + 10*80)/80 = (3200 + 2700 + 800)/80 = 6700/80 = 83.75
    results = compute_results(event, sheets({"P1": same(40, 45, 35)}), set())
    r = results["P1"]
    assert r.panel == pytest.approx(40)
    assert r.composite == pytest.approx(83.75)
    assert r.totals == {"j1": 40.0, "j2": 45.0, "j3": 35.0}
    assert r.adjusted == r.totals  # no normalisation
    assert r.method == "mean"
    assert r.category == "env"
    assert r.flags == []
    comps = {c.id: c for c in r.components}
    assert [c.id for c in r.components] == ["panel", "sat", "eng"]
    assert (comps["panel"].value, comps["panel"].max, comps["panel"].weight) == (pytest.approx(40), 50, 40)
    assert comps["panel"].score_100 == pytest.approx(80)
    assert comps["panel"].contribution == pytest.approx(40)
    assert (comps["sat"].value, comps["sat"].score_100, comps["sat"].contribution) == (90, 90, pytest.approx(33.75))
    assert (comps["eng"].value, comps["eng"].score_100, comps["eng"].contribution) == (4, 80, pytest.approx(10))
    assert sum(c.contribution for c in r.components) == pytest.approx(r.composite)


@pytest.mark.parametrize(
    ("pid", "totals", "panel", "composite"),
    [
        # P2: panel mean(50,50,50)=50 -> 100; sat 50; eng 5/5 -> 100
        #     (40*100 + 30*50 + 10*100)/80 = (4000 + 1500 + 1000)/80 = 6500/80 = 81.25
        ("P2", (50, 50, 50), 50.0, 81.25),
        # P3: panel mean(0,0,0)=0 -> 0; sat 100; eng 0 -> (0 + 3000 + 0)/80 = 37.5
        ("P3", (0, 0, 0), 0.0, 37.5),
        # P1 with panel mean(25,20,30)=25 -> 50: (40*50 + 2700 + 800)/80 = 5500/80 = 68.75
        ("P1", (25, 20, 30), 25.0, 68.75),
    ],
)
def test_composite_table(pid, totals, panel, composite):
    r = compute_results(composite_event(), sheets({pid: same(*totals)}), set())[pid]
    assert r.panel == pytest.approx(panel)
    assert r.composite == pytest.approx(composite)


def test_composite_is_the_panel_on_100_points_without_indicators():
    # panel_max 50, panel mean(30, 40, 20) = 30 -> 100*30/50 = 60; panel is the only component
    event = make_event(
        [project("A")], criteria=(Criterion("a", "A", max=25, weight=2),), min_panel=1
    )  # panel_max 25*2 = 50
    r = compute_results(event, sheets({"A": same(30, 40, 20)}), set())["A"]
    assert r.panel == pytest.approx(30)
    assert r.composite == pytest.approx(60)
    assert len(r.components) == 1


def test_first_places_count_judges_whose_best_total_it_is():
    # j1: P1 40 > P2 30 -> P1.   j2: P1 45 < P2 50 -> P2.   j3: P1 35 = P2 35 -> both.
    # P1: 2 (j1, j3), P2: 2 (j2, j3), P3 (no scores): 0
    event = composite_event()
    results = compute_results(event, sheets({"P1": same(40, 45, 35), "P2": same(30, 50, 35)}), set())
    assert results["P1"].first_places == 2
    assert results["P2"].first_places == 2
    assert results["P3"].first_places == 0


# --------------------------------------------------------------------------- recusal and flags


def test_recused_judge_is_excluded():
    # j4 gave P1 a 10 but is recused from P1: P1 panel = mean(40, 45, 35) = 40 as before, composite 83.75
    event = composite_event()
    table = {"P1": same(40, 45, 35, 10), "P2": same(50, 50, 50, 50)}
    results = compute_results(event, sheets(table), {("j4", "P1")})
    p1 = results["P1"]
    assert p1.panel == pytest.approx(40)
    assert p1.composite == pytest.approx(83.75)
    assert "j4" not in p1.totals
    assert "j4" not in p1.counted
    assert p1.recused == ("j4",)
    # j4 still counts for P2 where they are not recused: mean(50,50,50,50) = 50
    assert results["P2"].totals["j4"] == 50.0
    assert results["P2"].recused == ()
    # without the recusal j4's 10 counts: mean(40,45,35,10) = 130/4 = 32.5
    assert compute_results(event, sheets(table), set())["P1"].panel == pytest.approx(32.5)


def test_recusal_without_a_sheet_is_listed():
    event = composite_event()
    results = compute_results(event, sheets({"P1": same(40, 45, 35)}), {("j5", "P1"), ("j4", "P1"), ("j1", "P2")})
    assert results["P1"].recused == ("j4", "j5")  # sorted
    assert results["P2"].recused == ("j1",)


def test_recused_judge_does_not_earn_a_first_place():
    # j1 gives P1 100 but is recused from it; j1's best counted total is P2's 60 -> P2 gets j1's first place
    event = make_event([project("P1"), project("P2")])
    results = compute_results(event, sheets({"P1": {"j1": 100, "j2": 50}, "P2": {"j1": 60, "j2": 40}}), {("j1", "P1")})
    assert results["P1"].first_places == 1  # j2: 50 > 40
    assert results["P2"].first_places == 1  # j1


@pytest.mark.parametrize(
    ("table", "recused", "flags", "panel"),
    [
        # three judges, min_panel 3: fine; mean(40,45,35) = 40
        ({"P1": same(40, 45, 35)}, (), [], 40.0),
        # two judges < 3: flagged but still scored, mean(40, 44) = 42
        ({"P1": same(40, 44)}, (), ["insufficient_panel"], 42.0),
        # three sheets but one recused: two count -> flagged; mean(40, 44) = 42
        ({"P1": same(40, 44, 0)}, [("j3", "P1")], ["insufficient_panel"], 42.0),
        # no sheet at all
        ({}, (), ["no_scores"], None),
        # only a recused judge's sheet: nothing counts
        ({"P1": {"j2": 30}}, [("j2", "P1")], ["no_scores"], None),
    ],
)
def test_flags(table, recused, flags, panel):
    r = compute_results(composite_event(), sheets(table), set(recused))["P1"]
    assert r.flags == flags
    if panel is None:
        assert r.panel is None
        assert r.composite is None
        # the components are still listed; the panel one has no value
        assert r.components[0].id == "panel"
        assert r.components[0].value is None
        assert r.components[0].contribution is None
        # indicators collected before the day are still shown
        assert r.components[1].score_100 == 90
    else:
        assert r.panel == pytest.approx(panel)
        assert r.composite is not None


@pytest.mark.parametrize(
    ("trim", "trim_min_judges", "totals", "panel", "counted", "dropped"),
    [
        # 4 judges, trim 1 from 4 judges: drop 10 and 90, mean(50, 60) = 55. Four judges scored, min_panel 3.
        (1, 4, (10, 50, 60, 90), 55.0, ("j2", "j3"), ("j1", "j4")),
        # 5 judges, trim 2: keep only the middle 50. Five judges scored.
        (2, 5, (10, 40, 50, 60, 90), 50.0, ("j3",), ("j1", "j2", "j4", "j5")),
    ],
)
def test_trimming_does_not_make_a_full_panel_insufficient(trim, trim_min_judges, totals, panel, counted, dropped):
    # min_panel counts the judges who scored (the trimmed ones were on the panel too), exactly as
    # trim_min_judges does: "only when at least this many judges counted".
    event = make_event([project("P1")], rule="trimmed_mean", trim=trim, trim_min_judges=trim_min_judges, min_panel=3)
    r = compute_results(event, sheets({"P1": same(*totals)}), set())["P1"]
    assert r.method == "trimmed_mean"
    assert r.panel == pytest.approx(panel)
    assert r.counted == counted
    assert r.dropped == dropped
    assert r.flags == []


def test_trimmed_mean_uses_totals_after_recusal():
    # 5 sheets but j5 (the 100) is recused: 4 count < trim_min_judges 5 -> plain mean
    # counted j1..j4: (10 + 50 + 60 + 90)/4 = 210/4 = 52.5
    event = make_event([project("P1")], rule="trimmed_mean", trim=1, trim_min_judges=5, min_panel=3)
    r = compute_results(event, sheets({"P1": same(10, 50, 60, 90, 100)}), {("j5", "P1")})["P1"]
    assert r.method == "mean"
    assert r.panel == pytest.approx(52.5)
    assert r.dropped == ()


@pytest.mark.parametrize(
    ("rule", "totals", "panel"),
    [
        ("mean", (70, 80, 96), 82.0),  # 246/3 = 82
        ("median", (70, 80, 96), 80.0),  # middle of 70, 80, 96
        ("median", (70, 80, 96, 100), 88.0),  # (80 + 96)/2 = 88
        ("trimmed_mean", (0, 70, 80, 90, 100), 80.0),  # drop 0 and 100: 240/3 = 80
        ("trimmed_mean", (0, 70, 80, 90), 60.0),  # 4 < 5 judges: 240/4 = 60
    ],
)
def test_panel_rule_is_applied(rule, totals, panel):
    event = make_event([project("P1")], rule=rule)
    assert compute_results(event, sheets({"P1": same(*totals)}), set())["P1"].panel == pytest.approx(panel)


def test_zscore_normalisation_feeds_the_panel_but_keeps_raw_totals():
    # Judge j1: A=60, B=80 (m 70, s 10); j2: A=80, B=100 (m 90, s 10).
    # M = 80, S = sqrt(200) (see test_domain_scoring): adjusted A = 80 - sqrt(200) for both judges,
    # B = 80 + sqrt(200). Panel (mean) A = 65.857864, B = 94.142136.
    event = make_event([project("A"), project("B")], normalize="zscore")
    results = compute_results(event, sheets({"A": {"j1": 60, "j2": 80}, "B": {"j1": 80, "j2": 100}}), set())
    s = math.sqrt(200)
    assert results["A"].totals == {"j1": 60.0, "j2": 80.0}
    assert results["A"].adjusted == {"j1": pytest.approx(80 - s), "j2": pytest.approx(80 - s)}
    assert results["A"].panel == pytest.approx(80 - s)
    assert results["B"].panel == pytest.approx(80 + s)
    # raw mean would have been 70 and 90
    assert results["A"].composite == pytest.approx(65.857864, abs=1e-6)


def test_zscore_ignores_recused_sheets():
    # j2's recused A=0 must not enter the judge means: counted j1: A=60, B=80; j2: B=100 only.
    # All counted: 60, 80, 100 -> M = 80, S = sqrt((400 + 0 + 400)/3) = sqrt(800/3)
    # j1: m 70, s 10 -> A = 80 - sqrt(800/3) = 63.6701, B = 80 + sqrt(800/3) = 96.3299; j2 one score -> 100
    event = make_event([project("A"), project("B")], normalize="zscore")
    results = compute_results(event, sheets({"A": {"j1": 60, "j2": 0}, "B": {"j1": 80, "j2": 100}}), {("j2", "A")})
    s = math.sqrt(800 / 3)
    assert results["A"].adjusted == {"j1": pytest.approx(80 - s)}
    assert results["B"].adjusted == {"j1": pytest.approx(80 + s), "j2": pytest.approx(100)}
    # B panel: mean(96.3299, 100) = 98.16
    assert results["B"].panel == pytest.approx((80 + s + 100) / 2)


# --------------------------------------------------------------------------- ranking


def ranks(standings, attr: str = "rank") -> dict[str, int | None]:
    return {pid: getattr(r, attr) for pid, r in standings.results.items()}


def tied(standings, attr: str = "tied") -> dict[str, bool]:
    return {pid: getattr(r, attr) for pid, r in standings.results.items()}


def test_shared_ranks_1_2_2_4():
    # A: 90 from all (every judge's best -> 3 first places); B and C: 80 from all (0 first places each);
    # D: 70. B and C are equal on composite (80), panel (80) and first places (0): they share rank 2.
    event = make_event([project("A"), project("B"), project("C"), project("D")])
    _, st = ranked(event, {"A": same(90, 90, 90), "B": same(80, 80, 80), "C": same(80, 80, 80), "D": same(70, 70, 70)})
    assert st.overall == ["A", "B", "C", "D"]
    assert ranks(st) == {"A": 1, "B": 2, "C": 2, "D": 4}
    assert tied(st) == {"A": False, "B": True, "C": True, "D": False}


def test_full_ties_keep_running_order():
    # C runs before B: among the tied pair the listing follows the running order.
    event = make_event([project("A", order=1), project("C", order=2), project("B", order=3), project("D", order=4)])
    _, st = ranked(event, {"A": same(90, 90, 90), "B": same(80, 80, 80), "C": same(80, 80, 80), "D": same(70, 70, 70)})
    assert st.overall == ["A", "C", "B", "D"]
    assert ranks(st) == {"A": 1, "C": 2, "B": 2, "D": 4}


def test_three_way_tie_at_the_top():
    # all three get 50 from each judge: three first places each, ranks 1, 1, 1, then D is 4th
    event = make_event([project("A"), project("B"), project("C"), project("D")])
    _, st = ranked(event, {"A": same(50, 50), "B": same(50, 50), "C": same(50, 50), "D": same(40, 40)})
    assert ranks(st) == {"A": 1, "B": 1, "C": 1, "D": 4}
    assert tied(st) == {"A": True, "B": True, "C": True, "D": False}


def test_tie_break_by_panel_score():
    # panel weight 50, sat weight 50 (max 100), panel_max 100.
    # P: panel 80, sat 60 -> (50*80 + 50*60)/100 = 70.   Q: panel 60, sat 80 -> (3000 + 4000)/100 = 70.
    # Same composite; P has the higher panel score -> P 1st, Q 2nd, not tied.
    # Q is listed first in running order so the result is not the stable-sort default.
    event = make_event(
        [project("Q", sat=80), project("P", sat=60)],
        panel_weight=50,
        indicators=(Indicator("sat", "Satisfaction", weight=50, max=100),),
    )
    results, st = ranked(event, {"P": same(80, 80, 80), "Q": same(60, 60, 60)})
    assert results["P"].composite == pytest.approx(70)
    assert results["Q"].composite == pytest.approx(70)
    assert st.overall == ["P", "Q"]
    assert ranks(st) == {"P": 1, "Q": 2}
    assert tied(st) == {"P": False, "Q": False}


def test_tie_break_by_first_places():
    # P1: j1=100, j2=70, j3=70 -> mean 240/3 = 80.   P2: 80, 80, 80 -> mean 80.
    # First places: j1's best is 100 (P1); j2's best is 80 (P2); j3's best is 80 (P2) -> P1: 1, P2: 2.
    # Composite and panel both 80: P2 wins on first places.
    event = make_event([project("P1"), project("P2")])
    results, st = ranked(event, {"P1": same(100, 70, 70), "P2": same(80, 80, 80)})
    assert (results["P1"].first_places, results["P2"].first_places) == (1, 2)
    assert st.overall == ["P2", "P1"]
    assert ranks(st) == {"P2": 1, "P1": 2}
    assert tied(st) == {"P1": False, "P2": False}


@pytest.mark.parametrize(
    ("decimals", "expected_ranks", "expected_tied"),
    [
        # P1: (80.008 + 80)/2 = 80.004; P2: (80 + 80.002)/2 = 80.001. First places: j1 -> P1, j2 -> P2.
        # decimals 2: both round to 80.00 on composite and panel, 1 first place each -> shared rank 1
        (2, {"P1": 1, "P2": 1}, {"P1": True, "P2": True}),
        # decimals 3: 80.004 > 80.001 -> P1 1st, P2 2nd
        (3, {"P1": 1, "P2": 2}, {"P1": False, "P2": False}),
    ],
)
def test_ranking_compares_rounded_scores(decimals, expected_ranks, expected_tied):
    event = make_event([project("P1"), project("P2")], decimals=decimals)
    _, st = ranked(event, {"P1": {"j1": 80.008, "j2": 80.0}, "P2": {"j1": 80.0, "j2": 80.002}})
    assert ranks(st) == expected_ranks
    assert tied(st) == expected_tied


def test_per_category_ranking():
    # overall: E1 90, D1 85, E2 80, D2 70 -> 1, 2, 3, 4
    # env: E1 1, E2 2; edu: D1 1, D2 2
    event = make_event([project("E1", "env"), project("D1", "edu"), project("E2", "env"), project("D2", "edu")])
    _, st = ranked(event, {"E2": same(80, 80, 80), "D2": same(70, 70, 70), "E1": same(90, 90, 90), "D1": same(85)})
    assert st.overall == ["E1", "D1", "E2", "D2"]
    assert ranks(st) == {"E1": 1, "D1": 2, "E2": 3, "D2": 4}
    assert st.by_category == {"env": ["E1", "E2"], "edu": ["D1", "D2"]}
    assert ranks(st, "category_rank") == {"E1": 1, "D1": 1, "E2": 2, "D2": 2}
    assert tied(st, "category_tied") == {"E1": False, "D1": False, "E2": False, "D2": False}


def test_category_ties_are_separate_from_overall_ties():
    # E1 and D1 tie overall at 90 (rank 1, 1), but each is alone at the top of its category.
    # E2 = 80 -> overall 3, env 2
    event = make_event([project("E1", "env"), project("D1", "edu"), project("E2", "env")])
    _, st = ranked(event, {"E1": same(90, 90), "D1": same(90, 90), "E2": same(80, 80)})
    assert ranks(st) == {"E1": 1, "D1": 1, "E2": 3}
    assert tied(st) == {"E1": True, "D1": True, "E2": False}
    assert ranks(st, "category_rank") == {"E1": 1, "D1": 1, "E2": 2}
    assert tied(st, "category_tied") == {"E1": False, "D1": False, "E2": False}


def test_unscored_projects_are_listed_unranked_in_running_order():
    # X (order 1) and Y (order 3) have no scores: after the ranked ones, in running order, rank None.
    event = make_event([project("X", "env", 1), project("A", "edu", 2), project("Y", "edu", 3), project("B", "env", 4)])
    results, st = ranked(event, {"A": same(60, 60), "B": same(70, 70)})
    assert st.overall == ["B", "A", "X", "Y"]
    assert ranks(st) == {"X": None, "A": 2, "Y": None, "B": 1}
    assert tied(st) == {"X": False, "A": False, "Y": False, "B": False}
    assert st.by_category == {"env": ["B", "X"], "edu": ["A", "Y"]}
    assert ranks(st, "category_rank") == {"X": None, "A": 1, "Y": None, "B": 1}
    assert results["X"].flags == ["no_scores"]


def test_insufficient_panel_is_still_ranked():
    # the flag is for awards and display; the ranking itself keeps the project (70 < 80 -> 2nd)
    event = make_event([project("A"), project("B")], min_panel=3)
    results, st = ranked(event, {"A": same(80, 80, 80), "B": same(70, 70)})
    assert results["B"].flags == ["insufficient_panel"]
    assert ranks(st) == {"A": 1, "B": 2}


def test_rank_only_a_subset():
    # all four are scored (E1 90, D1 85, E2 80, D2 70) but only E2 and D2 have been revealed:
    # they are ranked among themselves, 1 and 2, and the host's full ranking is not disturbed.
    event = make_event([project("E1", "env"), project("D1", "edu"), project("E2", "env"), project("D2", "edu")])
    results = compute_results(event, sheets({"E1": same(90), "D1": same(85), "E2": same(80), "D2": same(70)}), set())
    board = rank(event, results, only=["D2", "E2", "nope"])  # unknown ids are ignored
    assert set(board.results) == {"E2", "D2"}
    assert board.overall == ["E2", "D2"]
    assert ranks(board) == {"E2": 1, "D2": 2}
    assert board.by_category == {"env": ["E2"], "edu": ["D2"]}
    assert ranks(board, "category_rank") == {"E2": 1, "D2": 1}
    # ranking writes into copies: the computed results are untouched
    assert all(r.rank is None for r in results.values())
    host = rank(event, results)
    assert ranks(host) == {"E1": 1, "D1": 2, "E2": 3, "D2": 4}
    # and the board ranking is still what it was
    assert ranks(board) == {"E2": 1, "D2": 2}


@pytest.mark.parametrize("only", [[], set()])
def test_rank_only_nothing(only):
    event = make_event([project("A", "env"), project("B", "edu")])
    results = compute_results(event, sheets({"A": same(80)}), set())
    st = rank(event, results, only=only)
    assert st.results == {}
    assert st.overall == []
    assert st.by_category == {"env": [], "edu": []}


def test_rank_only_unscored_subset():
    event = make_event([project("A", "env"), project("B", "env")])
    results = compute_results(event, sheets({"A": same(80)}), set())
    st = rank(event, results, only={"B"})
    assert st.overall == ["B"]
    assert st.results["B"].rank is None
