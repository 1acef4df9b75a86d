"""The final lock (app/domain/final_lock.py): after the ceremony starts the standings cannot change
until the host reopens the results with a reason; the awards are then re-decided visibly."""

from __future__ import annotations

import copy

import pytest

from app.domain.state import EventState
from tests.test_domain_state import do, expect_error, fresh, scored_and_closed, skip


def ceremony_under_way() -> EventState:
    """p1 30, p2 15, p3 18 -> top two p1, p3; the ceremony has shown one step."""
    state = fresh()
    scored_and_closed(state, "p1", (10, 10))
    scored_and_closed(state, "p2", (5, 5))
    scored_and_closed(state, "p3", (6, 6))
    do(state, "start_ceremony", skip(3))  # none revealed: skipped explicitly (app/domain/stage.py)
    do(state, "ceremony_step")
    return state


P2_UP = {"judge": "j1", "project": "p2", "scores": {"idea": 10, "exec": 10}, "reason": "misread 5 for 10"}


@pytest.mark.parametrize(
    ("command", "args", "code"),
    [
        ("correct_score", P2_UP, "final_locked"),
        ("recuse", {"judge": "j1", "project": "p2"}, "final_locked"),
        ("redecide_awards", {}, "not_reopened"),
        ("reopen_results", {}, "reason_required"),
        ("reopen_results", {"reason": "  "}, "reason_required"),
        ("reopen_results", {"reason": "x" * 501}, "bad_reason"),
        ("reopen_results", {"reason": "\x00\u202e\x1b"}, "reason_required"),  # nothing left once cleaned
    ],
)
def test_after_the_ceremony_starts_the_results_are_locked(command, args, code):
    expect_error(ceremony_under_way(), code, command, args)


@pytest.mark.parametrize(
    ("command", "args", "code"),
    [
        ("reopen_results", {"reason": "appeal"}, "no_ceremony"),
        ("redecide_awards", {}, "not_reopened"),
    ],
)
def test_before_the_ceremony_there_is_nothing_to_reopen(command, args, code):
    state = fresh()
    scored_and_closed(state, "p1", (10, 10))
    expect_error(state, code, command, args)


def test_reopen_correct_preview_and_redecide():
    state = ceremony_under_way()
    frozen = copy.deepcopy(state.ceremony.awards)
    # cleaned like every reason (app/domain/text.py): no control characters, no bidi overrides
    [reopen] = do(state, "reopen_results", {"reason": "  appeal by\r\nteam\u202e p2\x00  "}, now=50)
    assert (reopen.kind, reopen.data) == ("results_reopened", {"reason": "appeal by team p2"})
    assert state.reopened == {"reason": "appeal by team p2", "at": 50}
    assert state.award_changes() == []  # nothing changed yet
    expect_error(state, "already_reopened", "reopen_results", {"reason": "again"})
    # the ceremony waits while reopened
    expect_error(state, "reopened", "ceremony_step", {"direction": "next"})
    expect_error(state, "reopened", "start_ceremony")
    # the correction is accepted and the host sees which awards it would change, before deciding
    do(state, "correct_score", P2_UP)  # p2: 10 + 2*10 = 30 -> ties p1 at the top
    assert state.ceremony.awards == frozen, "nothing changes on the board before the decision"
    preview = state.award_changes()
    assert [c["award"] for c in preview] == ["top", "leaders"]
    assert preview[0]["before"] == [w["name"] for w in frozen[0]["winners"]]
    assert "Title p3" not in preview[0]["after"] and "Leader p3" not in preview[1]["after"]
    [decision] = do(state, "redecide_awards", now=60)
    assert decision.kind == "awards_redecided"
    assert decision.data["previous"] == frozen
    assert decision.data["changed"] == preview
    assert decision.data["reason"] == "appeal by team p2"
    assert state.reopened is None
    assert {w["project"] for w in state.ceremony.awards[0]["winners"]} == {"p1", "p2"}
    assert state.ceremony.step == 1, "the board keeps its place in the walk"
    # locked again
    expect_error(state, "final_locked", "correct_score", P2_UP | {"reason": "again"})
    do(state, "ceremony_step")
    assert state.ceremony.step == 2


def test_reopen_and_redecide_replay_to_the_same_state():
    live = ceremony_under_way()
    journal = []
    for command, args in [
        ("reopen_results", {"reason": "appeal"}),
        ("correct_score", P2_UP),
        ("redecide_awards", {}),
    ]:
        journal.extend(do(live, command, args, now=9))
    replayed = ceremony_under_way()
    for change in copy.deepcopy(journal):
        replayed.apply(change, 9)
    assert replayed.ceremony.awards == live.ceremony.awards
    assert (replayed.reopened, replayed.ceremony.step) == (live.reopened, live.ceremony.step)


def test_a_reason_at_the_limit_is_accepted():
    state = ceremony_under_way()
    [change] = do(state, "reopen_results", {"reason": "r" * 500})
    assert change.data["reason"] == "r" * 500
