"""Expert commentary (专家点评) and the board's interludes (a break with a countdown).

- A judge writes short comment points on the phone for a project, each a highlight (亮点) or a
  suggestion (建议), and marks each one shared or not (`save_point`, `delete_point`).
- The host puts a commentary scene on the board (`start_commentary`): who speaks (a judge), about
  which project or the whole event, with the event file's speaking timer (`commentary_timer`).
- During the commentary the host chooses which of that judge's SHARED points the board shows
  (`commentary_points`). A point reaches the board only while it is shared AND chosen: one the judge
  unshares or deletes afterwards disappears from the board with the next update (the view filters
  the chosen ids by what is shared now), and unshared points never leave the judge's own view.
- `start_break` shows a break (茶歇) with a countdown the host sets; `end_commentary` and any
  other scene leave them.

A mixin of EventState (app/domain/state.py), in the same decide/apply shape as app/domain/stage.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import DomainError
from .facts import Change, Timer
from .text import clean_line

if TYPE_CHECKING:
    from .state import EventState

MAX_POINT_TEXT = 200  # characters in one comment point (docs/security.md)
MAX_POINTS = 10  # points one judge may keep on one project (docs/security.md)
MAX_SHOWN_POINTS = 6  # points the board shows at once: legible from the back of the hall
MAX_BREAK_SECONDS = 4 * 3600  # the longest break countdown (docs/security.md)
MAX_BREAK_MESSAGE = 120  # characters of the break's line under the countdown
POINT_KINDS: tuple[str, ...] = ("highlight", "suggestion")
TIMER_ACTIONS: tuple[str, ...] = ("start", "pause", "reset")
_POINT_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

COMMENTARY_KINDS = frozenset(
    {
        "point_saved",
        "point_deleted",
        "commentary_started",
        "commentary_points",
        "commentary_timer",
        "commentary_ended",
        "break_started",
    }
)
COMMENTARY_HOST_COMMANDS = frozenset(
    {"start_commentary", "commentary_points", "commentary_timer", "end_commentary", "start_break"}
)
COMMENTARY_JUDGE_COMMANDS = frozenset({"save_point", "delete_point"})


@dataclass(slots=True)
class Point:
    """One comment point of one judge on one project."""

    id: str
    kind: str  # highlight | suggestion
    text: str
    shared: bool
    at: float


@dataclass(slots=True)
class Commentary:
    """The commentary on the board: who speaks, about what, their timer and the points chosen."""

    judge: str
    project: str | None  # None: about the whole event
    timer: Timer | None  # None when the event file sets no speaking time
    chosen: list[str] = field(default_factory=list)  # point ids, in the host's order
    previous_scene: str = "welcome"  # where end_commentary returns the board


@dataclass(slots=True)
class CommentaryRecord:
    """One commentary as it happened, for the paperwork (the workbook's Comments sheet, the chief
    judge's report): who spoke, about what, when, and every point the board showed during it."""

    judge: str
    project: str | None
    at: float
    shown: list[tuple[str, str]] = field(default_factory=list)  # (project, point id), first shown first


@dataclass(slots=True)
class Break:
    until: float  # server time the countdown reaches zero
    seconds: int
    message: str


def _state(mixin: CommentaryRules) -> EventState:
    return mixin  # type: ignore[return-value]  # the mixin only ever lives in an EventState


class CommentaryRules:
    __slots__ = ()

    # ------------------------------------------------------------------ what the views read
    def points_of(self, judge: str, project: str | None) -> list[tuple[str, Point]]:
        """A judge's points (project, point) on one project, or on every project (None), in running order."""
        s = _state(self)
        projects = s.order if project is None else [project]
        return [(pid, p) for pid in projects for p in s.points.get((judge, pid), {}).values()]

    def shown_points(self) -> list[tuple[str, Point]]:
        """What the board shows now: the chosen points that are still there and still shared."""
        s = _state(self)
        c = s.commentary
        if c is None:
            return []
        by_id = {p.id: (pid, p) for pid, p in self.points_of(c.judge, c.project)}
        return [by_id[i] for i in c.chosen if i in by_id and by_id[i][1].shared]

    # ------------------------------------------------------------------ the judge's points
    def _decide_save_point(self, judge: str, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        pid = s._project_arg(args)
        if s.event.judge(judge) is None:
            raise DomainError("unknown_judge", "There is no such judge.")
        if (judge, pid) in s.recused:
            raise DomainError("recused", "You are recused from this project.")
        point_id = args.get("point")
        if not isinstance(point_id, str) or not _POINT_ID.match(point_id):
            raise DomainError("bad_point", "A comment point needs an id of 1-32 letters, digits, - or _.")
        kind = args.get("kind")
        if kind not in POINT_KINDS:
            raise DomainError("bad_point", "A comment point is a highlight or a suggestion.")
        shared = args.get("shared", False)
        if not isinstance(shared, bool):
            raise DomainError("bad_point", "`shared` must be true or false.")
        text = clean_line(args["text"]) if isinstance(args.get("text"), str) else ""
        if not text:
            raise DomainError("bad_point", "A comment point needs some text.")
        if len(text) > MAX_POINT_TEXT:
            raise DomainError("point_too_long", "A comment point has at most {limit} characters.", limit=MAX_POINT_TEXT)
        mine = s.points.get((judge, pid), {})
        before = mine.get(point_id)
        if before is None and len(mine) >= MAX_POINTS:
            raise DomainError("too_many_points", "At most {limit} comment points per project.", limit=MAX_POINTS)
        if before is not None and (before.kind, before.text, before.shared) == (kind, text, shared):
            return []  # the same point again (a resend): nothing new to record
        data = {"judge": judge, "project": pid, "point": point_id, "kind": kind, "text": text, "shared": shared}
        return [Change("point_saved", data)]

    def _decide_delete_point(self, judge: str, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        pid = s._project_arg(args)
        point_id = args.get("point")
        if not isinstance(point_id, str) or point_id not in s.points.get((judge, pid), {}):
            return []  # already gone (a resend after the delete): nothing to do
        return [Change("point_deleted", {"judge": judge, "project": pid, "point": point_id})]

    # ------------------------------------------------------------------ the host's commentary scene
    def _decide_start_commentary(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        judge = s._judge_arg(args)
        project = None if args.get("project") in (None, "") else s._project_arg(args)
        seconds = s.event.timing.commentary_seconds
        return [Change("commentary_started", {"judge": judge, "project": project, "seconds": seconds})]

    def _decide_commentary_points(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        c = s.commentary
        if c is None:
            raise DomainError("no_commentary", "No commentary is on.")
        chosen = args.get("points")
        if (
            not isinstance(chosen, list)
            or not all(isinstance(i, str) for i in chosen)
            or len(set(chosen)) != len(chosen)
        ):
            raise DomainError("bad_args", "`points` must list point ids, each once.")
        if len(chosen) > MAX_SHOWN_POINTS:
            raise DomainError("too_many_points", "At most {limit} points on the board at once.", limit=MAX_SHOWN_POINTS)
        shared = {p.id for _, p in self.points_of(c.judge, c.project) if p.shared}
        if any(i not in shared for i in chosen):
            # Only what the speaking judge has shared can be chosen: never a private point, never another judge's.
            raise DomainError("not_shared", "Only points the speaking judge has shared can be shown.")
        return [Change("commentary_points", {"points": list(chosen)})]

    def _decide_commentary_timer(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        if s.commentary is None:
            raise DomainError("no_commentary", "No commentary is on.")
        if s.commentary.timer is None:
            raise DomainError("bad_timer", "The event file sets no speaking time for commentary.")
        action = args.get("action")
        if action not in TIMER_ACTIONS:
            raise DomainError("bad_timer", "Unknown timer or timer action.")
        return [Change("commentary_timer", {"action": action, "at": now})]

    def _decide_end_commentary(self, args: dict[str, Any], now: float) -> list[Change]:
        if _state(self).commentary is None:
            raise DomainError("no_commentary", "No commentary is on.")
        return [Change("commentary_ended", {})]

    def _decide_start_break(self, args: dict[str, Any], now: float) -> list[Change]:
        seconds = args.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= MAX_BREAK_SECONDS:
            raise DomainError("bad_break", "A break lasts 1 to {limit} seconds.", limit=MAX_BREAK_SECONDS)
        message = clean_line(args["message"]) if isinstance(args.get("message"), str) else ""
        if len(message) > MAX_BREAK_MESSAGE:
            raise DomainError(
                "bad_break", "The break's message has at most {limit} characters.", limit=MAX_BREAK_MESSAGE
            )
        return [Change("break_started", {"seconds": seconds, "until": now + seconds, "message": message})]

    # ------------------------------------------------------------------ folding
    def apply_commentary(self, kind: str, data: dict[str, Any], at: float) -> None:
        s = _state(self)
        if kind == "point_saved":
            mine = s.points.setdefault((data["judge"], data["project"]), {})
            mine[data["point"]] = Point(data["point"], data["kind"], data["text"], bool(data["shared"]), at)
        elif kind == "point_deleted":
            s.points.get((data["judge"], data["project"]), {}).pop(data["point"], None)
        elif kind == "commentary_started":
            seconds = int(data.get("seconds") or 0)
            previous = s.commentary.previous_scene if s.scene == "commentary" and s.commentary else s.scene
            s.commentary = Commentary(
                judge=data["judge"],
                project=data.get("project"),
                timer=Timer(float(seconds)) if seconds > 0 else None,
                previous_scene=previous,
            )
            s.scene = "commentary"
            s.commentary_log.append(CommentaryRecord(data["judge"], data.get("project"), at))
        elif kind == "commentary_points" and s.commentary is not None:
            s.commentary.chosen = list(data["points"])
            if s.commentary_log:
                record = s.commentary_log[-1]
                for pid, p in self.shown_points():
                    if (pid, p.id) not in record.shown:
                        record.shown.append((pid, p.id))
        elif kind == "commentary_timer" and s.commentary is not None and s.commentary.timer is not None:
            timer, action, now = s.commentary.timer, data["action"], float(data["at"])
            if action == "start" and not timer.running:
                timer.running, timer.started_at = True, now
            elif action == "pause" and timer.running:
                s.commentary.timer = timer.paused(now)
            elif action == "reset":
                s.commentary.timer = Timer(timer.duration)
        elif kind == "commentary_ended" and s.commentary is not None:
            if s.scene == "commentary":
                s.scene = s.commentary.previous_scene
            s.commentary = None
        elif kind == "break_started":
            s.interlude = Break(until=float(data["until"]), seconds=int(data["seconds"]), message=data["message"])
            s.scene = "break"
