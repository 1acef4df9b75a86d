"""Unit tests for app/domain/awards.py: top projects, team leaders and the honour roll."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from app.domain.awards import compute_awards
from app.domain.models import AwardRule, Category, Criterion, Event, Judge, Project, ScoringRules
from app.domain.results import Standings, compute_results, rank
from app.domain.scoring import ScoreSheet

# --------------------------------------------------------------------------- helpers

JUDGES = (Judge("j1", "J1"), Judge("j2", "J2"), Judge("j3", "J3"))


def project(pid: str, category: str, order: int, leader: str | None = None, volunteers=()) -> Project:
    return Project(
        id=pid,
        title=f"Title {pid}",
        team=f"Team {pid}",
        leader=f"Leader {pid}" if leader is None else leader,
        category=category,
        order=order,
        volunteers=tuple(volunteers),
    )


# Running order A..F. Scores below make the ranking follow the letters unless a test says otherwise.
PROJECTS = (
    project("A", "env", 1),
    project("B", "edu", 2),
    project("C", "env", 3),
    project("D", "env", 4),
    project("E", "edu", 5),
    project("F", "edu", 6),
)


def make_event(awards: Sequence[AwardRule], projects: Sequence[Project] = PROJECTS) -> Event:
    # one 0..100 criterion: a judge's total is their score, the composite is the mean on 100 points
    return Event(
        title="Test",
        date="2025-01-01",
        categories=(Category("env", "Env"), Category("edu", "Edu")),
        criteria=(Criterion("overall", "Overall", max=100),),
        judges=JUDGES,
        projects=tuple(projects),
        scoring=ScoringRules(rule="mean", min_panel=3),
        awards=tuple(awards),
    )


def standings(event: Event, scores: Mapping[str, float | Sequence[float]]) -> Standings:
    """Each project gets `score` from all three judges, or the listed totals from j1, j2, ..."""
    sheets = {}
    for pid, value in scores.items():
        totals = [value] * 3 if isinstance(value, int | float) else list(value)
        for i, total in enumerate(totals, start=1):
            sheets[(pid, f"j{i}")] = ScoreSheet(pid, f"j{i}", {"overall": total}, float(total))
    return rank(event, compute_results(event, sheets, set()))


def top(count: int, max_per_category: int = 0, aid: str = "top") -> AwardRule:
    return AwardRule(aid, "Top", "top_projects", count=count, max_per_category=max_per_category)


def awards_for(rules: Sequence[AwardRule], scores, projects: Sequence[Project] = PROJECTS):
    event = make_event(rules, projects)
    return compute_awards(event, standings(event, scores))


# A 95, B 90, C 85, D 80, E 75, F 70: all distinct, ranks 1..6
DISTINCT = {"A": 95, "B": 90, "C": 85, "D": 80, "E": 75, "F": 70}


# --------------------------------------------------------------------------- top_projects


@pytest.mark.parametrize(
    ("count", "max_per_category", "winners"),
    [
        (1, 0, ["A"]),
        (3, 0, ["A", "B", "C"]),
        # more places than projects: everybody ranked
        (10, 0, ["A", "B", "C", "D", "E", "F"]),
        # one per category: A (env), B (edu); then C, D env full; E, F edu full -> only 2 winners
        (3, 1, ["A", "B"]),
        # two per category: A env1, B edu1, C env2, D skipped (env full), E edu2 -> 4 taken
        (4, 2, ["A", "B", "C", "E"]),
        # two per category with 3 places: A, B, C and stop
        (3, 2, ["A", "B", "C"]),
        # limit larger than needed changes nothing
        (3, 5, ["A", "B", "C"]),
    ],
)
def test_top_projects_count_and_category_limit(count, max_per_category, winners):
    [award] = awards_for([top(count, max_per_category)], DISTINCT)
    assert [w.project for w in award.winners] == winners
    assert award.tie_at_cut is False
    assert (award.id, award.name, award.kind) == ("top", "Top", "top_projects")


def test_top_projects_winner_details():
    [award] = awards_for([top(2)], DISTINCT)
    a, b = award.winners
    assert (a.name, a.project, a.project_title, a.team, a.category, a.rank) == (
        "Team A",
        "A",
        "Title A",
        "Team A",
        "env",
        1,
    )
    assert a.composite == pytest.approx(95)  # 95 of 100 on the one criterion
    assert (b.project, b.rank, b.category) == ("B", 2, "edu")
    assert b.composite == pytest.approx(90)


@pytest.mark.parametrize(
    ("count", "winners", "ranks", "tie_at_cut"),
    [
        # A 95 (1), B 90 (2), C 90 (2), D 80 (4): B and C share rank 2 with 0 first places each
        # count 2: A, B, and C tied with B at the cut -> 3 winners, tie_at_cut
        (2, ["A", "B", "C"], [1, 2, 2], True),
        # count 3: A, B, C fit exactly -> no tie at the cut
        (3, ["A", "B", "C"], [1, 2, 2], False),
        # count 1: the tie is below the cut
        (1, ["A"], [1], False),
        # count 4: D is 4th, fits
        (4, ["A", "B", "C", "D"], [1, 2, 2, 4], False),
    ],
)
def test_top_projects_tie_at_the_cut(count, winners, ranks, tie_at_cut):
    [award] = awards_for([top(count)], {"A": 95, "B": 90, "C": 90, "D": 80})
    assert [w.project for w in award.winners] == winners
    assert [w.rank for w in award.winners] == ranks
    assert award.tie_at_cut is tie_at_cut


@pytest.mark.parametrize(
    ("scores", "count", "cap", "places"),
    [
        # the cap skips D (env full): E is the award's 4th winner although 5th overall
        (DISTINCT, 4, 2, [1, 2, 3, 4]),
        # a tie overall is a shared place within the award: 1, 2, 2, 4
        ({"A": 95, "B": 90, "C": 90, "D": 80}, 4, 0, [1, 2, 2, 4]),
        # tied at the cut: the extra winner shares the last place
        ({"A": 95, "B": 90, "C": 90, "D": 80}, 2, 0, [1, 2, 2]),
    ],
)
def test_top_projects_places_within_the_award(scores, count, cap, places):
    [award] = awards_for([top(count, cap)], scores)
    assert [w.place for w in award.winners] == places


def test_team_leaders_have_no_place():
    rules = [top(3), AwardRule("lead", "Leaders", "team_leaders", of="top")]
    _, leaders = awards_for(rules, DISTINCT)
    assert leaders.winners and all(w.place is None for w in leaders.winners)


def test_top_projects_three_way_tie_for_first_with_one_place():
    # A, B, C all 90 from everyone (three first places each): all share rank 1 -> all three win
    [award] = awards_for([top(1)], {"A": 90, "B": 90, "C": 90, "D": 80})
    assert [w.project for w in award.winners] == ["A", "B", "C"]
    assert award.tie_at_cut is True


def test_top_projects_tie_at_the_cut_respects_the_category_limit():
    # A env 95 (1), C env 90 (2), B edu 90 (2), one per category, 2 places:
    # A taken (env), B taken (edu, 2 winners: full); C is tied with B but env is full -> not taken
    [award] = awards_for([top(2, 1)], {"A": 95, "B": 90, "C": 90, "D": 80})
    assert [w.project for w in award.winners] == ["A", "B"]
    assert award.tie_at_cut is False


def test_top_projects_skip_insufficient_panel_and_unscored():
    # A has the best score but only two judges (min_panel 3) -> skipped; D is unscored -> skipped
    # ranking: A 99 (1), B 90 (2), C 85 (3), E 75 (4), F 70 (5) -> winners B, C, E
    [award] = awards_for([top(3)], {"A": [99, 99], "B": 90, "C": 85, "E": 75, "F": 70})
    assert [w.project for w in award.winners] == ["B", "C", "E"]
    assert [w.rank for w in award.winners] == [2, 3, 4]  # the overall ranks are kept, not renumbered


def test_top_projects_insufficient_panel_does_not_use_up_a_category_place():
    # A (env) skipped for a small panel; one per category: C (env) 85 and B (edu) 90 win
    [award] = awards_for([top(2, 1)], {"A": [99, 99], "B": 90, "C": 85, "D": 80})
    assert [w.project for w in award.winners] == ["B", "C"]


def test_top_projects_with_nothing_scored():
    [award] = awards_for([top(3)], {})
    assert award.winners == []
    assert award.tie_at_cut is False


# --------------------------------------------------------------------------- team_leaders


def test_team_leaders_follow_the_award_named_by_of():
    rules = [
        top(3, aid="first"),
        top(1, aid="second"),
        AwardRule("leaders", "Leaders", "team_leaders", of="first"),
        AwardRule("leaders2", "Leaders 2", "team_leaders", of="second"),
    ]
    first, second, leaders, leaders2 = awards_for(rules, DISTINCT)
    assert [w.project for w in first.winners] == ["A", "B", "C"]
    assert [w.project for w in second.winners] == ["A"]
    assert [w.name for w in leaders.winners] == ["Leader A", "Leader B", "Leader C"]
    assert [(w.project, w.team, w.rank) for w in leaders.winners] == [
        ("A", "Team A", 1),
        ("B", "Team B", 2),
        ("C", "Team C", 3),
    ]
    assert [w.composite for w in leaders.winners] == [w.composite for w in first.winners]
    assert [w.name for w in leaders2.winners] == ["Leader A"]
    assert leaders.kind == "team_leaders"


def test_team_leaders_include_a_tie_at_the_cut_and_skip_missing_leaders():
    # B has no leader. A 95, B 90, C 90: top 2 -> A, B, C (tie at the cut) -> leaders of A and C
    projects = (project("A", "env", 1), project("B", "edu", 2, leader=""), project("C", "env", 3))
    rules = [top(2), AwardRule("leaders", "Leaders", "team_leaders", of="top")]
    top_award, leaders = awards_for(rules, {"A": 95, "B": 90, "C": 90}, projects)
    assert [w.project for w in top_award.winners] == ["A", "B", "C"]
    assert [w.name for w in leaders.winners] == ["Leader A", "Leader C"]


@pytest.mark.parametrize("of", ["missing", "", "later"])
def test_team_leaders_of_an_unknown_or_later_award_is_empty(of):
    # `of` must name an EARLIER award (the event file enforces it); otherwise nobody wins
    rules = [AwardRule("leaders", "Leaders", "team_leaders", of=of), top(2, aid="later")]
    leaders, later = awards_for(rules, DISTINCT)
    assert leaders.winners == []
    assert [w.project for w in later.winners] == ["A", "B"]


# --------------------------------------------------------------------------- honour_roll


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("张三", "李四"), ["张三", "李四"]),
        # duplicates removed, first occurrence kept in place
        (("张三", "李四", "张三", "王五", "李四"), ["张三", "李四", "王五"]),
        (("Solo",), ["Solo"]),
    ],
)
def test_honour_roll_from_names(names, expected):
    projects = (project("A", "env", 1, volunteers=["Ignored"]),)
    [award] = awards_for([AwardRule("roll", "Thanks", "honour_roll", names=names)], {}, projects)
    assert [w.name for w in award.winners] == expected
    # listed names are not tied to a project
    assert all(w.project == "" and w.rank is None for w in award.winners)


def test_honour_roll_from_volunteers_in_running_order_without_duplicates():
    # declared out of running order: B runs first (order 1), then A (2), then C (3)
    projects = (
        project("A", "env", 2, volunteers=["Wang", "Li"]),
        project("B", "edu", 1, volunteers=["Li", "Zhao"]),
        project("C", "env", 3, volunteers=[]),
        project("D", "edu", 4, volunteers=["Zhao", "Qian", "Wang"]),
    )
    [award] = awards_for([AwardRule("roll", "Volunteers", "honour_roll")], {}, projects)
    # B: Li, Zhao; A: Wang (Li seen); C: none; D: Qian (Zhao, Wang seen)
    assert [(w.name, w.project) for w in award.winners] == [("Li", "B"), ("Zhao", "B"), ("Wang", "A"), ("Qian", "D")]
    li = award.winners[0]
    assert (li.project_title, li.team, li.category) == ("Title B", "Team B", "edu")
    assert award.tie_at_cut is False


def test_honour_roll_without_names_or_volunteers_is_empty():
    [award] = awards_for([AwardRule("roll", "Volunteers", "honour_roll")], DISTINCT)
    assert award.winners == []


def test_compute_awards_keeps_rule_order_and_kinds():
    rules = [
        AwardRule("roll", "Roll", "honour_roll", names=("X",)),
        top(1),
        AwardRule("leaders", "Leaders", "team_leaders", of="top"),
    ]
    out = awards_for(rules, DISTINCT)
    assert [(a.id, a.kind) for a in out] == [
        ("roll", "honour_roll"),
        ("top", "top_projects"),
        ("leaders", "team_leaders"),
    ]
    assert [w.name for w in out[2].winners] == ["Leader A"]
