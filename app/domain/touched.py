"""What a change touches: the parts of the event state each kind of journalled change can alter, so
the live service recomputes only the views that read them (app/views.py declares what each section
reads; docs/performance.md, "A score recomputes only what it can change"). A kind not listed here
touches everything."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Change

ASPECTS: frozenset[str] = frozenset(
    {
        "event",
        "order",
        "status",
        "timers",
        "scene",
        "sheets",
        "revealed",
        "ceremony",
        "presence",
        "refused",
        "commentary",
        "vote",
        "ballots",
    }
)
_ASPECTS_BY_KIND: dict[str, frozenset[str]] = {
    "order": frozenset({"order"}),
    "start": frozenset({"status", "timers", "scene"}),
    "timer": frozenset({"timers"}),
    "open": frozenset({"status"}),
    "close": frozenset({"status"}),
    "reveal": frozenset({"status", "revealed", "scene"}),
    "recuse": frozenset({"sheets"}),  # who is on the panel: progress, results, the judge's own view
    "scene": frozenset({"scene"}),
    "hall": frozenset({"scene"}),  # the hall's settings travel in the scene section
    "score": frozenset({"sheets"}),
    "ceremony": frozenset({"ceremony", "scene"}),
    "ceremony_step": frozenset({"ceremony", "scene"}),
    "results_reopened": frozenset({"ceremony"}),
    "awards_redecided": frozenset({"ceremony"}),
    "start_undone": frozenset({"status", "timers", "scene"}),
    "ceremony_left": frozenset({"ceremony", "scene"}),
    "score_refused": frozenset({"refused"}),
    "correction": frozenset({"sheets", "refused"}),
    "point_saved": frozenset({"commentary"}),
    "point_deleted": frozenset({"commentary"}),
    "commentary_started": frozenset({"commentary", "scene"}),
    "commentary_points": frozenset({"commentary"}),
    "commentary_timer": frozenset({"commentary"}),
    "commentary_ended": frozenset({"commentary", "scene"}),
    "break_started": frozenset({"commentary", "scene"}),
    "vote_opened": frozenset({"vote"}),
    "vote_closed": frozenset({"vote"}),
    "vote_revealed": frozenset({"vote", "sheets", "scene"}),  # sheets: a composite share changes the results
    "votes_committed": frozenset(),  # a batch of audience votes (app/vote_intake.py): published apart
}
# Changes that alter one judge's own view (their sheets, their recusals) and no other judge's.
_ONE_JUDGE_KINDS = frozenset({"score", "correction", "recuse", "point_saved", "point_deleted"})


@dataclass(frozen=True, slots=True)
class Touched:
    """What some changes altered: `aspects` of the state, and the judges whose own view (their scores,
    their recusals) may differ; None means every judge's."""

    aspects: frozenset[str]
    judges: frozenset[str] | None = frozenset()

    def __or__(self, other: Touched) -> Touched:
        judges = None if self.judges is None or other.judges is None else self.judges | other.judges
        return Touched(self.aspects | other.aspects, judges)


NOTHING = Touched(frozenset())
EVERYTHING = Touched(ASPECTS, None)
PRESENCE = Touched(frozenset({"presence"}))
BALLOTS = Touched(frozenset({"ballots"}))  # audience votes committed (app/live_votes.py)


def touched_by(change: Change) -> Touched:
    aspects = _ASPECTS_BY_KIND.get(change.kind)
    if aspects is None:
        return EVERYTHING
    if change.kind in _ONE_JUDGE_KINDS:
        return Touched(aspects, frozenset({str(change.data.get("judge"))}))
    # A new running order reorders every judge's own recusal list (the `me` section).
    return Touched(aspects, None if "order" in aspects else frozenset())
