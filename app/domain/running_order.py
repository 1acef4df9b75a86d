"""The host's running-order commands that move the hall along: the order, the timers, opening and
closing scoring, revealing, recusals, the board's scene and the hall's settings. Each checks the
command against the state and returns the changes it makes (DomainError, nothing changed, when it is
not allowed now); EventState.apply folds them in (app/domain/state.py).

A mixin of EventState, like StageRules (app/domain/stage.py) and CommentaryRules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import DomainError
from .facts import Change
from .final_lock import clean_reason, refuse_when_locked

if TYPE_CHECKING:
    from .state import EventState

# commentary, break and thanks: app/domain/commentary.py (the board's stage scenes around the scoring)
SCENES: tuple[str, ...] = (
    "welcome",
    "presenting",
    "result",
    "leaderboard",
    "ceremony",
    "commentary",
    "break",
    "thanks",
    "people_choice",
)
TIMERS: tuple[str, ...] = ("presentation", "qa")
TIMER_ACTIONS: tuple[str, ...] = ("start", "pause", "reset")
HALL_LANGUAGES: tuple[str, ...] = ("zh", "en")


def _state(mixin: RunningOrderRules) -> EventState:
    return mixin  # type: ignore[return-value]  # the mixin only ever lives in an EventState


class RunningOrderRules:
    __slots__ = ()

    def _decide_reorder(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        order = args.get("order")
        if (
            not isinstance(order, list)
            or not all(isinstance(pid, str) for pid in order)
            or sorted(map(str, order)) != sorted(s.order)
            or len(set(order)) != len(order)
        ):
            raise DomainError("bad_order", "The new order must list every project exactly once.")
        for index, pid in enumerate(s.order):
            if s.status[pid] != "pending" and order[index] != pid:
                raise DomainError("order_locked", "A project that has started cannot be moved.")
        return [Change("order", {"order": list(order)})]

    def _decide_timer(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        timer, action = args.get("timer"), args.get("action")
        if timer not in TIMERS or action not in TIMER_ACTIONS:
            raise DomainError("bad_timer", "Unknown timer or timer action.")
        if s.current is None:
            raise DomainError("no_current", "No project is presenting.")
        return [Change("timer", {"timer": timer, "action": action, "at": now})]

    def _decide_open_scoring(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        if s.current is None:
            raise DomainError("no_current", "No project is presenting.")
        if s.status[s.current] not in ("presenting", "closed"):
            raise DomainError("bad_phase", "Scoring cannot be opened now.")
        return [Change("open", {"project": s.current})]

    def _decide_close_scoring(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        if s.current is None or s.status[s.current] != "scoring":
            raise DomainError("not_open", "Scoring is not open.")
        return [Change("close", {"project": s.current})]

    def _decide_reveal(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        pid = s._project_arg(args) if "project" in args else s.current
        if pid is None:
            raise DomainError("no_current", "No project is presenting.")
        if s.status[pid] != "closed":
            raise DomainError("close_first", "Close scoring for this project before revealing it.")
        if not s.submitted_judges(pid):
            raise DomainError("no_scores", "No judge has scored this project yet.")
        return [Change("reveal", {"project": pid})]

    def _decide_recuse(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        jid, pid = s._judge_arg(args), s._project_arg(args)
        on = args.get("recused", True)
        if not isinstance(on, bool):
            raise DomainError("bad_args", "`recused` must be true or false.")
        if s.status[pid] == "revealed":
            raise DomainError("already_revealed", "The result of this project has been revealed.")
        refuse_when_locked(s.ceremony is not None, s.reopened)
        reason = clean_reason(args.get("reason"))
        if ((jid, pid) in s.recused) == on:
            return []
        if not reason:
            raise DomainError("reason_required", "A recusal needs a reason.")
        return [Change("recuse", {"judge": jid, "project": pid, "recused": on, "reason": reason})]

    def _decide_scene(self, args: dict[str, Any], now: float) -> list[Change]:
        s = _state(self)
        scene = args.get("scene")
        if scene not in SCENES:
            raise DomainError("bad_scene", "Unknown scene.")
        if scene == "result" and not s.revealed:
            raise DomainError("nothing_revealed", "No result has been revealed yet.")
        if scene == "ceremony" and s.ceremony is None:
            raise DomainError("no_ceremony", "The award ceremony has not started.")
        if scene == "people_choice" and s.vote.revealed is None:
            raise DomainError("vote_not_revealed", "The audience vote has not been revealed yet.")
        if scene == "presenting" and s.current is None:
            raise DomainError("no_current", "No project is presenting.")
        if scene == "commentary" and s.commentary is None:
            raise DomainError("no_commentary", "No commentary is on.")
        if scene == "break" and s.interlude is None:
            raise DomainError("no_break", "No break has been set: start one with its length.")
        return [Change("scene", {"scene": scene})]

    def _decide_hall(self, args: dict[str, Any], now: float) -> list[Change]:
        """The projector's language and sound, set by the host for the whole hall."""
        s = _state(self)
        language = args.get("language", s.hall_language)
        sound = args.get("sound", s.hall_sound)
        if language is not None and language not in HALL_LANGUAGES:
            raise DomainError("bad_setting", "Unknown language for the hall.")
        if not isinstance(sound, bool):
            raise DomainError("bad_setting", "The sound setting must be true or false.")
        return [Change("hall", {"language": language, "sound": sound})]
