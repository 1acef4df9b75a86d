"""The next round's event definition, built from the previous round's (pure: app/rounds.py reads and
writes the databases). docs/event-file.md, "Rounds", says what is kept, what is dropped and why.

Kept: the judges, rubric, categories, scoring rules, timing, awards, audience rules and language, and
each advancing project as it was (its recusals too: a conflict of interest does not end with a round).
Dropped: the projects that did not advance, and the previous round's own indicators (they are part of
its composite; carry the composite to count them). Added: the `[round]` table with the provenance,
each advancing project's earlier results (its path, the previous round's own path carried forward)
and, when asked, the carried component: an indicator named after the previous round whose values are
its composites, rounded as they were shown (the event's decimals and rounding mode), out of 100.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .advancement import MAX_ROUNDS, Advancement
from .errors import DomainError
from .models import EarlierResult, Event, Indicator, PreviousRound, RoundInfo
from .numbers import shown
from .results import Standings
from .text import MAX_NAME, MAX_SHORT, MAX_TITLE, clean_line

MAX_WEIGHT = Decimal(10_000)  # a component's relative weight; docs/security.md


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the previous round's results were read: its database file name and its audit anchor."""

    file: str
    anchor_length: int
    anchor_head: str


def round_names(previous: Event, previous_round_name: str | None) -> tuple[str, int, str]:
    """(previous round's name, its index, the competition's name). An event that is not a round yet
    is round 1, named `previous_round_name` or "第 1 轮" / "Round 1" in its language."""
    if previous.round is not None:
        info = previous.round
        return info.name, info.index, info.competition or previous.title
    default = "第 1 轮" if previous.language == "zh" else "Round 1"
    name = _text(previous_round_name or default, MAX_SHORT)
    if name is None:
        raise DomainError(
            "bad_round_name", "The previous round's name must be text of 1 to {limit} characters.", limit=MAX_SHORT
        )
    return name, 1, previous.title


def next_round_event(
    previous: Event,
    standings: Standings,
    advancement: Advancement,
    *,
    title: str,
    round_name: str,
    rule: tuple[str, int, str],
    provenance: Provenance,
    carry_weight: Decimal | None,
    panel_weight: Decimal | None,
    previous_round_name: str | None = None,
    forced: bool = False,
) -> Event:
    """The new round's Event. `rule` is (kind, count, reason) as applied; an empty `title` or
    `round_name` takes the default below. DomainError for a title or name that is too long, a weight
    out of bounds, or a carried project without a result."""
    before, index, competition = round_names(previous, previous_round_name)
    # empty: "第 N 轮" / "Round N", and the title "<competition> · <round name>"
    if not (isinstance(round_name, str) and round_name.strip()):
        round_name = f"第 {index + 1} 轮" if previous.language == "zh" else f"Round {index + 1}"
    name = _text(round_name, MAX_SHORT)
    if name is None:
        raise DomainError("bad_round_name", "The round name must be text of 1 to {limit} characters.", limit=MAX_SHORT)
    if not (isinstance(title, str) and title.strip()):
        title = f"{competition} · {name}"[:MAX_TITLE]
    new_title = _text(title, MAX_TITLE)
    if new_title is None:
        raise DomainError("bad_title", "The title must be text of 1 to {limit} characters.", limit=MAX_TITLE)
    if index + 1 > MAX_ROUNDS:
        raise DomainError("too_many_rounds", "A competition has at most {limit} rounds.", limit=MAX_ROUNDS)
    panel, carry = _weights(previous, carry_weight, panel_weight)
    scoring = previous.scoring
    advanced = set(advancement.advanced)
    composite = {
        pid: shown(standings.results[pid].composite, scoring.decimals, scoring.rounding) for pid in advancement.advanced
    }
    indicators: tuple[Indicator, ...] = ()
    carried_id = f"round{index}"
    if carry is not None:
        missing = [pid for pid in advancement.advanced if composite[pid] is None]
        if missing:
            raise DomainError(
                "nothing_to_carry",
                "These projects have no result to carry into the next round: {ids}.",
                ids=", ".join(missing[:10]),
            )
        indicators = (_carried(previous, before, carried_id, carry, provenance),)
    projects = tuple(
        replace(p, indicators={carried_id: composite[p.id]} if carry is not None else {})  # type: ignore[dict-item]
        for p in previous.projects
        if p.id in advanced
    )
    path = tuple(e for e in previous.earlier_results if e.project in advanced) + tuple(
        EarlierResult(
            project=pid,
            round=before,
            index=index,
            rank=standings.results[pid].rank,
            tied=standings.results[pid].tied,
            composite=composite[pid],
        )
        for pid in advancement.advanced
    )
    kind, count, reason = rule
    return replace(
        previous,
        title=new_title,
        date="",
        projects=projects,
        indicators=indicators,
        panel_weight=float(panel),
        recusals=tuple(r for r in previous.recusals if r.project in advanced),
        round=RoundInfo(
            name=name,
            index=index + 1,
            competition=competition,
            previous=PreviousRound(
                event=previous.title,
                round=before,
                file=provenance.file,
                anchor_length=provenance.anchor_length,
                anchor_head=provenance.anchor_head,
                advanced_by=kind,
                count=count if kind != "pick" else 0,
                reason=reason,
                forced=forced,
            ),
        ),
        earlier_results=path,
    )


def _carried(previous: Event, before: str, cid: str, weight: Decimal, provenance: Provenance) -> Indicator:
    """The carried component: named after the previous round, in the event's language."""
    if previous.language == "zh":
        name = f"{before}综合得分"
        description = (
            f"{before}（{previous.title}）的综合得分，晋级时冻结；来源 {provenance.file}，"
            f"审计锚点：长度 {provenance.anchor_length}，链头 {provenance.anchor_head}"
        )
    else:
        name = f"{before} composite"
        description = (
            f"The composite of {before} ({previous.title}), frozen at advancement; from {provenance.file}, "
            f"audit anchor: length {provenance.anchor_length}, head {provenance.anchor_head}"
        )
    return Indicator(
        id=cid, name=name[:MAX_NAME], weight=float(weight), max=100.0, description=description, from_round=before
    )


def _weights(previous: Event, carry: Decimal | None, panel: Decimal | None) -> tuple[Decimal, Decimal | None]:
    """(panel weight, carried weight). Relative weights, as in the event file: with only the carried
    weight w given (0 < w < 100), the panel weighs 100 - w, so `--carry 40` is 40 % + 60 %."""
    for value in (carry, panel):
        if value is not None and (not value.is_finite() or value <= 0 or value > MAX_WEIGHT):
            raise DomainError("bad_weight", "A weight must be above 0 and at most {limit}.", limit=MAX_WEIGHT)
    if panel is None and carry is not None:
        if carry >= 100:
            raise DomainError(
                "bad_weight", "Without a panel weight, the carried weight must be below 100 (it is a percentage)."
            )
        panel = 100 - carry
    return (panel if panel is not None else Decimal(repr(previous.panel_weight))), carry


def _text(value: str, limit: int) -> str | None:
    """The text cleaned as every single-line field is, or None when empty or over `limit`."""
    text = clean_line(value) if isinstance(value, str) else None
    return text if text and len(text) <= limit else None
