"""Unit tests for app/domain/stage.py: interrupted starts keep their timers and can be undone, the
ceremony is the last stage (or the rest is skipped explicitly) and can be left, late scores are
recorded for the host."""

from __future__ import annotations

import orjson
import pytest

from app.domain.stage import UNDO_START_SECONDS
from app.domain.state import EventState
from tests.test_domain_state import Journal, do, expect_error, fresh, skip, snapshot, submit

PRESENTATION = {"timer": "presentation", "action": "start"}


def started_with_clock(project: str = "p1", at: float = 100.0) -> EventState:
    """`project` presenting, its presentation timer running since `at`."""
    state = fresh()
    do(state, "start_project", {"project": project}, now=at)
    do(state, "timer", PRESENTATION, now=at)
    return state


def judge_error(state: EventState, code: str, judge: str, project: str, idea: float, exec_: float):
    args = {"project": project, "scores": {"idea": idea, "exec": exec_}}
    return expect_error(state, code, "submit_score", args, role="judge", actor=judge)


def closed_p1() -> EventState:
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    submit(state, "j1", "p1", 5, 5)
    do(state, "close_scoring")
    return state


# --------------------------------------------------------------------------- interrupting a start


def test_an_interrupted_project_keeps_its_timers_and_gets_them_back():
    state = started_with_clock("p1", at=100)
    do(state, "start_project", {"project": "p2"}, now=160)  # 60 s into p1's presentation
    assert state.status["p1"] == "pending" and state.current == "p2"
    assert state.timers["presentation"].elapsed(1000) == 0  # p2 starts with fresh clocks
    assert state.paused_timers["p1"]["presentation"].elapsed(1000) == 60  # stopped where it was
    do(state, "start_project", {"project": "p1"}, now=300)
    p1_clock = state.timers["presentation"]
    assert (p1_clock.running, p1_clock.elapsed(1000)) == (False, 60)  # restored, paused: the host resumes it
    assert state.paused_timers["p2"]["presentation"].elapsed(1000) == 0


def test_a_closed_unrevealed_project_can_be_returned_to():
    state = started_with_clock("p1", at=100)
    do(state, "open_scoring", now=110)
    submit(state, "j1", "p1", 5, 5, now=111)
    do(state, "close_scoring", now=120)
    do(state, "start_project", {"project": "p2"}, now=130)
    assert state.status["p1"] == "closed"
    do(state, "start_project", {"project": "p1"}, now=140)  # back to it, to reveal it
    assert (state.current, state.status["p1"], state.status["p2"]) == ("p1", "closed", "pending")
    assert state.timers["presentation"].elapsed(1000) == 30
    do(state, "reveal", now=150)
    expect_error(state, "already_started", "start_project", {"project": "p1"})


@pytest.mark.parametrize(
    ("interrupt", "code"),
    [
        (None, "close_first"),  # open scoring is never interrupted without saying so
        ("p3", "stage_changed"),  # confirmed for another project (a stale tab)
        (7, "stage_changed"),
    ],
)
def test_interrupting_open_scoring_needs_the_explicit_interrupt(interrupt, code):
    state = started_with_clock("p1")
    do(state, "open_scoring")
    args = {"project": "p2"} | ({"interrupt": interrupt} if interrupt is not None else {})
    expect_error(state, code, "start_project", args)


def test_interrupting_open_scoring_closes_it_and_the_undo_reopens_it():
    state = started_with_clock("p1", at=100)
    do(state, "open_scoring", now=110)
    before = snapshot(state)
    do(state, "start_project", {"project": "p2", "interrupt": "p1"}, now=120)
    assert state.status["p1"] == "closed" and state.current == "p2"
    judge_error(state, "scoring_closed", "j1", "p1", 1, 1)
    do(state, "undo_start", {"project": "p2"}, now=125)
    assert snapshot(state) == before  # p1 scoring again, its clock still running since 100
    assert state.timers["presentation"].elapsed(130) == 30


def test_a_stale_confirmation_is_refused_when_nothing_is_on_stage():
    expect_error(fresh(), "stage_changed", "start_project", {"project": "p1", "interrupt": "p2"})


# --------------------------------------------------------------------------- undo


@pytest.mark.parametrize("first", [None, "p1"])
def test_undo_restores_what_was_on_stage(first):
    state = fresh()
    if first:
        do(state, "start_project", {"project": first}, now=90)
        do(state, "timer", PRESENTATION, now=100)
        do(state, "scene", {"scene": "leaderboard"}, now=101)
    before = snapshot(state)
    do(state, "start_project", {"project": "p3"}, now=110)
    do(state, "undo_start", {"project": "p3"}, now=110 + UNDO_START_SECONDS)
    assert snapshot(state) == before


@pytest.mark.parametrize(
    ("between", "args", "at", "code"),
    [
        (None, {"project": "p2"}, 111 + UNDO_START_SECONDS, "undo_expired"),
        (("timer", PRESENTATION), {"project": "p2"}, 112, "undo_unavailable"),  # something happened since
        (("scene", {"scene": "welcome"}), {"project": "p2"}, 112, "undo_unavailable"),
        (None, {"project": "p1"}, 112, "undo_unavailable"),  # names another start (a stale tab)
        (None, {}, 112, "undo_unavailable"),
    ],
)
def test_undo_is_refused(between, args, at, code):
    state = started_with_clock("p1", at=100)
    do(state, "start_project", {"project": "p2"}, now=110)
    if between:
        do(state, *between, now=111)
    expect_error(state, code, "undo_start", args, now=at)


