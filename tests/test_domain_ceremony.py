"""The ceremony's reveal order (app/domain/ceremony.py) and what the board and the host are told of it
(app/results_views.py ceremony_section): a team and its leader come on the same step where a team_leaders
award pairs with the team award; the leader award then has one recap step."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.ceremony import ceremony_steps, companions, paired_awards, revealed_winners
from app.results_views import ceremony_section
from tests.test_domain_state import do, fresh, scored_and_closed, skip


def teams(award_id: str, *projects: str) -> dict[str, Any]:
    return {"id": award_id, "kind": "top_projects", "winners": [{"name": f"T {p}", "project": p} for p in projects]}


def leaders(award_id: str, of: str | None, *projects: str) -> dict[str, Any]:
    award: dict[str, Any] = {"id": award_id, "kind": "team_leaders"}
    if of is not None:
        award["of"] = of
    award["winners"] = [{"name": f"L {p}", "project": p} for p in projects]
    return award


def roll(award_id: str, n: int) -> dict[str, Any]:
    return {"id": award_id, "kind": "honour_roll", "winners": [{"name": f"V{i}"} for i in range(n)]}


CASES: dict[str, tuple[list[dict[str, Any]], dict[int, list[int]], list[tuple[int, int]]]] = {
    "leaders paired with their teams: a countdown of teams, then one recap": (
        [teams("t", "p1", "p2", "p3"), leaders("l", "t", "p1", "p2", "p3"), roll("v", 2)],
        {0: [1]},
        [(0, 2), (0, 1), (0, 0), (1, -1), (2, -1)],
    ),
    "a ceremony frozen before awards carried `of`: each leader is a step": (
        [teams("t", "p1", "p2"), leaders("l", None, "p1", "p2")],
        {},
        [(0, 1), (0, 0), (1, 1), (1, 0)],
    ),
    "`of` naming an honour roll pairs with nothing": (
        [roll("v", 1), leaders("l", "v", "p1")],
        {},
        [(0, -1), (1, 0)],
    ),
    "an empty leader award has no recap": (
        [teams("t", "p1"), leaders("l", "t")],
        {0: [1]},
        [(0, 0)],
    ),
    "two leader awards of one team award both pair": (
        [teams("t", "p1", "p2"), leaders("a", "t", "p1", "p2"), teams("u", "p2"), leaders("b", "t", "p2")],
        {0: [1, 3]},
        [(0, 1), (0, 0), (1, -1), (2, 0), (3, -1)],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_pairs_and_steps(case: str) -> None:
    awards, pairs, steps = CASES[case]
    assert paired_awards(awards) == pairs
    assert ceremony_steps(awards) == steps


def test_a_team_step_reveals_its_leader_and_skips_a_team_without_one() -> None:
    # p2's team has no leader, so the leader award (decided from the teams) lists p1 and p3 only
    awards = [teams("t", "p1", "p2", "p3"), leaders("l", "t", "p1", "p3")]
    assert companions(awards, (0, 2)) == [(1, 1)]
    assert companions(awards, (0, 1)) == []
    assert companions(awards, (0, 0)) == [(1, 0)]
    assert companions(awards, (1, -1)) == []
    assert revealed_winners(awards, [(0, 2)]) == {0: {2}, 1: {1}}
    assert revealed_winners(awards, ceremony_steps(awards)) == {0: {0, 1, 2}, 1: {0, 1}}


def test_board_and_host_sections_show_team_and_leader_on_one_step() -> None:
    state = fresh()
    # p1: 30, p2: 15, p3: 18 -> top: p1, p3; leaders of: top
    scored_and_closed(state, "p1", (10, 10))
    scored_and_closed(state, "p2", (5, 5))
    scored_and_closed(state, "p3", (6, 6))
    do(state, "start_ceremony", skip(3))
    assert state.ceremony is not None
    assert state.ceremony.awards[1]["of"] == "top"

    do(state, "ceremony_step")  # the second place: its team and its leader
    board = ceremony_section(state)
    assert board is not None
    top, lead, _roll = board["awards"]
    assert [w["project"] for w in top["winners"]] == ["p3"]
    assert [w["name"] for w in lead["winners"]] == ["Leader p3"] and not lead["complete"]
    assert board["current"] == {"award": 0, "winner": 0, "with": [{"award": 1, "winner": 0}]}

    do(state, "ceremony_step")  # the first place, with its leader, listed first on the board
    board = ceremony_section(state)
    assert board is not None
    assert [w["name"] for w in board["awards"][1]["winners"]] == ["Leader p1", "Leader p3"]
    assert board["awards"][1]["complete"] and board["awards"][0]["complete"]
    assert board["current"] == {"award": 0, "winner": 0, "with": [{"award": 1, "winner": 0}]}

    do(state, "ceremony_step")  # the leaders' recap: the whole award at once, nothing new
    board = ceremony_section(state)
    assert board is not None and board["current"] == {"award": 1, "winner": -1, "with": []}

    do(state, "ceremony_step", {"direction": "back"})
    do(state, "ceremony_step", {"direction": "back"})  # back to the second place: p1's leader hidden again
    board = ceremony_section(state)
    assert board is not None and [w["name"] for w in board["awards"][1]["winners"]] == ["Leader p3"]

    host = ceremony_section(state, reveal_all=True)
    assert host is not None and host["total_steps"] == 4
    assert host["steps"] == [
        {"award": 0, "winner": 1, "with": [{"award": 1, "winner": 1}]},
        {"award": 0, "winner": 0, "with": [{"award": 1, "winner": 0}]},
        {"award": 1, "winner": -1, "with": []},
        {"award": 2, "winner": -1, "with": []},
    ]
    assert host["current"] == host["steps"][0]
