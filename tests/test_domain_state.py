"""Unit tests for app/domain/state.py: the event state machine (decide + apply) and journal replay."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.domain.errors import DomainError
from app.domain.models import (
    AwardRule,
    Category,
    Criterion,
    Event,
    Judge,
    Project,
    Recusal,
    ScoringRules,
    Timing,
)
from app.domain.state import Change, EventState, Timer, ceremony_steps

# --------------------------------------------------------------------------- helpers


def make_event(recusals: tuple[Recusal, ...] = (), ids: tuple[str, str, str] = ("p1", "p2", "p3")) -> Event:
    """Three projects, declared out of running order (p2, p1, p3 with orders 2, 1, 3).
    Rubric: idea 0..10 step 0.5 weight 1; exec 0..10 step 1 weight 2 -> panel_max 30.
    Awards: top 2, their leaders, and an honour roll of two names."""
    a, b, c = ids
    return Event(
        title="Test",
        date="2025-01-01",
        categories=(Category("c1", "C1"), Category("c2", "C2")),
        criteria=(
            Criterion("idea", "Idea", max=10, weight=1, step=0.5),
            Criterion("exec", "Execution", max=10, weight=2, step=1),
        ),
        judges=(Judge("j1", "J1"), Judge("j2", "J2"), Judge("j3", "J3")),
        projects=(
            Project(b, f"Title {b}", f"Team {b}", f"Leader {b}", "c2", 2),
            Project(a, f"Title {a}", f"Team {a}", f"Leader {a}", "c1", 1),
            Project(c, f"Title {c}", f"Team {c}", f"Leader {c}", "c1", 3),
        ),
        scoring=ScoringRules(rule="mean", min_panel=1),
        timing=Timing(presentation_seconds=300, qa_seconds=120),
        awards=(
            AwardRule("top", "Top", "top_projects", count=2),
            AwardRule("leaders", "Leaders", "team_leaders", of="top"),
            AwardRule("roll", "Thanks", "honour_roll", names=("Vol A", "Vol B")),
        ),
        recusals=recusals,
    )


Journal = list[tuple[Change, float]]


def do(
    state: EventState,
    command: str,
    args: dict[str, Any] | None = None,
    *,
    role: str = "host",
    actor: str = "host",
    now: float = 0.0,
    journal: Journal | None = None,
) -> list[Change]:
    """decide() then apply() every change, recording them in `journal` like the store does."""
    changes = state.decide(role, actor, command, args or {}, now)
    for change in changes:
        state.apply(change, now)
        if journal is not None:
            journal.append((change, now))
    return changes


def submit(state, judge, project, idea, exec_, now=0.0, journal=None, comment=None) -> list[Change]:
    args: dict[str, Any] = {"project": project, "scores": {"idea": idea, "exec": exec_}}
    if comment is not None:
        args["comment"] = comment
    return do(state, "submit_score", args, role="judge", actor=judge, now=now, journal=journal)


def snapshot(state: EventState) -> dict[str, Any]:
    """Everything observable about a state, deep-copied so later changes do not alias it."""
    return copy.deepcopy(
        {
            "order": state.order,
            "status": state.status,
            "current": state.current,
            "scene": state.scene,
            "hall": (state.hall_language, state.hall_sound),
            "timers": {k: t.as_dict() for k, t in state.timers.items()},
            "recused": state.recused,
            "sheets": state.sheets,
            "revealed": state.revealed,
            "ceremony": None
            if state.ceremony is None
            else (state.ceremony.awards, state.ceremony.steps, state.ceremony.step),
            "paused_timers": {p: {k: t.as_dict() for k, t in ts.items()} for p, ts in state.paused_timers.items()},
            "last_start": state.last_start,
            "refused": state.refused,
            "reopened": state.reopened,
        }
    )


def expect_error(state: EventState, code: str, command: str, args=None, *, role="host", actor="host", now=0.0):
    before = snapshot(state)
    with pytest.raises(DomainError) as info:
        do(state, command, args, role=role, actor=actor, now=now)
    assert info.value.code == code, f"expected {code}, got {info.value.code}: {info.value}"
    assert snapshot(state) == before, "a refused command must not change the state"
    return info.value


def fresh(**kw) -> EventState:
    return EventState.new(make_event(**kw))


def skip(remaining: int) -> dict[str, Any]:
    """The arguments of a ceremony started before every project was revealed (app/domain/stage.py)."""
    return {"skip": True, "remaining": remaining}


def scored_and_closed(state: EventState, project: str, *totals: tuple[float, float]) -> None:
    """Start `project`, open scoring, judges j1.. submit (idea, exec) pairs, close."""
    do(state, "start_project", {"project": project})
    do(state, "open_scoring")
    for i, (idea, exec_) in enumerate(totals, start=1):
        submit(state, f"j{i}", project, idea, exec_)
    do(state, "close_scoring")


# --------------------------------------------------------------------------- new


def test_new_state():
    state = EventState.new(make_event(recusals=(Recusal("j2", "p3", "advisor"),)))
    assert state.order == ["p1", "p2", "p3"]  # by `order`, not declaration order
    assert state.status == {"p1": "pending", "p2": "pending", "p3": "pending"}
    assert state.current is None
    assert state.scene == "welcome"
    assert set(state.timers) == {"presentation", "qa"}
    assert state.timers["presentation"].as_dict() == {
        "duration": 300.0,
        "running": False,
        "started_at": None,
        "elapsed_before": 0.0,
    }
    assert state.timers["qa"].duration == 120.0
    assert state.recused == {("j2", "p3")}
    assert state.sheets == {}
    assert state.revealed == []
    assert state.ceremony is None
    assert state.panel_for("p3") == ["j1", "j3"]
    assert state.panel_for("p1") == ["j1", "j2", "j3"]


# --------------------------------------------------------------------------- roles and commands


@pytest.mark.parametrize(
    ("role", "command", "code"),
    [
        ("host", "submit_score", "forbidden"),  # a judge command from the host
        ("judge", "open_scoring", "forbidden"),  # host commands from a judge
        ("judge", "reorder", "forbidden"),
        ("judge", "correct_score", "forbidden"),
        ("judge", "recuse", "forbidden"),
        ("board", "open_scoring", "forbidden"),  # an unknown role
        ("board", "submit_score", "forbidden"),
        ("host", "explode", "unknown_command"),
        ("judge", "explode", "unknown_command"),
        ("host", "_decide_reorder", "unknown_command"),  # no reaching private handlers by name
        ("host", "apply", "unknown_command"),
    ],
)
def test_roles_and_unknown_commands(role, command, code):
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    args = {"project": "p1", "scores": {"idea": 5, "exec": 5}}
    expect_error(state, code, command, args, role=role, actor="j1")


def test_unknown_command_name_is_truncated():
    err = expect_error(fresh(), "unknown_command", "x" * 100)
    assert err.params == {"command": "x" * 40}


# --------------------------------------------------------------------------- reorder


def test_reorder():
    state = fresh()
    changes = do(state, "reorder", {"order": ["p3", "p1", "p2"]})
    assert changes == [Change("order", {"order": ["p3", "p1", "p2"]})]
    assert state.order == ["p3", "p1", "p2"]


@pytest.mark.parametrize(
    "order",
    [
        None,
        "p1,p2,p3",
        ("p1", "p2", "p3"),  # a tuple is not a JSON list
        [],
        ["p1", "p2"],  # one missing
        ["p1", "p2", "p3", "p4"],  # one extra
        ["p1", "p1", "p2"],  # a duplicate instead of p3
        ["p1", "p2", "p3", "p3"],
        ["p1", "p2", "P3"],  # ids are case-sensitive
    ],
)
def test_reorder_bad_order(order):
    expect_error(fresh(), "bad_order", "reorder", {"order": order})


def test_reorder_rejects_numbers_for_numeric_ids():
    # Project ids may be numeric strings ("1", "2", "3"); a client sending numbers must be refused,
    # otherwise the running order would hold ints that no status lookup can find.
    state = EventState.new(make_event(ids=("1", "2", "3")))
    assert state.order == ["1", "2", "3"]
    expect_error(state, "bad_order", "reorder", {"order": [3, 1, 2]})
    do(state, "reorder", {"order": ["3", "1", "2"]})
    assert state.order == ["3", "1", "2"]


def test_reorder_locks_started_projects_in_place():
    state = fresh()
    do(state, "start_project", {"project": "p1"})  # p1 at index 0 is now presenting
    expect_error(state, "order_locked", "reorder", {"order": ["p2", "p1", "p3"]})
    # moving only pending projects around it is fine
    do(state, "reorder", {"order": ["p1", "p3", "p2"]})
    assert state.order == ["p1", "p3", "p2"]
    # a closed project is locked too
    do(state, "open_scoring")
    do(state, "close_scoring")
    expect_error(state, "order_locked", "reorder", {"order": ["p3", "p1", "p2"]})


# --------------------------------------------------------------------------- start_project


def test_start_project():
    state = fresh()
    changes = do(state, "start_project", {"project": "p2"})
    assert changes == [Change("start", {"project": "p2"})]
    assert state.current == "p2"
    assert state.status["p2"] == "presenting"
    assert state.scene == "presenting"


@pytest.mark.parametrize("project", [None, "", "nope", 1, ["p1"]])
def test_start_unknown_project(project):
    expect_error(fresh(), "unknown_project", "start_project", {"project": project})


def test_start_requires_closing_scoring_first():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    expect_error(state, "close_first", "start_project", {"project": "p2"})
    do(state, "close_scoring")
    do(state, "start_project", {"project": "p2"})
    assert state.status == {"p1": "closed", "p2": "presenting", "p3": "pending"}


def test_start_already_started():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    # the one presenting cannot be started again
    expect_error(state, "already_started", "start_project", {"project": "p1"})
    do(state, "open_scoring")
    do(state, "close_scoring")
    expect_error(state, "already_started", "start_project", {"project": "p1"})


def test_restarting_moves_a_presenting_project_back_to_pending():
    # p1 was started by mistake and never opened: starting p2 puts p1 back in the queue
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "start_project", {"project": "p2"})
    assert state.status == {"p1": "pending", "p2": "presenting", "p3": "pending"}
    assert state.current == "p2"
    # and p1 can be started again later
    do(state, "start_project", {"project": "p1"})
    assert state.status == {"p1": "presenting", "p2": "pending", "p3": "pending"}


def test_start_resets_the_timers():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "timer", {"timer": "presentation", "action": "start"}, now=100)
    do(state, "start_project", {"project": "p2"}, now=150)
    assert state.timers["presentation"].as_dict() == Timer(300.0).as_dict()
    assert state.timers["presentation"].remaining(1000) == 300


# --------------------------------------------------------------------------- timers


def test_timer_requires_a_current_project():
    expect_error(fresh(), "no_current", "timer", {"timer": "presentation", "action": "start"})


@pytest.mark.parametrize(
    "args",
    [
        {"timer": "speech", "action": "start"},
        {"timer": "presentation", "action": "stop"},
        {"timer": "qa"},
        {},
    ],
)
def test_timer_bad_args(args):
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    expect_error(state, "bad_timer", "timer", args)


def test_timer_start_pause_reset():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    t = state.timers["presentation"]
    # start at t=100
    changes = do(state, "timer", {"timer": "presentation", "action": "start"}, now=100)
    assert changes == [Change("timer", {"timer": "presentation", "action": "start", "at": 100})]
    t = state.timers["presentation"]
    assert (t.running, t.started_at, t.elapsed_before) == (True, 100.0, 0.0)
    assert t.remaining(130) == 270  # 300 - (130 - 100)
    assert t.remaining(90) == 300  # a clock earlier than the start never adds time
    # starting a running timer again changes nothing
    do(state, "timer", {"timer": "presentation", "action": "start"}, now=120)
    assert state.timers["presentation"].started_at == 100.0
    # pause at t=160: 60 s run
    do(state, "timer", {"timer": "presentation", "action": "pause"}, now=160)
    t = state.timers["presentation"]
    assert (t.running, t.started_at, t.elapsed_before) == (False, None, 60.0)
    assert t.remaining(10_000) == 240  # paused: the clock no longer matters (300 - 60)
    # pausing again changes nothing
    do(state, "timer", {"timer": "presentation", "action": "pause"}, now=170)
    assert state.timers["presentation"].elapsed_before == 60.0
    # resume at 200, read at 210: 60 + 10 = 70 run -> 230 left
    do(state, "timer", {"timer": "presentation", "action": "start"}, now=200)
    assert state.timers["presentation"].remaining(210) == 230
    # overrun: at 200 + 240 + 15 the speaker is 15 s over
    assert state.timers["presentation"].remaining(455) == -15
    # reset
    do(state, "timer", {"timer": "presentation", "action": "reset"}, now=220)
    t = state.timers["presentation"]
    assert (t.running, t.started_at, t.elapsed_before) == (False, None, 0.0)
    assert t.remaining(999) == 300


def test_starting_qa_pauses_the_presentation():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "timer", {"timer": "presentation", "action": "start"}, now=0)
    do(state, "timer", {"timer": "qa", "action": "start"}, now=50)
    pres, qa = state.timers["presentation"], state.timers["qa"]
    assert (pres.running, pres.elapsed_before) == (False, 50.0)
    assert (qa.running, qa.started_at) == (True, 50.0)
    assert pres.remaining(80) == 250  # 300 - 50, frozen
    assert qa.remaining(80) == 90  # 120 - (80 - 50)
    # and back: restarting the presentation at 100 pauses qa after 50 s
    do(state, "timer", {"timer": "presentation", "action": "start"}, now=100)
    assert (state.timers["qa"].running, state.timers["qa"].elapsed_before) == (False, 50.0)
    assert state.timers["qa"].remaining(500) == 70  # 120 - 50
    assert state.timers["presentation"].remaining(110) == 240  # 300 - 50 - 10


def test_timer_elapsed_without_start():
    t = Timer(duration=60.0)
    assert t.elapsed(1000) == 0.0
    assert t.remaining(1000) == 60.0
    t = Timer(duration=60.0, running=True, started_at=None, elapsed_before=5.0)
    assert t.elapsed(1000) == 5.0  # running without a start time: only what ran before


# --------------------------------------------------------------------------- open / close scoring


def test_open_and_close_scoring():
    state = fresh()
    expect_error(state, "no_current", "open_scoring")
    expect_error(state, "not_open", "close_scoring")
    do(state, "start_project", {"project": "p1"})
    expect_error(state, "not_open", "close_scoring")  # presenting, not open yet
    assert do(state, "open_scoring") == [Change("open", {"project": "p1"})]
    assert state.status["p1"] == "scoring"
    expect_error(state, "bad_phase", "open_scoring")  # already open
    assert do(state, "close_scoring") == [Change("close", {"project": "p1"})]
    assert state.status["p1"] == "closed"
    expect_error(state, "not_open", "close_scoring")
    # a closed project can be reopened
    do(state, "open_scoring")
    assert state.status["p1"] == "scoring"
    do(state, "close_scoring")
    assert state.status["p1"] == "closed"


def test_open_scoring_after_reveal_is_refused():
    state = fresh()
    scored_and_closed(state, "p1", (5, 5))
    do(state, "reveal")
    expect_error(state, "bad_phase", "open_scoring")


# --------------------------------------------------------------------------- reveal


def test_reveal_requires_a_project():
    expect_error(fresh(), "no_current", "reveal")
    expect_error(fresh(), "unknown_project", "reveal", {"project": "nope"})


def test_reveal_requires_closed_and_scores():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    expect_error(state, "close_first", "reveal")  # presenting
    do(state, "open_scoring")
    submit(state, "j1", "p1", 5, 5)
    expect_error(state, "close_first", "reveal")  # scoring
    expect_error(state, "close_first", "reveal", {"project": "p2"})  # pending
    do(state, "close_scoring")
    changes = do(state, "reveal")
    assert changes == [Change("reveal", {"project": "p1"})]
    assert state.status["p1"] == "revealed"
    assert state.revealed == ["p1"]
    assert state.scene == "result"
    expect_error(state, "close_first", "reveal")  # already revealed


def test_reveal_without_scores():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    do(state, "close_scoring")
    expect_error(state, "no_scores", "reveal")


def test_reveal_with_only_a_recused_judges_score():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    submit(state, "j1", "p1", 5, 5)
    do(state, "recuse", {"judge": "j1", "project": "p1", "reason": "conflict"})
    do(state, "close_scoring")
    expect_error(state, "no_scores", "reveal")


def test_reveal_a_closed_project_that_is_not_current():
    state = fresh()
    scored_and_closed(state, "p1", (5, 5))
    scored_and_closed(state, "p2", (6, 6))
    do(state, "reveal", {"project": "p1"})
    do(state, "reveal", {"project": "p2"})
    assert state.revealed == ["p1", "p2"]
    # the board's ranking only covers what has been revealed
    # p1: 5 + 2*5 = 15; p2: 6 + 2*6 = 18 -> p2 first
    assert state.standings(revealed_only=True).overall == ["p2", "p1"]


def test_board_standings_only_show_revealed():
    state = fresh()
    scored_and_closed(state, "p1", (5, 5))  # 15
    scored_and_closed(state, "p2", (6, 6))  # 18
    do(state, "reveal", {"project": "p1"})
    board = state.standings(revealed_only=True)
    assert board.overall == ["p1"]
    assert board.results["p1"].rank == 1
    host = state.standings()
    assert host.overall == ["p2", "p1", "p3"]
    assert host.results["p1"].rank == 2


# --------------------------------------------------------------------------- recuse


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"judge": "nobody", "project": "p1"}, "unknown_judge"),
        ({"project": "p1"}, "unknown_judge"),
        ({"judge": "j1", "project": "nope"}, "unknown_project"),
        ({"judge": "j1"}, "unknown_project"),
        ({"judge": "j1", "project": "p1", "recused": "yes"}, "bad_args"),
        ({"judge": "j1", "project": "p1", "recused": 1}, "bad_args"),
        ({"judge": "j1", "project": "p1", "reason": 42}, "bad_reason"),
        ({"judge": "j1", "project": "p1", "reason": "x" * 501}, "bad_reason"),
        # the reason is required by the server, not only by the host's page
        ({"judge": "j1", "project": "p1"}, "reason_required"),
        ({"judge": "j1", "project": "p1", "reason": "   "}, "reason_required"),
    ],
)
def test_recuse_errors(args, code):
    expect_error(fresh(), code, "recuse", args)


def test_recuse_on_and_off():
    state = fresh()
    changes = do(state, "recuse", {"judge": "j1", "project": "p1", "reason": "  former advisor  "})
    assert changes == [Change("recuse", {"judge": "j1", "project": "p1", "recused": True, "reason": "former advisor"})]
    assert ("j1", "p1") in state.recused
    assert state.panel_for("p1") == ["j2", "j3"]
    # again: nothing to change
    assert do(state, "recuse", {"judge": "j1", "project": "p1"}) == []
    # reason of exactly 500 characters is fine
    assert do(state, "recuse", {"judge": "j1", "project": "p2", "reason": "r" * 500})
    # off
    changes = do(state, "recuse", {"judge": "j1", "project": "p1", "recused": False, "reason": "conflict"})
    assert changes == [Change("recuse", {"judge": "j1", "project": "p1", "recused": False, "reason": "conflict"})]
    assert ("j1", "p1") not in state.recused
    # off again: nothing
    assert do(state, "recuse", {"judge": "j1", "project": "p1", "recused": False}) == []


def test_recusal_from_the_event_file_can_be_lifted():
    state = fresh(recusals=(Recusal("j3", "p2"),))
    assert state.recused == {("j3", "p2")}
    do(state, "recuse", {"judge": "j3", "project": "p2", "recused": False, "reason": "conflict"})
    assert state.recused == set()


def test_recuse_after_reveal_is_refused():
    state = fresh()
    scored_and_closed(state, "p1", (5, 5))
    do(state, "reveal")
    expect_error(state, "already_revealed", "recuse", {"judge": "j1", "project": "p1"})


def test_recusal_changes_the_results():
    # p1: j1 = 10 + 2*10 = 30, j2 = 4 + 2*3 = 10, j3 = 5 + 2*4 = 13 -> mean 53/3 = 17.6667
    state = fresh()
    scored_and_closed(state, "p1", (10, 10), (4, 3), (5, 4))
    assert state.results()["p1"].panel == pytest.approx(53 / 3)
    assert state.submitted_judges("p1") == ["j1", "j2", "j3"]
    # recusing j1 (scoring closed, not revealed) drops their 30: mean(10, 13) = 11.5
    do(state, "recuse", {"judge": "j1", "project": "p1", "reason": "conflict"})
    r = state.results()["p1"]
    assert r.panel == pytest.approx(11.5)
    assert r.recused == ("j1",)
    assert state.submitted_judges("p1") == ["j2", "j3"]
    assert ("p1", "j1") in state.sheets  # the sheet is kept, just not counted
    # lifting the recusal brings the 30 back
    do(state, "recuse", {"judge": "j1", "project": "p1", "recused": False, "reason": "conflict"})
    assert state.results()["p1"].panel == pytest.approx(53 / 3)


# --------------------------------------------------------------------------- scene


@pytest.mark.parametrize(
    ("scene", "code"),
    [
        ("nope", "bad_scene"),
        (None, "bad_scene"),
        ("result", "nothing_revealed"),
        ("ceremony", "no_ceremony"),
        ("presenting", "no_current"),
    ],
)
def test_scene_errors(scene, code):
    expect_error(fresh(), code, "scene", {"scene": scene})


@pytest.mark.parametrize("scene", ["welcome", "leaderboard"])
def test_scene_always_allowed(scene):
    state = fresh()
    assert do(state, "scene", {"scene": scene}) == [Change("scene", {"scene": scene})]
    assert state.scene == scene


def test_scenes_that_need_something():
    state = fresh()
    scored_and_closed(state, "p1", (5, 5))
    do(state, "scene", {"scene": "presenting"})
    assert state.scene == "presenting"
    do(state, "reveal")
    do(state, "scene", {"scene": "welcome"})
    do(state, "scene", {"scene": "result"})
    assert state.scene == "result"
    do(state, "start_ceremony", skip(2))
    do(state, "scene", {"scene": "leaderboard"})
    do(state, "scene", {"scene": "ceremony"})
    assert state.scene == "ceremony"


# --------------------------------------------------------------------------- ceremony


def test_start_ceremony_requires_closed_scoring():
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    expect_error(state, "close_first", "start_ceremony")


def test_ceremony_steps_and_bounds():
    state = fresh()
    # p1: 10 + 2*10 = 30; p2: 5 + 2*5 = 15; p3: 6 + 2*6 = 18 -> ranking p1, p3, p2
    scored_and_closed(state, "p1", (10, 10))
    scored_and_closed(state, "p2", (5, 5))
    scored_and_closed(state, "p3", (6, 6))
    expect_error(state, "no_ceremony", "ceremony_step", {"direction": "next"})
    [change] = do(state, "start_ceremony", skip(3))
    assert change.kind == "ceremony"
    assert state.scene == "ceremony"
    awards = state.ceremony.awards
    assert [a["id"] for a in awards] == ["top", "leaders", "roll"]
    assert [w["project"] for w in awards[0]["winners"]] == ["p1", "p3"]
    assert [w["name"] for w in awards[1]["winners"]] == ["Leader p1", "Leader p3"]
    assert [w["name"] for w in awards[2]["winners"]] == ["Vol A", "Vol B"]
    assert awards[0]["winners"][0]["composite"] == pytest.approx(100)  # 30 / 30 * 100
    # top: 2nd then 1st, each with its leader (app/domain/ceremony.py); the leaders' recap and the
    # roll each at once -> 4 steps
    assert state.ceremony.steps == [(0, 1), (0, 0), (1, -1), (2, -1)]
    assert state.ceremony.step == 0
    expect_error(state, "ceremony_bounds", "ceremony_step", {"direction": "back"})
    expect_error(state, "bad_args", "ceremony_step", {"direction": "sideways"})
    for expected in range(1, 5):
        do(state, "ceremony_step")  # "next" is the default
        assert state.ceremony.step == expected
    expect_error(state, "ceremony_bounds", "ceremony_step", {"direction": "next"})
    assert do(state, "ceremony_step", {"direction": "back"}) == [Change("ceremony_step", {"step": 3})]
    assert state.ceremony.step == 3
    # once the ceremony runs, no project can be started
    expect_error(fresh_with_ceremony(), "ceremony_running", "start_project", {"project": "p2"})


def fresh_with_ceremony() -> EventState:
    state = fresh()
    scored_and_closed(state, "p1", (10, 10))
    do(state, "start_ceremony", skip(3))
    return state


def test_ceremony_awards_are_frozen_when_it_starts():
    state = fresh()
    scored_and_closed(state, "p1", (10, 10))  # 30
    scored_and_closed(state, "p2", (5, 5))  # 15
    do(state, "start_ceremony", skip(3))
    before = copy.deepcopy(state.ceremony.awards)
    # the final lock: a correction is refused (tests/test_final_lock.py has the reopen flow)
    correction = {"judge": "j1", "project": "p2", "scores": {"idea": 10, "exec": 10}, "reason": "typo"}
    expect_error(state, "final_locked", "correct_score", correction)
    assert state.results()["p2"].panel == 15
    assert state.ceremony.awards == before


def test_ceremony_steps_helper():
    awards = [
        {"kind": "top_projects", "winners": [{}, {}, {}]},
        {"kind": "honour_roll", "winners": []},  # an empty roll has no step
        {"kind": "team_leaders", "winners": [{}]},
        {"kind": "honour_roll", "winners": [{}, {}]},
    ]
    assert ceremony_steps(awards) == [(0, 2), (0, 1), (0, 0), (2, 0), (3, -1)]


# --------------------------------------------------------------------------- submit_score


def open_p1() -> EventState:
    state = fresh()
    do(state, "start_project", {"project": "p1"})
    do(state, "open_scoring")
    return state


def test_submit_score():
    state = open_p1()
    # total = 7.5 + 2*8 = 23.5
    changes = submit(state, "j2", "p1", 7.5, 8, now=42, comment="  solid  ")
    assert changes == [
        Change(
            "score",
            {"project": "p1", "judge": "j2", "values": {"idea": 7.5, "exec": 8.0}, "total": 23.5, "comment": "solid"},
        )
    ]
    sheet = state.sheets[("p1", "j2")]
    assert (sheet.total, sheet.comment, sheet.at, sheet.version) == (23.5, "solid", 42, 1)
    # resubmitting while open replaces the sheet: version 2, total 2 + 2*3 = 8
    submit(state, "j2", "p1", 2, 3, now=50)
    sheet = state.sheets[("p1", "j2")]
    assert (sheet.total, sheet.version, sheet.at, sheet.comment) == (8.0, 2, 50, "")
    assert state.results()["p1"].panel == 8.0


@pytest.mark.parametrize(
    ("again", "comment_again", "new_version"),
    [
        ((7.5, 8), "solid", False),  # the very same sheet: a double tap or a resend under a new id
        ((7.5, 8), "  solid ", False),  # the comment is stored stripped, so this is the same sheet too
        ((7.5, 9), "solid", True),  # one value changed: an amendment
        ((7.5, 8), "solid!", True),  # only the comment changed: an amendment
    ],
)
def test_identical_resubmission_is_no_new_version(again, comment_again, new_version):
    state = open_p1()
    submit(state, "j2", "p1", 7.5, 8, now=42, comment="solid")
    changes = submit(state, "j2", "p1", *again, now=50, comment=comment_again)
    sheet = state.sheets[("p1", "j2")]
    assert (len(changes), sheet.version) == ((1, 2) if new_version else (0, 1))
    assert sheet.at == (50 if new_version else 42)


@pytest.mark.parametrize(
    ("actor", "args", "code"),
    [
        ("j1", {"project": "nope", "scores": {"idea": 1, "exec": 1}}, "unknown_project"),
        ("j1", {"scores": {"idea": 1, "exec": 1}}, "unknown_project"),
        ("ghost", {"project": "p1", "scores": {"idea": 1, "exec": 1}}, "unknown_judge"),
        ("j1", {"project": "p2", "scores": {"idea": 1, "exec": 1}}, "not_open"),  # pending
        ("j1", {"project": "p1"}, "bad_scores"),  # no scores at all
        ("j1", {"project": "p1", "scores": {"idea": 1}}, "missing_criterion"),
        ("j1", {"project": "p1", "scores": {"idea": 0.3, "exec": 1}}, "off_step"),
        ("j1", {"project": "p1", "scores": {"idea": 1, "exec": 11}}, "above_max"),
        ("j1", {"project": "p1", "scores": {"idea": 1, "exec": 1}, "comment": 5}, "bad_comment"),
        ("j1", {"project": "p1", "scores": {"idea": 1, "exec": 1}, "comment": "c" * 1001}, "comment_too_long"),
    ],
)
def test_submit_score_errors(actor, args, code):
    expect_error(open_p1(), code, "submit_score", args, role="judge", actor=actor)


def test_submit_score_recused_judge():
    state = open_p1()
    do(state, "recuse", {"judge": "j3", "project": "p1", "reason": "conflict"})
    expect_error(
        state, "recused", "submit_score", {"project": "p1", "scores": {"idea": 1, "exec": 1}}, role="judge", actor="j3"
    )
    # the recusal is checked before the phase: recused wins over not_open too
    expect_error(
        fresh(recusals=(Recusal("j3", "p2"),)),
        "recused",
        "submit_score",
        {"project": "p2", "scores": {"idea": 1, "exec": 1}},
        role="judge",
        actor="j3",
    )


def test_submit_score_after_close_is_refused():
    state = open_p1()
    submit(state, "j1", "p1", 5, 5)
    do(state, "close_scoring")
    error = expect_error(
        state,
        "scoring_closed",
        "submit_score",
        {"project": "p1", "scores": {"idea": 9, "exec": 9}},
        role="judge",
        actor="j1",
    )
    assert state.sheets[("p1", "j1")].total == 15  # 5 + 2*5
    # the refusal carries the fact that records it for the host (app/domain/stage.py)
    assert [c.kind for c in error.changes] == ["score_refused"]
    assert error.changes[0].data == {
        "project": "p1",
        "judge": "j1",
        "values": {"idea": 9.0, "exec": 9.0},
        "total": 27.0,
        "comment": "",
    }


# --------------------------------------------------------------------------- correct_score


def correction(reason: Any = "typo", **overrides: Any) -> dict[str, Any]:
    args = {"judge": "j1", "project": "p1", "scores": {"idea": 9, "exec": 9}, "reason": reason}
    args.update(overrides)
    return args


def closed_p1() -> EventState:
    state = fresh()
    scored_and_closed(state, "p1", (5, 5), (6, 6))  # j1 15, j2 18
    return state


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        (None, "reason_required"),
        ("", "reason_required"),
        ("   ", "reason_required"),
        (7, "bad_reason"),
        ("\x01\x0b", "reason_required"),  # nothing left once cleaned
        ("x" * 501, "bad_reason"),  # over the 500 of docs/security.md, as for a recusal
    ],
    ids=["none", "empty", "blank", "not-text", "only-controls", "too-long"],
)
def test_correct_score_requires_a_reason(reason, code):
    expect_error(closed_p1(), code, "correct_score", correction(reason))


def test_a_correction_reason_at_the_limit_is_taken():
    state = closed_p1()
    do(state, "correct_score", correction("x" * 500))
    assert state.sheets[("p1", "j1")].values == {"idea": 9, "exec": 9}


def test_a_correction_reason_has_a_limit_named_in_its_error():
    do(closed_p1(), "correct_score", correction("x" * 500))  # at the limit (docs/security.md)
    expect_error(closed_p1(), "bad_reason", "correct_score", correction("x" * 501))


def test_correct_score_requires_a_closed_project():
    state = fresh()
    expect_error(state, "not_scored_yet", "correct_score", correction())  # pending
    do(state, "start_project", {"project": "p1"})
    expect_error(state, "not_scored_yet", "correct_score", correction())  # presenting
    do(state, "open_scoring")
    expect_error(state, "still_open", "correct_score", correction())  # scoring


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"judge": "ghost"}, "unknown_judge"),
        ({"project": "nope"}, "unknown_project"),
        ({"scores": {"idea": 9}}, "missing_criterion"),
        ({"scores": {"idea": 9, "exec": 9.5}}, "off_step"),
        ({"comment": ["x"]}, "bad_comment"),
    ],
)
def test_correct_score_errors(overrides, code):
    expect_error(closed_p1(), code, "correct_score", correction(**overrides))


def test_correct_score_for_a_recused_judge():
    state = closed_p1()
    do(state, "recuse", {"judge": "j1", "project": "p1", "reason": "conflict"})
    expect_error(state, "recused", "correct_score", correction())


def test_correct_score():
    state = closed_p1()
    # mean(15, 18) = 16.5 before; the correction sets j1 to 9 + 2*9 = 27 -> mean(27, 18) = 22.5
    assert state.results()["p1"].panel == 16.5
    changes = do(state, "correct_score", correction("  misread 5 for 9  ", comment="fixed"), now=77)
    assert changes == [
        Change(
            "correction",
            {
                "project": "p1",
                "judge": "j1",
                "values": {"idea": 9.0, "exec": 9.0},
                "total": 27.0,
                "comment": "fixed",
                "reason": "misread 5 for 9",
            },
        )
    ]
    sheet = state.sheets[("p1", "j1")]
    assert (sheet.total, sheet.version, sheet.at) == (27.0, 2, 77)
    assert state.results()["p1"].panel == 22.5
    assert state.status["p1"] == "closed"  # a correction does not change the phase


def test_correct_score_after_reveal():
    state = closed_p1()
    do(state, "reveal")
    do(state, "correct_score", correction())
    assert state.results()["p1"].panel == 22.5  # mean(27, 18)
    assert state.status["p1"] == "revealed"


# --------------------------------------------------------------------------- apply


def test_apply_ignores_unknown_kinds():
    state = fresh()
    before = snapshot(state)
    state.apply(Change("from_the_future", {"x": 1}), 0)
    assert snapshot(state) == before


def test_results_cache_is_invalidated_by_scores():
    state = open_p1()
    submit(state, "j1", "p1", 5, 5)
    assert state.results()["p1"].panel == 15
    submit(state, "j2", "p1", 10, 10)  # mean(15, 30) = 22.5
    assert state.results()["p1"].panel == 22.5


# --------------------------------------------------------------------------- replay


def run_scenario(journal: Journal) -> EventState:
    """A whole evening: reorder, mistaken start, timers, scores, recusal, correction, reveals, ceremony."""
    state = fresh(recusals=(Recusal("j3", "p3", "advisor"),))
    t = 1000.0

    def host(command, args=None):
        nonlocal t
        t += 10
        return do(state, command, args, now=t, journal=journal)

    def judge(j, p, idea, exec_, comment=None):
        nonlocal t
        t += 1
        return submit(state, j, p, idea, exec_, now=t, journal=journal, comment=comment)

    host("reorder", {"order": ["p2", "p1", "p3"]})
    host("start_project", {"project": "p1"})  # by mistake
    host("start_project", {"project": "p2"})  # p1 back to pending
    host("timer", {"timer": "presentation", "action": "start"})
    host("timer", {"timer": "qa", "action": "start"})
    host("timer", {"timer": "qa", "action": "pause"})
    host("open_scoring")
    judge("j1", "p2", 8, 7)  # 22
    judge("j2", "p2", 6.5, 6)  # 18.5
    judge("j2", "p2", 7, 6, "second thoughts")  # 19, version 2
    judge("j3", "p2", 9, 9)  # 27
    host("close_scoring")
    host("recuse", {"judge": "j3", "project": "p2", "reason": "conflict found"})
    host("correct_score", {"judge": "j1", "project": "p2", "scores": {"idea": 8, "exec": 8}, "reason": "typo"})  # 24
    host("reveal")
    host("start_project", {"project": "p1"})
    host("timer", {"timer": "presentation", "action": "start"})
    host("open_scoring")
    judge("j1", "p1", 10, 10)  # 30
    judge("j2", "p1", 9, 9)  # 27
    host("close_scoring")
    host("open_scoring")
    judge("j3", "p1", 3, 3)  # 9
    host("close_scoring")
    host("reveal")
    host("start_project", {"project": "p3"})
    host("open_scoring")
    judge("j1", "p3", 1, 1)  # 3 (j3 is recused from p3 by the event file)
    host("close_scoring")
    host("scene", {"scene": "leaderboard"})
    host("start_ceremony", skip(1))  # p3 closed but never revealed: skipped explicitly
    host("ceremony_step")
    host("ceremony_step")
    host("ceremony_step", {"direction": "back"})
    return state


def test_replaying_the_journal_rebuilds_the_same_state():
    journal: Journal = []
    live = run_scenario(journal)
    assert len(journal) == 34  # 26 host commands + 8 score submissions, one change each

    replayed = EventState.new(live.event)
    for change, at in journal:
        replayed.apply(change, at)

    assert snapshot(replayed) == snapshot(live)
    assert replayed.order == ["p2", "p1", "p3"]
    assert replayed.status == {"p1": "revealed", "p2": "revealed", "p3": "closed"}
    assert replayed.revealed == ["p2", "p1"]
    assert replayed.recused == {("j3", "p3"), ("j3", "p2")}
    assert replayed.current == "p3"
    assert replayed.scene == "ceremony"
    assert replayed.ceremony.step == 1
    assert replayed.sheets[("p2", "j2")].version == 2
    assert replayed.sheets[("p2", "j1")].total == 24.0
    assert replayed.sheets[("p2", "j1")].version == 2
    # p2: j1 24, j2 19 (j3 recused) -> 21.5; p1: mean(30, 27, 9) = 22; p3: 3
    assert replayed.results()["p2"].panel == pytest.approx(21.5)
    assert replayed.results()["p1"].panel == pytest.approx(22)
    assert replayed.results()["p3"].panel == pytest.approx(3)
    assert replayed.standings().overall == live.standings().overall == ["p1", "p2", "p3"]
    # the frozen ceremony (p1 then p2 on top) is replayed as recorded
    assert [w["project"] for w in replayed.ceremony.awards[0]["winners"]] == ["p1", "p2"]


def test_replaying_a_prefix_restores_the_timers():
    # t: reorder 1010, start p1 1020, start p2 1030, presentation start 1040, qa start 1050
    # (presentation paused after 10 s), qa pause 1060 (qa ran 10 s)
    journal: Journal = []
    run_scenario(journal)
    state = EventState.new(make_event(recusals=(Recusal("j3", "p3", "advisor"),)))
    for change, at in journal[:6]:
        state.apply(change, at)
    assert [c.kind for c, _ in journal[:6]] == ["order", "start", "start", "timer", "timer", "timer"]
    assert state.current == "p2"
    assert state.status == {"p1": "pending", "p2": "presenting", "p3": "pending"}
    assert state.timers["presentation"].as_dict() == {
        "duration": 300.0,
        "running": False,
        "started_at": None,
        "elapsed_before": 10.0,
    }
    assert state.timers["qa"].as_dict() == {
        "duration": 120.0,
        "running": False,
        "started_at": None,
        "elapsed_before": 10.0,
    }
    # replaying the same prefix twice gives equal states
    again = EventState.new(state.event)
    for change, at in journal[:6]:
        again.apply(change, at)
    assert snapshot(again) == snapshot(state)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"language": "en"}, ("en", True)),
        ({"sound": False}, (None, False)),
        ({"language": "zh", "sound": False}, ("zh", False)),
        ({"language": None}, (None, True)),  # back to each projector's own language
    ],
)
def test_the_host_sets_the_hall_language_and_sound(args, expected):
    state = fresh()
    changes = do(state, "hall", args)
    assert [c.kind for c in changes] == ["hall"]
    assert (state.hall_language, state.hall_sound) == expected
    from app.views import scene_section

    assert (scene_section(state)["language"], scene_section(state)["sound"]) == expected


@pytest.mark.parametrize("args", [{"language": "fr"}, {"language": 3}, {"sound": "yes"}, {"sound": 1}])
def test_bad_hall_settings_change_nothing(args):
    expect_error(fresh(), "bad_setting", "hall", args)


def test_a_judge_cannot_set_the_hall():
    expect_error(fresh(), "forbidden", "hall", {"sound": False}, role="judge", actor="j1")
