"""The `[round]` table and the `[[earlier_results]]` of the event file (docs/event-file.md, "Rounds"):
which round of a competition this event is, where its projects came from (the previous round's
event, database file and audit anchor) and each project's results in the earlier rounds.

Read with the event file's own reader (app/eventfile.py), so its problems name the field and line and
are translated like every other. app/rounds.py writes them; `event_round_data` writes them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .audit_chain import parse_head
from .domain.advancement import ADVANCEMENT_KINDS, MAX_ROUNDS
from .domain.models import EarlierResult, PreviousRound, RoundInfo
from .domain.text import MAX_REASON, MAX_SHORT, MAX_TITLE

if TYPE_CHECKING:
    from .domain.models import Event
    from .eventfile import _Reader

ROUND_KEYS = {"competition", "name", "index", "previous"}
PREVIOUS_KEYS = {
    "event",
    "round",
    "file",
    "anchor_length",
    "anchor_head",
    "advanced_by",
    "count",
    "reason",
    "forced",
}
EARLIER_KEYS = {"project", "round", "index", "rank", "tied", "composite"}
MAX_ANCHOR_LENGTH = 2**53  # a journal's row count; the largest integer a JSON number holds exactly


def read_round(
    r: _Reader, data: dict[str, Any], project_ids: set[str]
) -> tuple[RoundInfo | None, tuple[EarlierResult, ...]]:
    """The round and the earlier results (None and () for an event that is not a round)."""
    info = _read_round_table(r, data) if "round" in data else None
    earlier = _read_earlier(r, data, project_ids, info)
    return info, earlier


def _read_round_table(r: _Reader, data: dict[str, Any]) -> RoundInfo:
    t = r.table(data, "round", "round")
    r.known_keys(t, ROUND_KEYS, "round")
    name = r.text_field(t, "name", "round", limit=MAX_SHORT)
    index = r.integer(t, "index", "round", 1, minimum=1)
    if index > MAX_ROUNDS:
        r.fail("round.index", "must be at most {maximum}", maximum=MAX_ROUNDS)
    competition = r.text_field(t, "competition", "round", required=False, limit=MAX_TITLE)
    previous = None
    if "previous" in t:
        previous = _read_previous(r, t)
        if index < 2:
            r.fail("round.index", "must be at least 2 when the round has a previous round")
    return RoundInfo(name=name, index=min(index, MAX_ROUNDS), competition=competition, previous=previous)


def _read_previous(r: _Reader, t: dict[str, Any]) -> PreviousRound:
    f = "round.previous"
    p = r.table(t, "previous", f)
    r.known_keys(p, PREVIOUS_KEYS, f)
    head = r.text_field(p, "anchor_head", f, limit=64)
    try:
        head = parse_head(head) if head else head
    except ValueError:
        r.fail(f"{f}.anchor_head", "must be 8 to 64 hexadecimal characters (the chain head)")
    length = r.integer(p, "anchor_length", f, minimum=0)
    if length > MAX_ANCHOR_LENGTH:
        r.fail(f"{f}.anchor_length", "must be at most {maximum}", maximum=MAX_ANCHOR_LENGTH)
    advanced_by = r.choice(p, "advanced_by", f, ADVANCEMENT_KINDS, "pick")
    count = r.integer(p, "count", f, 0, minimum=0)
    reason = r.text_field(p, "reason", f, required=False, limit=MAX_REASON)
    if advanced_by == "pick" and not reason:
        r.fail(f"{f}.reason", 'is required when advanced_by = "pick"')
    if advanced_by != "pick" and count < 1:
        r.fail(f"{f}.count", "must be at least 1 for a top rule")
    forced = p.get("forced", False)
    if not isinstance(forced, bool):
        r.fail(f"{f}.forced", "must be true or false")
        forced = False
    return PreviousRound(
        event=r.text_field(p, "event", f, limit=MAX_TITLE),
        round=r.text_field(p, "round", f, limit=MAX_SHORT),
        file=r.text_field(p, "file", f, limit=MAX_TITLE),
        anchor_length=length,
        anchor_head=head,
        advanced_by=advanced_by,
        count=count,
        reason=reason,
        forced=forced,
    )


def _read_earlier(
    r: _Reader, data: dict[str, Any], project_ids: set[str], info: RoundInfo | None
) -> tuple[EarlierResult, ...]:
    rows = r.array(data, "earlier_results", required=False)
    if rows and info is None:
        r.fail("earlier_results", "needs a [round] table (the round these results came before)")
    if len(rows) > max(1, len(project_ids)) * MAX_ROUNDS:
        r.fail("earlier_results", "lists more than {limit} results", limit=max(1, len(project_ids)) * MAX_ROUNDS)
        return ()
    out: list[EarlierResult] = []
    seen: set[tuple[str, int]] = set()
    for i, c in enumerate(rows):
        f = f"earlier_results[{i}]"
        r.known_keys(c, EARLIER_KEYS, f)
        project = r.text_field(c, "project", f)
        if project and project not in project_ids:
            r.fail(f"{f}.project", "'{value}' is not a project id", value=project)
        index = r.integer(c, "index", f, minimum=1)
        if info is not None and index >= info.index:
            r.fail(f"{f}.index", "must be below this round's index ({index})", index=info.index)
        if (project, index) in seen:
            r.fail(f"{f}.index", "'{value}' already has a result for this round", value=project)
        seen.add((project, index))
        rank = r.integer(c, "rank", f, minimum=1) if "rank" in c else None
        composite = r.number(c, "composite", f, minimum=0) if "composite" in c else None
        if composite is not None and composite > 100:
            r.fail(f"{f}.composite", "{value} is above the maximum of {maximum}", value=f"{composite:g}", maximum="100")
        tied = c.get("tied", False)
        if not isinstance(tied, bool):
            r.fail(f"{f}.tied", "must be true or false")
            tied = False
        out.append(
            EarlierResult(
                project=project,
                round=r.text_field(c, "round", f, limit=MAX_SHORT),
                index=index,
                rank=rank,
                tied=tied,
                composite=composite,
            )
        )
    return tuple(out)


def event_round_data(event: Event) -> dict[str, Any]:
    """The `[round]` table and `[[earlier_results]]` of `event`, as an event file parses to (none
    when the event is not a round)."""
    out: dict[str, Any] = {}
    info = event.round
    if info is not None:
        table: dict[str, Any] = {"name": info.name, "index": info.index}
        if info.competition:
            table = {"competition": info.competition} | table
        if info.previous is not None:
            p = info.previous
            previous: dict[str, Any] = {
                "event": p.event,
                "round": p.round,
                "file": p.file,
                "anchor_length": p.anchor_length,
                "anchor_head": p.anchor_head,
                "advanced_by": p.advanced_by,
            }
            if p.count:
                previous["count"] = p.count
            if p.reason:
                previous["reason"] = p.reason
            if p.forced:
                previous["forced"] = True
            table["previous"] = previous
        out["round"] = table
    if event.earlier_results:
        out["earlier_results"] = [_earlier_row(e) for e in event.earlier_results]
    return out


def _earlier_row(e: EarlierResult) -> dict[str, Any]:
    row: dict[str, Any] = {"project": e.project, "round": e.round, "index": e.index}
    if e.rank is not None:
        row["rank"] = e.rank
        row["tied"] = e.tied
    if e.composite is not None:
        row["composite"] = e.composite
    return row
