"""The event state as documents read it: a snapshot that is safe to read off the event loop, the
awards (final once the ceremony started, provisional before), and whether a judge's score counted."""

from __future__ import annotations

from typing import Any

from ..domain.awards import awards_as_dicts
from ..domain.state import EventState
from ..domain.votes import VoteWindow


def current_awards(state: EventState) -> tuple[list[dict[str, Any]], bool]:
    """The awards as frozen when the ceremony started (final=True), or else as they would be
    decided from the current standings (final=False: provisional)."""
    if state.ceremony is not None:
        return state.ceremony.awards, True
    return awards_as_dicts(state.awards(), state.event.scoring), False


def snapshot(state: EventState) -> EventState:
    """A copy of the state that later commands do not change, so a document can be built off the
    event loop (in a worker thread) while the event goes on. Scores and the event are immutable."""
    return EventState(
        event=state.event,
        order=list(state.order),
        status=dict(state.status),
        current=state.current,
        scene=state.scene,
        timers={},
        recused=set(state.recused),
        sheets=dict(state.sheets),
        revealed=list(state.revealed),
        ceremony=state.ceremony,  # its awards are frozen when the ceremony starts; only the step moves
        # the audience vote's window (its revealed tally is replaced, never changed, by a new reveal)
        vote=VoteWindow(state.vote.open, state.vote.project, list(state.vote.opened), state.vote.revealed),
    )


def sheet_status(state: EventState, result: dict[str, Any], project: str, judge: str) -> str:
    if (judge, project) in state.recused:
        return "recused"
    if judge in result.get("dropped", ()):
        return "dropped"
    return "counted"