def test_undo_only_once_and_not_before_any_start():
    expect_error(fresh(), "undo_unavailable", "undo_start", {"project": "p1"})
    state = started_with_clock("p1")
    do(state, "start_project", {"project": "p2"}, now=110)
    do(state, "undo_start", {"project": "p2"}, now=111)
    expect_error(state, "undo_unavailable", "undo_start", {"project": "p2"}, now=112)


def test_undo_replays_from_the_journal():
    journal: Journal = []
    state = fresh()
    do(state, "start_project", {"project": "p1"}, now=100, journal=journal)
    do(state, "timer", PRESENTATION, now=101, journal=journal)
    do(state, "open_scoring", now=102, journal=journal)
    do(state, "start_project", {"project": "p2", "interrupt": "p1"}, now=103, journal=journal)
    do(state, "undo_start", {"project": "p2"}, now=104, journal=journal)
    do(state, "start_project", {"project": "p3", "interrupt": "p1"}, now=105, journal=journal)
    replayed = EventState.new(state.event)
    for change, at in journal:
        replayed.apply(change, at)
    assert snapshot(replayed) == snapshot(state)


# --------------------------------------------------------------------------- the ceremony


def all_revealed() -> EventState:
    state = fresh()
    for pid in ("p1", "p2", "p3"):
        do(state, "start_project", {"project": pid})
        do(state, "open_scoring")
        submit(state, "j1", pid, 5, 5)
        do(state, "close_scoring")
        do(state, "reveal")
    return state


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "projects_remaining"),
        ({"skip": "yes", "remaining": 3}, "projects_remaining"),
        ({"skip": True}, "remaining_changed"),
        ({"skip": True, "remaining": 2}, "remaining_changed"),  # the host was shown another count
        ({"skip": True, "remaining": True}, "remaining_changed"),
        ({"skip": True, "remaining": "3"}, "remaining_changed"),
    ],
)
def test_the_ceremony_before_every_reveal_needs_the_explicit_skip(args, code):
    error = expect_error(fresh(), code, "start_ceremony", args)
    assert error.params == {"n": 3}


def test_skipping_is_journalled_with_what_was_skipped():
    state = fresh()
    [change] = do(state, "start_ceremony", skip(3))
    assert change.data["skipped"] == ["p1", "p2", "p3"] and change.data["complete"] is False


def test_after_every_reveal_the_ceremony_starts_without_a_skip():
    state = all_revealed()
    [change] = do(state, "start_ceremony")
    assert change.data["skipped"] == [] and change.data["complete"] is True
    expect_error(state, "ceremony_running", "start_ceremony")


def test_the_ceremony_can_be_left_while_nothing_is_shown():
    state = closed_p1()
    do(state, "reveal")
    do(state, "start_ceremony", skip(2))
    do(state, "ceremony_step")
    expect_error(state, "ceremony_underway", "leave_ceremony")
    do(state, "ceremony_step", {"direction": "back"})
    do(state, "leave_ceremony")
    assert state.ceremony is None and state.scene == "leaderboard"
    do(state, "start_project", {"project": "p2"})  # the running order goes on
    assert state.current == "p2"
    expect_error(state, "no_ceremony", "leave_ceremony")


# --------------------------------------------------------------------------- scores after close


def late(state: EventState, judge: str, idea: float, exec_: float):
    return judge_error(state, "scoring_closed", judge, "p1", idea, exec_)


def record(state: EventState, refusal, at: float = 50.0) -> None:
    for change in refusal.changes:
        state.apply(change, at)


def test_a_late_score_is_recorded_once_and_taken_in_by_a_correction():
    state = closed_p1()
    refusal = late(state, "j2", 9, 9)
    assert refusal.params == {"total": 27.0}
    # the fact goes to the journal and the error to the phone as JSON (exact fractions would not)
    orjson.dumps([change.data for change in refusal.changes])
    orjson.dumps(refusal.as_dict())
    record(state, refusal)
    assert state.refused[("p1", "j2")] == {
        "project": "p1",
        "judge": "j2",
        "values": {"idea": 9.0, "exec": 9.0},
        "total": 27.0,
        "comment": "",
        "at": 50.0,
    }
    assert late(state, "j2", 9, 9).changes == []  # the phone resending it records nothing new
    assert len(late(state, "j2", 8, 9).changes) == 1  # another sheet is recorded (the latest counts)
    assert late(state, "j1", 5, 5).changes == []  # the sheet already counted: nothing was lost
    do(state, "correct_score", {"judge": "j2", "project": "p1", "scores": {"idea": 9, "exec": 9}, "reason": "late"})
    assert ("p1", "j2") not in state.refused
    assert state.sheets[("p1", "j2")].total == 27


def test_a_bad_late_score_gets_the_validation_error_and_an_early_one_not_open():
    state = closed_p1()
    judge_error(state, "above_max", "j2", "p1", 11, 1)
    judge_error(state, "not_open", "j2", "p2", 1, 1)
