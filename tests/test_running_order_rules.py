"""The live running order is the order (docs/event-file.md §6-§7), ties in trimming follow the panel's
order, a category cap never breaks a tie, and the public results carry the judges' totals only as the
event's `publish_judge_scores` says."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import orjson
import pytest

from app.domain.models import ScoringRules
from app.domain.scoring import aggregate
from app.domain.state import EventState
from app.eventfile import parse_event
from app.eventfile_export import event_to_toml
from app.routes.api import results_json
from app.spreadsheets import event_workbook, import_workbook
from app.views import board_sections


def event_text(
    projects: list[tuple[str, str]],
    judges: list[str],
    awards: str,
    scoring: str = 'rule = "mean"\nmin_panel = 1',
) -> str:
    cats = sorted({c for _, c in projects})
    return "\n".join(
        [
            '[event]\ntitle = "Order"\ndate = "2026-12-01"',
            "[timing]\npresentation_minutes = 5\nqa_minutes = 1",
            f"[scoring]\n{scoring}\ndecimals = 2",
            "[composite]\npanel_weight = 100",
            *[f'[[categories]]\nid = "{c}"\nname = "{c}"' for c in cats],
            '[[criteria]]\nid = "s"\nname = "S"\nmax = 100\nstep = 0.5',
            *[f'[[judges]]\nid = "{j}"\nname = "{j}"' for j in judges],
            *[
                f'[[projects]]\nid = "{p}"\norder = {n}\ntitle = "T{p}"\nteam = "Team {p}"\nleader = "L{p}"\n'
                f'category = "{c}"\nvolunteers = ["V{p}", "Shared"]'
                for n, (p, c) in enumerate(projects, start=1)
            ],
            awards,
        ]
    )


def play(state: EventState, scores: dict[str, float], order: list[str] | None = None) -> None:
    """Reorder (before anything starts), then present, score (every judge the same) and reveal each."""
    if order is not None:
        do(state, "host", "", "reorder", order=order)
    for pid in list(state.order):
        do(state, "host", "", "start_project", project=pid)
        do(state, "host", "", "open_scoring")
        for judge in state.event.judges:
            do(state, "judge", judge.id, "submit_score", project=pid, scores={"s": scores[pid]})
        do(state, "host", "", "close_scoring")
        do(state, "host", "", "reveal", project=pid)


def do(state: EventState, role: str, actor: str, command: str, **args: Any) -> None:
    for change in state.decide(role, actor, command, args, 0.0):
        state.apply(change, 0.0)


TOP2_AND_ROLL = """
[[awards]]
id = "top"
name = "Top"
kind = "top_projects"
count = 2
[[awards]]
id = "leaders"
name = "Leaders"
kind = "team_leaders"
of = "top"
[[awards]]
id = "roll"
name = "Roll"
kind = "honour_roll"
"""
THREE = [("p1", "a"), ("p2", "a"), ("p3", "b"), ("p4", "b")]
TIED = {"p1": 80, "p2": 90, "p3": 90, "p4": 70}  # p2 and p3 share the first place


@pytest.mark.parametrize(
    ("order", "top", "roll"),
    [
        (None, ["p2", "p3"], ["Vp1", "Shared", "Vp2", "Vp3", "Vp4"]),
        (["p4", "p3", "p2", "p1"], ["p3", "p2"], ["Vp4", "Shared", "Vp3", "Vp2", "Vp1"]),
    ],
)
def test_a_reorder_changes_the_award_walk_through_tied_projects(order, top, roll) -> None:
    state = EventState.new(parse_event(event_text(THREE, ["j1", "j2"], TOP2_AND_ROLL)))
    play(state, TIED, order)
    awards = {a.id: a for a in state.awards()}
    assert [w.project for w in awards["top"].winners] == top  # tied: listed in the live running order
    assert [w.project for w in awards["leaders"].winners] == top
    assert [w.name for w in awards["roll"].winners] == roll  # the live order; a duplicate name listed once
    # the tie listing on the board and in the host's standings follows the same order
    assert [r["project"] for r in board_sections(state)["leaderboard"]["overall"][:2]] == top
    assert state.standings().overall[:2] == top
    # the ceremony counts down from the last listed winner
    do(state, "host", "", "start_ceremony")
    do(state, "host", "", "ceremony_step", direction="next")
    ceremony = board_sections(state)["ceremony"]
    assert [w["project"] for w in ceremony["awards"][0]["winners"]] == [top[1]]
    assert ceremony["current"] == {"award": 0, "winner": 0, "with": [{"award": 1, "winner": 0}]}
    assert [w["project"] for w in ceremony["awards"][1]["winners"]] == [top[1]]  # its leader, on the same step


CAPPED = """
[[awards]]
id = "top"
name = "Top"
kind = "top_projects"
count = 2
max_per_category = 1
"""


@pytest.mark.parametrize("order", [None, ["p2", "p1", "p3", "p4"]])
def test_a_category_cap_never_breaks_a_tie(order) -> None:
    """p1 and p2 (both category a) share the first place with a cap of one per category: both win,
    whatever the running order, and the award says a tie went past the cut."""
    state = EventState.new(parse_event(event_text(THREE, ["j1"], CAPPED)))
    play(state, {"p1": 90, "p2": 90, "p3": 80, "p4": 70}, order)
    (top,) = state.awards()
    assert sorted(w.project for w in top.winners) == ["p1", "p2"] and top.tie_at_cut


def test_a_category_at_its_cap_takes_none_of_a_later_tie() -> None:
    state = EventState.new(parse_event(event_text(THREE, ["j1"], CAPPED.replace("count = 2", "count = 3"))))
    play(state, {"p1": 95, "p2": 90, "p3": 90, "p4": 70})  # a is full after p1; p2 (a) and p3 (b) tie
    (top,) = state.awards()
    # p2 is passed over (a is at its cap), p3 wins alone, p4 is passed over (b reached its cap with p3)
    assert [w.project for w in top.winners] == ["p1", "p3"] and not top.tie_at_cut


# ------------------------------------------------------------------------- trimming by the panel's order

PANEL = [f"j{n}" for n in range(1, 11)]  # j1 … j10: as text "j10" < "j2", in the panel j10 is last
TRIM = ScoringRules(rule="trimmed_mean", trim=1, trim_min_judges=5)


@pytest.mark.parametrize(
    ("panel", "highest", "lowest", "dropped"),
    [
        # equal highest totals: the judge later in the panel goes (j10, not j2 as text would say)
        (PANEL, ("j2", "j10"), ("j1",), ("j1", "j10")),
        # equal lowest totals: the judge earlier in the panel goes (j2)
        (PANEL, ("j3",), ("j2", "j10"), ("j2", "j3")),
        # the panel's order decides, whatever the ids: here j10 is listed before j2
        (["j10", *PANEL[:9]], ("j2", "j10"), ("j1",), ("j1", "j2")),
    ],
)
def test_trim_ties_follow_the_panels_order(panel, highest, lowest, dropped) -> None:
    totals = [(j, Fraction(90) if j in highest else Fraction(10) if j in lowest else Fraction(50)) for j in PANEL]
    outcome = aggregate(totals, TRIM, panel)
    assert sorted(outcome.dropped) == sorted(dropped)
    assert outcome.method == "trimmed_mean"


@pytest.mark.parametrize(
    ("rules", "method", "dropped"),
    [
        (ScoringRules(rule="trimmed_mean", trim=0), "mean", 0),  # trim = 0: reported as the plain mean
        (ScoringRules(rule="trimmed_mean", trim=1, trim_min_judges=6), "mean", 0),  # too few to trim
        (ScoringRules(rule="median"), "median", 0),  # the median counts every valid total
    ],
)
def test_the_method_reported(rules, method, dropped) -> None:
    outcome = aggregate([(j, Fraction(n)) for n, j in enumerate(PANEL[:5])], rules, PANEL)
    assert outcome.method == method and len(outcome.dropped) == dropped and len(outcome.counted) == 5


# -------------------------------------------------------------------------- publishing judges' totals


@pytest.mark.parametrize(
    ("setting", "before_ceremony", "after_ceremony"),
    [("never", False, False), ("after_event", False, True), ("live", True, True)],
)
def test_public_results_carry_judges_totals_only_as_the_event_says(setting, before_ceremony, after_ceremony) -> None:
    scoring = f'rule = "mean"\nmin_panel = 1\npublish_judge_scores = "{setting}"'
    state = EventState.new(parse_event(event_text(THREE, ["j1", "j2"], TOP2_AND_ROLL, scoring)))
    play(state, TIED)

    def public() -> dict[str, Any]:
        return orjson.loads(orjson.dumps(results_json(state, full=False)))

    def shows_judges(payload: dict[str, Any]) -> bool:
        row = payload["overall"][0]
        assert payload["judge_scores"] is bool(row["totals"])
        return bool(row["totals"]) and bool(row["counted"])

    assert shows_judges(public()) is before_ceremony
    assert "j1" not in orjson.dumps(public()["overall"]).decode() or before_ceremony
    host = results_json(state, full=True)
    assert host["overall"][0]["totals"] == {"j1": 90.0, "j2": 90.0}  # the host always sees them
    do(state, "host", "", "start_ceremony")
    assert shows_judges(public()) is after_ceremony


def test_a_trimmed_total_still_counts_as_a_first_place() -> None:
    """j1's highest total (100, for p1) is dropped by the trimmed mean there, and still counts."""
    scoring = 'rule = "trimmed_mean"\ntrim = 1\ntrim_min_judges = 5\nmin_panel = 1'
    state = EventState.new(parse_event(event_text(THREE[:2], PANEL[:5], "", scoring)))
    for pid, mine, others in (("p1", 100, 50), ("p2", 60, 70)):
        do(state, "host", "", "start_project", project=pid)
        do(state, "host", "", "open_scoring")
        for judge in PANEL[:5]:
            do(state, "judge", judge, "submit_score", project=pid, scores={"s": mine if judge == "j1" else others})
        do(state, "host", "", "close_scoring")
    results = state.results()
    assert "j1" in results["p1"].dropped
    assert results["p1"].first_places == 1  # j1's best; the other four judges' best is p2
    assert results["p2"].first_places == 4


def test_the_new_scoring_settings_survive_the_toml_and_spreadsheet_round_trips() -> None:
    base = parse_event(event_text(THREE, ["j1", "j2"], TOP2_AND_ROLL))
    event = replace(base, scoring=replace(base.scoring, rounding="half_even", publish_judge_scores="after_event"))
    assert parse_event(event_to_toml(event)) == event
    preview = import_workbook(event_workbook(event))
    assert preview.problems == [] and preview.event == event
