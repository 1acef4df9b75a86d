"""Unit tests for app/domain/commentary.py and its sections (app/commentary_views.py): judges' comment
points, the commentary scene, what reaches the board (only shared AND chosen), the break."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from app.commentary_views import commentary_section, host_commentary_section, interlude_section, my_points_section
from app.domain.commentary import MAX_BREAK_SECONDS, MAX_POINT_TEXT, MAX_POINTS, MAX_SHOWN_POINTS
from app.domain.errors import DomainError
from app.domain.models import Timing
from app.domain.state import Change, EventState
from app.domain.touched import touched_by
from app.views import board_sections, host_sections, judge_sections
from tests.test_domain_state import do, make_event


def fresh(commentary_seconds: int = 120) -> EventState:
    event = make_event()
    return EventState.new(replace(event, timing=Timing(300, 120, commentary_seconds)))


def point(state, judge, project, pid, text, kind="highlight", shared=False, now=0.0):
    args = {"project": project, "point": pid, "kind": kind, "text": text, "shared": shared}
    return do(state, "save_point", args, role="judge", actor=judge, now=now)


def commentary_view(state: EventState) -> dict[str, Any]:
    return copy.deepcopy(
        {
            "points": state.points,
            "commentary": state.commentary,
            "interlude": state.interlude,
            "scene": state.scene,
        }
    )


def refused(state, code, command, args, role="host", actor="host", now=0.0):
    before = commentary_view(state)
    with pytest.raises(DomainError) as info:
        do(state, command, args, role=role, actor=actor, now=now)
    assert info.value.code == code, info.value
    assert commentary_view(state) == before, "a refused command changes nothing"


def two_judges_commenting() -> EventState:
    """j1 shares a highlight and keeps a suggestion private; j2 shares a suggestion; all on p1."""
    state = fresh()
    point(state, "j1", "p1", "a", "Clear plan for the residents", shared=True)
    point(state, "j1", "p1", "b", "PRIVATE: budget looks thin", kind="suggestion")
    point(state, "j2", "p1", "c", "Measure the outcomes", kind="suggestion", shared=True)
    return state


# --------------------------------------------------------------------------- judges' points


def test_points_are_kept_per_judge_and_project_and_a_resend_records_nothing():
    state = two_judges_commenting()
    assert [p.id for p in state.points[("j1", "p1")].values()] == ["a", "b"]
    assert point(state, "j1", "p1", "a", "Clear plan for the residents", shared=True) == []
    changes = point(state, "j1", "p1", "a", "Clear plan, well told", shared=True)
    assert changes[0].kind == "point_saved" and state.points[("j1", "p1")]["a"].text == "Clear plan, well told"
    do(state, "delete_point", {"project": "p1", "point": "b"}, role="judge", actor="j1")
    assert list(state.points[("j1", "p1")]) == ["a"]
    assert do(state, "delete_point", {"project": "p1", "point": "b"}, role="judge", actor="j1") == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"point": "x", "kind": "highlight", "text": "t"}, "unknown_project"),
        ({"project": "p1", "point": "", "kind": "highlight", "text": "t"}, "bad_point"),
        ({"project": "p1", "point": "a b", "kind": "highlight", "text": "t"}, "bad_point"),
        ({"project": "p1", "point": "x" * 33, "kind": "highlight", "text": "t"}, "bad_point"),
        ({"project": "p1", "point": "x", "kind": "praise", "text": "t"}, "bad_point"),
        ({"project": "p1", "point": "x", "kind": "highlight", "text": "  \n "}, "bad_point"),
        ({"project": "p1", "point": "x", "kind": "highlight", "text": 5}, "bad_point"),
        ({"project": "p1", "point": "x", "kind": "highlight", "text": "t", "shared": "yes"}, "bad_point"),
        ({"project": "p1", "point": "x", "kind": "highlight", "text": "字" * (MAX_POINT_TEXT + 1)}, "point_too_long"),
    ],
)
def test_bad_points_are_refused(args, code):
    refused(fresh(), code, "save_point", args, role="judge", actor="j1")


def test_point_limits_are_taken_at_the_limit():
    state = fresh()
    point(state, "j1", "p1", "long", "字" * MAX_POINT_TEXT)  # at the limit: taken
    for i in range(MAX_POINTS - 1):
        point(state, "j1", "p1", f"p{i}", f"point {i}")
    assert len(state.points[("j1", "p1")]) == MAX_POINTS
    refused(
        state,
        "too_many_points",
        "save_point",
        {"project": "p1", "point": "one-more", "kind": "highlight", "text": "x"},
        role="judge",
        actor="j1",
    )
    point(state, "j1", "p1", "p0", "edited")  # editing one at the limit is fine
    point(state, "j1", "p2", "other", "another project has its own ten")


def test_a_recused_judge_writes_no_points_on_that_project_and_the_host_writes_none():
    state = fresh()
    do(state, "recuse", {"judge": "j1", "project": "p1", "reason": "advisor"})
    refused(
        state,
        "recused",
        "save_point",
        {"project": "p1", "point": "a", "kind": "highlight", "text": "t"},
        role="judge",
        actor="j1",
    )
    refused(state, "forbidden", "save_point", {"project": "p1", "point": "a", "kind": "highlight", "text": "t"})
    refused(state, "forbidden", "start_commentary", {"judge": "j1"}, role="judge", actor="j1")


# --------------------------------------------------------------------------- the commentary scene


def test_only_shared_and_chosen_points_reach_the_board():
    state = two_judges_commenting()
    do(state, "scene", {"scene": "leaderboard"})
    do(state, "start_commentary", {"judge": "j1", "project": "p1"})
    assert state.scene == "commentary"
    section = commentary_section(state)
    assert section["judge"]["id"] == "j1" and section["project"]["id"] == "p1" and section["points"] == []
    refused(state, "not_shared", "commentary_points", {"points": ["b"]})  # j1's private point
    refused(state, "not_shared", "commentary_points", {"points": ["c"]})  # another judge's point
    do(state, "commentary_points", {"points": ["a"]})
    assert [p["text"] for p in commentary_section(state)["points"]] == ["Clear plan for the residents"]
    # nothing private anywhere in what the board or the host receive
    for sections in (board_sections(state), host_sections(state, {})):
        assert "PRIVATE" not in repr(sections)
    assert "PRIVATE" in repr(judge_sections(state, "j1"))  # the judge's own view keeps it
    assert "PRIVATE" not in repr(judge_sections(state, "j2"))
    # the judge unshares the point on the board: it leaves the board
    point(state, "j1", "p1", "a", "Clear plan for the residents", shared=False)
    assert commentary_section(state)["points"] == []
    assert host_commentary_section(state)["shared"]["j1"] == []
    # shared again, it is still chosen: back on the board
    point(state, "j1", "p1", "a", "Clear plan for the residents", shared=True)
    assert len(commentary_section(state)["points"]) == 1
    do(state, "end_commentary")
    assert state.commentary is None and state.scene == "leaderboard"
    assert commentary_section(state) is None


def test_a_commentary_about_the_whole_event_offers_every_project_and_the_shown_limit():
    state = fresh()
    ids = [f"s{i}" for i in range(MAX_SHOWN_POINTS + 1)]
    for i, pid in enumerate(ids):
        point(state, "j2", "p2" if i % 2 else "p3", pid, f"point {i}", shared=True)
    do(state, "start_commentary", {"judge": "j2"})
    assert commentary_section(state)["project"] is None
    do(state, "commentary_points", {"points": ids[:MAX_SHOWN_POINTS]})  # at the limit
    assert len(commentary_section(state)["points"]) == MAX_SHOWN_POINTS
    refused(state, "too_many_points", "commentary_points", {"points": ids})
    refused(state, "bad_args", "commentary_points", {"points": ["s0", "s0"]})
    refused(state, "bad_args", "commentary_points", {"points": "s0"})


def test_switching_speaker_keeps_where_the_board_returns_and_clears_the_choice():
    state = two_judges_commenting()
    do(state, "scene", {"scene": "welcome"})
    do(state, "start_commentary", {"judge": "j1", "project": "p1"})
    do(state, "commentary_points", {"points": ["a"]})
    do(state, "start_commentary", {"judge": "j2", "project": "p1"})
    assert state.commentary.chosen == [] and state.commentary.previous_scene == "welcome"
    do(state, "scene", {"scene": "leaderboard"})  # the host looks away: the commentary waits
    do(state, "scene", {"scene": "commentary"})
    do(state, "end_commentary")
    assert state.scene == "welcome"
    refused(state, "no_commentary", "scene", {"scene": "commentary"})
    refused(state, "no_commentary", "commentary_points", {"points": []})
    refused(state, "no_commentary", "end_commentary", {})


def test_the_speaking_timer_follows_the_event_file_and_has_the_stage_states():
    state = fresh(commentary_seconds=120)
    do(state, "start_commentary", {"judge": "j1"}, now=100)
    timer = state.commentary.timer
    assert timer.duration == 120 and not timer.running
    do(state, "commentary_timer", {"action": "start"}, now=100)
    do(state, "commentary_timer", {"action": "pause"}, now=150)
    assert state.commentary.timer.elapsed(999) == 50
    do(state, "commentary_timer", {"action": "start"}, now=200)
    assert state.commentary.timer.remaining(290) == -20  # overtime reads negative, as the stage timer
    do(state, "commentary_timer", {"action": "reset"}, now=300)
    assert state.commentary.timer.elapsed(999) == 0
    refused(state, "bad_timer", "commentary_timer", {"action": "rewind"})
    untimed = fresh(commentary_seconds=0)
    do(untimed, "start_commentary", {"judge": "j1"})
    assert commentary_section(untimed)["timer"] is None
    refused(untimed, "bad_timer", "commentary_timer", {"action": "start"})


# --------------------------------------------------------------------------- the break


def test_a_break_counts_down_to_the_time_the_host_set():
    state = fresh()
    refused(state, "no_break", "scene", {"scene": "break"})
    do(state, "start_break", {"seconds": 900, "message": "茶歇 Tea"}, now=1000)
    assert state.scene == "break"
    assert interlude_section(state) == {"break": {"until": 1900, "seconds": 900, "message": "茶歇 Tea"}}
    do(state, "scene", {"scene": "thanks"})
    do(state, "scene", {"scene": "break"})
    do(state, "start_break", {"seconds": MAX_BREAK_SECONDS}, now=0)  # at the limit
    for bad in (0, -5, MAX_BREAK_SECONDS + 1, 1.5, True, "900"):
        refused(state, "bad_break", "start_break", {"seconds": bad})
    refused(state, "bad_break", "start_break", {"seconds": 60, "message": "x" * 121})


# --------------------------------------------------------------------------- replay and what changes touch


def test_replaying_the_journal_gives_the_same_commentary():
    state = fresh()
    journal: list[tuple[Change, float]] = []
    args = {"project": "p1", "point": "a", "kind": "highlight", "text": "Good", "shared": True}
    journal += [(c, 1.0) for c in do(state, "save_point", args, role="judge", actor="j1", now=1.0)]
    journal += [(c, 2.0) for c in do(state, "start_commentary", {"judge": "j1", "project": "p1"}, now=2.0)]
    journal += [(c, 3.0) for c in do(state, "commentary_points", {"points": ["a"]}, now=3.0)]
    journal += [(c, 4.0) for c in do(state, "commentary_timer", {"action": "start"}, now=4.0)]
    journal += [(c, 5.0) for c in do(state, "start_break", {"seconds": 60}, now=5.0)]
    again = fresh()
    for change, at in journal:
        again.apply(Change(change.kind, copy.deepcopy(change.data)), at)
    assert commentary_view(again) == commentary_view(state)
    assert my_points_section(again, "j1") == my_points_section(state, "j1")
    point_change = journal[0][0]
    assert touched_by(point_change).judges == frozenset({"j1"})
    assert "commentary" in touched_by(journal[1][0]).aspects and "scene" in touched_by(journal[1][0]).aspects


# --------------------------------------------------------------------------- the paperwork


def test_the_workbook_and_the_report_hold_the_commentary():
    import io

    from openpyxl import load_workbook

    from app.documents import results_page, results_workbook

    state = two_judges_commenting()
    do(state, "start_commentary", {"judge": "j1", "project": "p1"}, now=100)
    do(state, "commentary_points", {"points": ["a"]}, now=110)
    do(state, "start_commentary", {"judge": "j2"}, now=200)
    wb = load_workbook(io.BytesIO(results_workbook(state, generated_at=300)))
    ws = wb["点评 Comments"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5) if row[0].value]
    by_text = {r[4]: r for r in rows}
    assert set(by_text) == {"Clear plan for the residents", "PRIVATE: budget looks thin", "Measure the outcomes"}
    assert by_text["Clear plan for the residents"][5:7] == ["是 Yes", "是 Yes"]  # shared, shown
    assert by_text["PRIVATE: budget looks thin"][5:7] == ["否 No", None]  # the host's paperwork: kept, not shown
    assert by_text["Measure the outcomes"][5:7] == ["是 Yes", None]  # shared, never chosen
    report = results_page(state)["commentary"]
    assert [(c["judge"], c["about"]) for c in report] == [("J1", "Title p1"), ("J2", None)]
    assert [p["text"] for p in report[0]["shown"]] == ["Clear plan for the residents"] and report[1]["shown"] == []
    assert "PRIVATE" not in repr(report)
