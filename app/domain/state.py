"""The event state machine: running order, project phases, timers, recusals, scores, ceremony.

Event-sourced: `decide()` checks a command against the current state and returns the changes it
makes (raising DomainError, with nothing changed, for an illegal move); the store appends those
changes to the journal; `apply()` folds a journalled change into the state. At start-up the state is
rebuilt by applying the whole journal, so a restart continues exactly where the event was.

Project phases:  pending -> presenting -> scoring <-> closed -> revealed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .awards import AwardResult, awards_as_dicts, compute_awards
from .ceremony import ceremony_steps
from .commentary import (
    COMMENTARY_HOST_COMMANDS,
    COMMENTARY_JUDGE_COMMANDS,
    COMMENTARY_KINDS,
    Break,
    Commentary,
    CommentaryRecord,
    CommentaryRules,
    Point,
)
from .errors import DomainError
from .facts import Change, Timer
from .final_lock import award_changes, clean_reason, reason_arg, refuse_when_locked
from .media import MEDIA_KINDS, apply_media
from .models import Event
from .numbers import as_number
from .results import ProjectResult, Standings, compute_results, rank
from .running_order import HALL_LANGUAGES, SCENES, TIMER_ACTIONS, TIMERS, RunningOrderRules
from .scoring import ScoreSheet, journalled_sheet, replayed_total, replayed_values, validate_comment, validate_values
from .stage import STAGE_KINDS, StageRules, StartRecord
from .votes import VOTE_COMMANDS, VOTE_FACTS, VoteBook, VoteWindow, revealed_points

# Change and Timer live in facts.py, the scenes, timers and hall languages in running_order.py; imported from here too
__all__ = ["HALL_LANGUAGES", "SCENES", "TIMERS", "TIMER_ACTIONS", "Change", "EventState", "Timer"]

ProjectStatus = Literal["pending", "presenting", "scoring", "closed", "revealed"]

HOST_COMMANDS: frozenset[str] = frozenset(
    {
        "reorder",
        "start_project",
        "timer",
        "open_scoring",
        "close_scoring",
        "reveal",
        "recuse",
        "scene",
        "start_ceremony",
        "ceremony_step",
        "correct_score",
        "reopen_results",
        "redecide_awards",
        # app/domain/stage.py: guards against mistakes on stage
        "undo_start",
        "leave_ceremony",
        "hall",
    }
    | COMMENTARY_HOST_COMMANDS
)
# While the results are reopened after the ceremony started (app/domain/final_lock.py), the ceremony
# waits for the awards to be re-decided.
WAIT_WHILE_REOPENED: frozenset[str] = frozenset({"start_ceremony", "ceremony_step"})
JUDGE_COMMANDS: frozenset[str] = frozenset({"submit_score"}) | COMMENTARY_JUDGE_COMMANDS


@dataclass(slots=True)
class Ceremony:
    awards: list[dict[str, Any]]  # frozen when the ceremony started (see awards_as_dicts)
    steps: list[tuple[int, int]]  # (award index, winner index or -1 for the whole roll)
    step: int = 0  # how many steps have been revealed


@dataclass(slots=True)
class EventState(StageRules, CommentaryRules, RunningOrderRules):
    event: Event
    order: list[str]
    status: dict[str, ProjectStatus]
    current: str | None = None
    scene: str = "welcome"
    timers: dict[str, Timer] = field(default_factory=dict)
    recused: set[tuple[str, str]] = field(default_factory=set)  # (judge, project)
    sheets: dict[tuple[str, str], ScoreSheet] = field(default_factory=dict)  # (project, judge)
    revealed: list[str] = field(default_factory=list)  # in the order they were revealed
    ceremony: Ceremony | None = None
    reopened: dict[str, Any] | None = None  # {"reason", "at"} while the final lock is lifted
    paused_timers: dict[str, dict[str, Timer]] = field(default_factory=dict)  # interrupted projects' timers
    last_start: StartRecord | None = None  # what the latest start replaced, while it can be undone
    refused: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (project, judge): too late
    # The audit chain's anchor ({"length", "head"}) at the latest reveal: set by the live service, which
    # knows the journal row (a hash is not part of the fact); shown on the board's result scene.
    reveal_anchor: dict[str, Any] | None = None
    # the host's settings for the hall: the projector's language (None: its own) and the sound cues
    hall_language: str | None = None
    hall_sound: bool = True
    # app/domain/commentary.py: judges' comment points by (judge, project), point id -> Point (in
    # the order written); the commentary on the board; the break's countdown
    points: dict[tuple[str, str], dict[str, Point]] = field(default_factory=dict)
    commentary: Commentary | None = None
    interlude: Break | None = None
    commentary_log: list[CommentaryRecord] = field(default_factory=list)  # every commentary, in order
    media: dict[str, str] = field(default_factory=dict)  # picture slot -> sha256 (app/domain/media.py)
    # the audience vote (app/domain/votes.py): the window (journalled facts) and the votes that count
    # (committed by the vote intake, app/vote_intake.py, outside the journal's rows but anchored in it)
    vote: VoteWindow = field(default_factory=VoteWindow)
    ballots: VoteBook = field(default_factory=VoteBook)
    _results: dict[str, ProjectResult] | None = None  # cache, invalidated by score-affecting changes
    # rank() of the cached results in a running order, for all projects (revealed part None) or the
    # revealed ones (their order)
    _standings: dict[tuple[tuple[str, ...], tuple[str, ...] | None], tuple[dict[str, ProjectResult], Standings]] = (
        field(default_factory=dict)
    )

    @classmethod
    def new(cls, event: Event) -> EventState:
        state = cls(
            event=event,
            order=event.default_order(),
            status={p.id: "pending" for p in event.projects},
        )
        state.timers = state._fresh_timers()
        state.recused = {(r.judge, r.project) for r in event.recusals}
        return state

    def _fresh_timers(self) -> dict[str, Timer]:
        return {
            "presentation": Timer(float(self.event.timing.presentation_seconds)),
            "qa": Timer(float(self.event.timing.qa_seconds)),
        }

    # ------------------------------------------------------------------ derived views
    def results(self) -> dict[str, ProjectResult]:
        if self._results is None:
            audience = revealed_points(self.vote.revealed) if self.event.audience.use == "composite" else None
            self._results = compute_results(self.event, self.sheets, self.recused, audience)
        return self._results

    def standings(self, revealed_only: bool = False) -> Standings:
        results = self.results()
        key = (tuple(self.order), tuple(self.revealed) if revealed_only else None)
        cached = self._standings.get(key)
        if cached is not None and cached[0] is results:  # same results, order and reveals: same ranking
            return cached[1]
        standings = rank(self.event, results, self.revealed if revealed_only else None, self.order)
        if len(self._standings) > 8:
            self._standings.clear()
        self._standings[key] = (results, standings)
        return standings

    def awards(self) -> list[AwardResult]:
        return compute_awards(self.event, self.standings(), self.order, self.vote.revealed)

    def submitted_judges(self, project: str) -> list[str]:
        """Judges with a counted (not recused) sheet for the project, in panel order."""
        return [
            j.id for j in self.event.judges if (project, j.id) in self.sheets and (j.id, project) not in self.recused
        ]

    def panel_for(self, project: str) -> list[str]:
        """Judges expected to score the project: the panel less the recused."""
        return [j.id for j in self.event.judges if (j.id, project) not in self.recused]

    # ------------------------------------------------------------------ decide
    def decide(self, role: str, actor: str, command: str, args: dict[str, Any], now: float) -> list[Change]:
        """Check `command` from `role` (host | judge) and return the changes it makes."""
        if role == "host" and command in WAIT_WHILE_REOPENED and self.reopened is not None:
            raise DomainError("reopened", "The results are reopened: re-decide the awards first.")
        if role == "host" and command in VOTE_COMMANDS:
            refuse_when_locked(self.ceremony is not None, self.reopened)
            if command == "vote_reveal":
                return self.vote.reveal(self.event, self.ballots)
            started = {pid for pid, status in self.status.items() if status != "pending"}
            return self.vote.decide(self.event, command, args, self.current, started)
        if role == "host" and command in HOST_COMMANDS:
            handler = getattr(self, f"_decide_{command}")
            return handler(args, now)
        if role == "judge" and command in JUDGE_COMMANDS:
            return getattr(self, f"_decide_{command}")(actor, args, now)
        if command in HOST_COMMANDS | JUDGE_COMMANDS | VOTE_COMMANDS:
            raise DomainError("forbidden", "You are not allowed to do that.")
        raise DomainError("unknown_command", "Unknown command: {command}.", command=str(command)[:40])

    def _project_arg(self, args: dict[str, Any], key: str = "project") -> str:
        pid = args.get(key)
        if not isinstance(pid, str) or self.event.project(pid) is None:
            raise DomainError("unknown_project", "There is no such project.")
        return pid

    def _judge_arg(self, args: dict[str, Any]) -> str:
        jid = args.get("judge")
        if not isinstance(jid, str) or self.event.judge(jid) is None:
            raise DomainError("unknown_judge", "There is no such judge.")
        return jid

    def _decide_start_ceremony(self, args: dict[str, Any], now: float) -> list[Change]:
        if self.ceremony is not None:
            raise DomainError("ceremony_running", "The award ceremony has started.")
        if self.current and self.status[self.current] == "scoring":
            raise DomainError("close_first", "Close scoring for the current project first.")
        skipped = self.ceremony_gate(args)  # the ceremony comes last, or the rest is skipped explicitly
        awards = awards_as_dicts(self.awards(), self.event.scoring)
        return [Change("ceremony", {"awards": awards, "skipped": skipped, "complete": not skipped})]

    def _decide_ceremony_step(self, args: dict[str, Any], now: float) -> list[Change]:
        if self.ceremony is None:
            raise DomainError("no_ceremony", "The award ceremony has not started.")
        direction = args.get("direction", "next")
        if direction not in ("next", "back"):
            raise DomainError("bad_args", "Direction must be next or back.")
        step = self.ceremony.step + (1 if direction == "next" else -1)
        if not 0 <= step <= len(self.ceremony.steps):
            raise DomainError("ceremony_bounds", "There is no award to show in that direction.")
        return [Change("ceremony_step", {"step": step})]

    def _decide_submit_score(self, judge: str, args: dict[str, Any], now: float) -> list[Change]:
        pid = self._project_arg(args)
        if self.event.judge(judge) is None:
            raise DomainError("unknown_judge", "There is no such judge.")
        if (judge, pid) in self.recused:
            raise DomainError("recused", "You are recused from this project.")
        if self.status[pid] in ("closed", "revealed"):
            raise self.refuse_after_close(judge, pid, args)  # recorded for the host (stage.py)
        if self.status[pid] != "scoring":
            raise DomainError("not_open", "This project is not open for scoring.")
        values = validate_values(self.event, args.get("scores"))
        comment = validate_comment(args.get("comment"))
        previous = self.sheets.get((pid, judge))
        if previous is not None and previous.values == values and previous.comment == comment:
            # The same sheet again (a double tap, a resend under a new id): nothing new to record, so
            # no new version and no "amended" for a judge who changed nothing.
            return []
        sheet = journalled_sheet(self.event, values)
        return [Change("score", {"project": pid, "judge": judge, **sheet, "comment": comment})]

    def _decide_correct_score(self, args: dict[str, Any], now: float) -> list[Change]:
        """The host amends a judge's score after scoring closed, always with a reason."""
        jid, pid = self._judge_arg(args), self._project_arg(args)
        if self.status[pid] == "scoring":
            raise DomainError("still_open", "Scoring is open: the judge can amend the score directly.")
        if self.status[pid] in ("pending", "presenting"):
            raise DomainError("not_scored_yet", "This project has not been scored yet.")
        if (jid, pid) in self.recused:
            raise DomainError("recused", "That judge is recused from this project.")
        refuse_when_locked(self.ceremony is not None, self.reopened)
        reason = clean_reason(args.get("reason"))
        if not reason:
            raise DomainError("reason_required", "A correction needs a reason.")
        values = validate_values(self.event, args.get("scores"))
        comment = validate_comment(args.get("comment"))
        return [
            Change(
                "correction",
                {
                    "project": pid,
                    "judge": jid,
                    **journalled_sheet(self.event, values),
                    "comment": comment,
                    "reason": reason,
                },
            )
        ]

    def _decide_reopen_results(self, args: dict[str, Any], now: float) -> list[Change]:
        """Lift the final lock, with a reason: corrections are accepted again until re-decided."""
        if self.ceremony is None:
            raise DomainError("no_ceremony", "The award ceremony has not started.")
        if self.reopened is not None:
            raise DomainError("already_reopened", "The results are already reopened.")
        return [Change("results_reopened", {"reason": reason_arg(args)})]

    def _decide_redecide_awards(self, args: dict[str, Any], now: float) -> list[Change]:
        """Decide the awards again from the standings now and lock the results again; the journal
        keeps the awards before, after and which changed."""
        if self.ceremony is None or self.reopened is None:
            raise DomainError("not_reopened", "The results are not reopened.")
        awards = awards_as_dicts(self.awards(), self.event.scoring)
        changed = award_changes(self.ceremony.awards, awards)
        return [
            Change(
                "awards_redecided",
                {
                    "awards": awards,
                    "previous": self.ceremony.awards,
                    "changed": changed,
                    "reason": self.reopened["reason"],
                },
            )
        ]

    def award_changes(self) -> list[dict[str, Any]]:
        """Which frozen awards the standings now would change (the host's preview while reopened)."""
        if self.ceremony is None:
            return []
        return award_changes(self.ceremony.awards, awards_as_dicts(self.awards(), self.event.scoring))

    def check_definition_edit(self, scoring_started: bool, reason: str) -> None:
        """An edit of the event definition: refused under the final lock; needs a reason once
        scoring has begun (the reason is journalled with what changed)."""
        refuse_when_locked(self.ceremony is not None, self.reopened)
        if scoring_started:
            reason_arg({"reason": reason})

    # ------------------------------------------------------------------ apply
    def apply(self, change: Change, at: float) -> None:
        """Fold one journalled change into the state. Never raises for a change `decide` produced."""
        kind, data = change.kind, change.data
        self.after_change(kind, data)
        if kind in STAGE_KINDS:
            self.apply_stage(kind, data, at)
        elif kind in COMMENTARY_KINDS:
            self.apply_commentary(kind, data, at)
        elif kind in MEDIA_KINDS:
            apply_media(self, kind, data)
        elif kind == "order":
            # Tolerate an event definition edited since (setup before the event): ids that no longer
            # exist are skipped and projects added since keep their place at the end.
            known = set(self.status)
            order = [pid for pid in data["order"] if pid in known]
            self.order = order + [pid for pid in self.event.default_order() if pid not in order]
        elif kind == "timer":
            self._apply_timer(data["timer"], data["action"], float(data["at"]))
        elif kind == "open":
            self.status[data["project"]] = "scoring"
        elif kind == "close":
            self.status[data["project"]] = "closed"
        elif kind == "reveal":
            pid = data["project"]
            self.status[pid] = "revealed"
            if pid not in self.revealed:
                self.revealed.append(pid)
            self.scene = "result"
        elif kind == "recuse":
            pair = (data["judge"], data["project"])
            if data["recused"]:
                self.recused.add(pair)
            else:
                self.recused.discard(pair)
            self._results = None
        elif kind == "scene":
            self.scene = data["scene"]
        elif kind == "hall":
            self.hall_language = data.get("language")
            self.hall_sound = bool(data.get("sound", True))
        elif kind in ("score", "correction"):
            key = (data["project"], data["judge"])
            previous_sheet = self.sheets.get(key)
            values = replayed_values(self.event, data["values"])
            self.sheets[key] = ScoreSheet(
                project=data["project"],
                judge=data["judge"],
                values=values,
                total=replayed_total(self.event, data, values),
                given={cid: as_number(v) for cid, v in values.items()},
                comment=data.get("comment", ""),
                at=at,
                version=(previous_sheet.version + 1) if previous_sheet else 1,
            )
            self._results = None
        elif kind == "ceremony":
            awards = data["awards"]
            self.ceremony = Ceremony(awards=awards, steps=ceremony_steps(awards))
            self.scene = "ceremony"
        elif kind == "results_reopened":
            self.reopened = {"reason": data["reason"], "at": at}
        elif kind == "awards_redecided" and self.ceremony is not None:
            # The board keeps its place in the walk (as many steps shown as before), now over the
            # re-decided awards: a changed winner already announced shows at once.
            steps = ceremony_steps(data["awards"])
            self.ceremony = Ceremony(data["awards"], steps, min(self.ceremony.step, len(steps)))
            self.reopened = None
        elif kind in VOTE_FACTS:
            self.vote.apply(kind, data)
            if kind == "vote_revealed":
                self.scene = "people_choice"  # the board shows the tally at once (the host can leave it)
                if self.event.audience.use == "composite":
                    self._results = None
        elif kind == "ceremony_step" and self.ceremony is not None:
            self.ceremony.step = int(data["step"])
            self.scene = "ceremony"
        # Unknown kinds (from a newer version) are ignored so an old server can still replay.

    def _apply_timer(self, name: str, action: str, at: float) -> None:
        timer = self.timers[name]
        if action == "start" and not timer.running:
            for other_name, other in self.timers.items():
                if other_name != name and other.running:
                    other.elapsed_before = other.elapsed(at)
                    other.running, other.started_at = False, None
            timer.running, timer.started_at = True, at
        elif action == "pause" and timer.running:
            timer.elapsed_before = timer.elapsed(at)
            timer.running, timer.started_at = False, None
        elif action == "reset":
            timer.running, timer.started_at, timer.elapsed_before = False, None, 0.0
