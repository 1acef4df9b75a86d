"""Stage guards of the event state machine: what the host's moves on stage may do by mistake.

- A start that interrupts the project on stage keeps that project's timers (paused where they were),
  and can be undone for UNDO_START_SECONDS if nothing else happened since (`undo_start`).
- Starting while scoring is open needs the explicit `interrupt` of the project on stage, and closes
  its scoring (the undo reopens it).
- The ceremony is the event's last stage: it starts when every project has been revealed, or when the
  host skips the rest explicitly, naming how many (`skip` + `remaining`); it can be left again while
  nothing has been shown (`leave_ceremony`).
- A score that arrives after scoring closed is refused with `scoring_closed` and recorded
  (`score_refused`), so the host can take it in by a correction.

A mixin of EventState (app/domain/state.py): the same decide/apply shape, kept apart so the rules
about mistakes read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import DomainError, Refusal
from .facts import Change, Timer
from .numbers import as_number
from .scoring import validate_comment, validate_values, weighted_total

if TYPE_CHECKING:
    from .state import EventState

UNDO_START_SECONDS = 15.0  # how long after a start its undo is offered (docs/protocol.md)
INTERRUPTED_PHASES = ("presenting", "scoring", "closed")  # on stage and not yet revealed
STAGE_KINDS = frozenset({"start", "start_undone", "ceremony_left", "score_refused"})


@dataclass(slots=True)
class StartRecord:
    """What a start replaced, so that `undo_start` can put it back exactly."""

    project: str  # the project the start put on stage
    status_before: str  # its phase before (pending, or the phase it was interrupted in)
    kept_timers: dict[str, Timer] | None  # its timers kept from an earlier interruption, if any
    previous: str | None  # the project that was on stage
    previous_status: str | None  # its phase then (a start closes open scoring)
    previous_timers: dict[str, Timer]  # its timers then, running ones still running
    previous_scene: str
    at: float


def _state(mixin: StageRules) -> EventState:
    return mixin  # type: ignore[return-value]  # the mixin only ever lives in an EventState


class StageRules:
    __slots__ = ()

    # ------------------------------------------------------------------ starting a project
    def on_stage(self) -> str | None:
        """The project a start would interrupt: the current one, unless it has been revealed."""
        s = _state(self)
        if s.current is not None and s.status[s.current] in INTERRUPTED_PHASES:
            return s.current
        return None

    def _decide_start_project(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        pid = s._project_arg(args)
        if s.ceremony is not None:
            raise DomainError("ceremony_running", "The award ceremony has started.")
        if pid == s.current or s.status[pid] == "revealed":
            raise DomainError("already_started", "This project has already been presented.")
        on_stage = self.on_stage()
        confirmed = args.get("interrupt")
        if confirmed is not None and confirmed != on_stage:
            # The host confirmed interrupting a project that is no longer the one on stage (another tab).
            raise DomainError("stage_changed", "What is on stage has changed since you confirmed: check again.")
        if on_stage is not None and s.status[on_stage] == "scoring" and confirmed != on_stage:
            raise DomainError("close_first", "Close scoring for the current project first.")
        return [Change("start", {"project": pid})]

    def _apply_start(self, data: dict[str, Any], at: float) -> None:
        s = _state(self)
        pid = data["project"]
        previous = s.current
        record = StartRecord(
            project=pid,
            status_before=s.status[pid],
            kept_timers=s.paused_timers.get(pid),
            previous=previous,
            previous_status=s.status[previous] if previous else None,
            previous_timers={name: t.copy() for name, t in s.timers.items()},
            previous_scene=s.scene,
            at=at,
        )
        if previous is not None:
            # The interrupted project keeps its timers, stopped where they were.
            s.paused_timers[previous] = {name: t.paused(at) for name, t in s.timers.items()}
            if s.status[previous] == "presenting":
                s.status[previous] = "pending"  # never opened: back in the queue
            elif s.status[previous] == "scoring":
                s.status[previous] = "closed"  # interrupted explicitly (see _decide_start_project)
        s.current = pid
        if s.status[pid] == "pending":
            s.status[pid] = "presenting"
        s.timers = s.paused_timers.pop(pid, None) or s._fresh_timers()
        s.scene = "presenting"
        s.last_start = record

    def _decide_undo_start(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        record = s.last_start
        if record is None or args.get("project") != record.project or s.current != record.project:
            raise DomainError("undo_unavailable", "This start can no longer be undone: something else happened since.")
        if now - record.at > UNDO_START_SECONDS:
            raise DomainError(
                "undo_expired",
                "This start can no longer be undone: {seconds} seconds have passed.",
                seconds=int(UNDO_START_SECONDS),
            )
        return [Change("start_undone", {"project": record.project, "restored": record.previous})]

    def _apply_start_undone(self, data: dict[str, Any], at: float) -> None:
        s = _state(self)
        record = s.last_start
        if record is None or record.project != data["project"]:
            return  # cannot happen for a journalled undo; replay stays total anyway
        # Nothing happened since the start (any change ends the undo window): its timers are as it had them.
        if record.kept_timers is not None:
            s.paused_timers[record.project] = record.kept_timers
        s.status[record.project] = record.status_before  # type: ignore[assignment]
        s.current = record.previous
        if record.previous is not None and record.previous_status is not None:
            s.status[record.previous] = record.previous_status  # type: ignore[assignment]
            s.paused_timers.pop(record.previous, None)
            s.timers = {name: t.copy() for name, t in record.previous_timers.items()}
        else:
            s.timers = s._fresh_timers()
        s.scene = record.previous_scene
        s.last_start = None

    # ------------------------------------------------------------------ the ceremony
    def unrevealed(self) -> list[str]:
        """Projects not revealed yet, in running order: what starting the ceremony now would skip."""
        s = _state(self)
        return [pid for pid in s.order if s.status[pid] != "revealed"]

    def ceremony_gate(self, args: dict[str, Any]) -> list[str]:
        """Check that the ceremony may start now; return the projects it skips (explicitly)."""
        remaining = self.unrevealed()
        if not remaining:
            return []
        if args.get("skip") is not True:
            raise DomainError(
                "projects_remaining",
                "Not every project has been revealed ({n} left): the ceremony comes after them, "
                "or skip them explicitly.",
                n=len(remaining),
            )
        shown = args.get("remaining")
        if isinstance(shown, bool) or shown != len(remaining):
            raise DomainError(
                "remaining_changed",
                "The number of projects still to reveal is now {n}: check again before skipping them.",
                n=len(remaining),
            )
        return remaining

    def _decide_leave_ceremony(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        if s.ceremony is None:
            raise DomainError("no_ceremony", "The award ceremony has not started.")
        if s.ceremony.step > 0:
            raise DomainError(
                "ceremony_underway", "Awards have been shown: step back to the start of the ceremony to leave it."
            )
        return [Change("ceremony_left", {})]

    def _apply_ceremony_left(self) -> None:
        s = _state(self)
        s.ceremony = None
        s.scene = "leaderboard" if s.revealed else "welcome"

    # ------------------------------------------------------------------ scores after close
    def refuse_after_close(self, judge: str, pid: str, args: dict[str, Any]) -> Refusal:
        """The refusal for a score sent to a closed project, with the fact that records it (unless the
        same sheet is already counted or already recorded as refused: a resend records nothing)."""
        s = _state(self)
        values = validate_values(s.event, args.get("scores"))
        comment = validate_comment(args.get("comment"))
        # JSON numbers, as the journal holds them and replays them (exact: on-step decimals)
        numbers = {cid: as_number(v) for cid, v in values.items()}
        total = as_number(weighted_total(s.event, values))
        refusal = Refusal(
            "scoring_closed", "Scoring has closed: your score was not counted. Tell the host.", total=total
        )
        counted = s.sheets.get((pid, judge))
        known = s.refused.get((pid, judge))
        same_as_counted = counted is not None and counted.values == values and counted.comment == comment
        if not same_as_counted and not (known and known["values"] == numbers and known["comment"] == comment):
            data = {"project": pid, "judge": judge, "values": numbers, "total": total, "comment": comment}
            refusal.changes.append(Change("score_refused", data))
        return refusal

    def _apply_score_refused(self, data: dict[str, Any], at: float) -> None:
        s = _state(self)
        s.refused[(data["project"], data["judge"])] = dict(data) | {"at": at}

    # ------------------------------------------------------------------ folding
    def apply_stage(self, kind: str, data: dict[str, Any], at: float) -> None:
        if kind == "start":
            self._apply_start(data, at)
        elif kind == "start_undone":
            self._apply_start_undone(data, at)
        elif kind == "ceremony_left":
            self._apply_ceremony_left()
        elif kind == "score_refused":
            self._apply_score_refused(data, at)

    def after_change(self, kind: str, data: dict[str, Any]) -> None:
        """Bookkeeping every change does: any other change ends a start's undo window; a correction
        takes in a refused score."""
        s = _state(self)
        if kind not in ("start", "start_undone"):
            s.last_start = None
        if kind == "correction":
            s.refused.pop((data["project"], data["judge"]), None)
